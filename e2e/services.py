"""Private PostgreSQL clusters and Redis servers, so failure tests can stop and restart them
without touching the services the rest of the suite uses."""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time

from e2e.server import free_port


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise FileNotFoundError(f"PostgreSQL's {name} is not installed")
    return found[-1]


def _as_postgres(args: list[str], **kw):
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, timeout=120, **kw)


class PrivatePostgres:
    """A throw-away cluster on a free port, trust auth, database `veche`."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="veche-pg-")
        os.chmod(self.dir, 0o777)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = os.path.join(self.dir, "data")
        _as_postgres([_pg_bin("initdb"), "-D", self.data, "--auth=trust", "-U", "postgres", "-E", "UTF8"])
        self.start()
        _as_postgres([_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "veche"])
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/veche"

    def start(self):
        _as_postgres([_pg_bin("pg_ctl"), "-D", self.data, "-w", "-l", os.path.join(self.dir, "log"),
                      "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start"])

    def stop(self):
        _as_postgres([_pg_bin("pg_ctl"), "-D", self.data, "-w", "-m", "fast", "stop"])

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("private redis did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
