"""A streaming replica of the test cluster for the PostgreSQL pass: pg_basebackup -R into a
private data directory under /tmp, started on a free port as the postgres OS user, stopped
and removed after the run. Only the PostgreSQL pass runs it; elsewhere the tests that need it
skip and say why (and fail under CI=true where the pass is PostgreSQL but a replica cannot be
made)."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

HBA_LINE = "host replication postgres 127.0.0.1/32 trust  # Veche's tests: a streaming replica"
WAIT_SECONDS = 120  # the longest a start or a catch-up may take before the test gives up


def unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"the PostgreSQL pass needs a streaming replica under CI: {reason}")
    pytest.skip(f"no streaming replica: {reason}")


def _as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    prefix = [] if pwd.getpwuid(os.geteuid()).pw_name == "postgres" else ["runuser", "-u", "postgres", "--"]
    return subprocess.run(prefix + args, capture_output=True, text=True, timeout=WAIT_SECONDS, **kw)


def _primary():
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    return psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                           dbname="postgres", autocommit=True, connect_timeout=5)


def _replication_allowed(conn) -> bool:
    rows = conn.execute("SELECT database, address, error FROM pg_hba_file_rules").fetchall()
    return any(r[2] is None and "replication" in (r[0] or []) and r[1] in ("127.0.0.1", None, "all")
               for r in rows)


def allow_replication(conn) -> None:
    """pg_hba.conf of the test cluster must let 127.0.0.1 replicate. Where it does not, one
    line is added and the configuration reloaded — only when the file is writable and the
    reloaded rules have no error (else the file is put back as it was). The line stays (the
    cluster already trusts 127.0.0.1 for every database: it widens nothing)."""
    if _replication_allowed(conn):
        return
    hba = Path(conn.execute("SHOW hba_file").fetchone()[0])
    try:
        before = hba.read_text()
        hba.write_text(before.rstrip("\n") + "\n" + HBA_LINE + "\n")
    except OSError as exc:
        unavailable(f"pg_hba.conf does not allow replication from 127.0.0.1 and cannot be changed ({exc})")
    conn.execute("SELECT pg_reload_conf()")
    for _ in range(50):
        if _replication_allowed(conn):
            return
        time.sleep(0.1)
    hba.write_text(before)
    conn.execute("SELECT pg_reload_conf()")
    unavailable("adding a replication line to pg_hba.conf did not take; the file was put back")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Replica:
    def __init__(self):
        with _primary() as conn:
            major = conn.execute("SHOW server_version_num").fetchone()[0][:2]
            self.bin = Path(f"/usr/lib/postgresql/{int(major)}/bin")
            if not (self.bin / "pg_basebackup").exists():
                unavailable(f"{self.bin}/pg_basebackup is missing")
            allow_replication(conn)
            # A hot standby needs these at least as high as its primary's.
            self.limits = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in (
                "max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions",
                "max_locks_per_transaction")}
            self.primary_port = conn.info.port
        self.dir = Path(tempfile.mkdtemp(prefix="veche-replica-"))
        self.data = self.dir / "data"
        shutil.chown(self.dir, "postgres", "postgres")
        self.port = _free_port()
        done = _as_postgres([str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port),
                             "-U", "postgres", "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
                             "--no-sync"])
        if done.returncode != 0:
            self.remove()
            unavailable(f"pg_basebackup failed: {done.stderr.strip()[-500:]}")
        settings = [f"port = {self.port}", "listen_addresses = '127.0.0.1'",
                    f"unix_socket_directories = '{self.dir}'", "hot_standby = on",
                    f"hba_file = '{self.data / 'pg_hba.conf'}'", f"ident_file = '{self.data / 'pg_ident.conf'}'",
                    "fsync = off", "shared_buffers = 32MB", "logging_collector = off",
                    *(f"{k} = {v}" for k, v in self.limits.items())]
        for name, text in (("postgresql.conf", "\n".join(settings) + "\n"),
                           ("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n"),
                           ("pg_ident.conf", "")):
            path = self.data / name
            path.write_text(text)
            shutil.chown(path, "postgres", "postgres")
        try:
            self.start()
        except Exception:
            self.remove()
            raise

    def _ctl(self, *args: str) -> None:
        done = _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
                             "-w", "-t", str(WAIT_SECONDS), *args])
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl {' '.join(args)}: {done.stderr.strip()} "
                               f"{(self.dir / 'log').read_text()[-1000:] if (self.dir / 'log').exists() else ''}")

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def sql(self, statement: str, dbname: str = "postgres"):
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname,
                             autocommit=True, connect_timeout=5) as conn:
            return conn.execute(statement).fetchall()

    def caught_up(self, dbname: str) -> None:
        """Wait until the replica has replayed everything the primary has written so far and
        holds the test database."""
        with _primary() as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                behind = self.sql(f"SELECT pg_last_wal_replay_lsn() < '{target}'::pg_lsn, "
                                  f"EXISTS (SELECT 1 FROM pg_database WHERE datname = '{dbname}')")[0]
                if not behind[0] and behind[1]:
                    return
            except Exception:  # noqa: S110  starting up: asked again below
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the replica did not catch up within {WAIT_SECONDS}s")

    def pause(self) -> None:
        self.sql("SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        self.sql("SELECT pg_wal_replay_resume()")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "stop", "-m", "immediate"])
        shutil.rmtree(self.dir, ignore_errors=True)


def pg_pass_or_skip() -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a streaming replica is made only in the PostgreSQL pass (scripts/test.sh pass 2)")
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        unavailable("the replica runs as the postgres OS user: the suite must run as root or postgres")
