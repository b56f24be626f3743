"""Real Veche processes for browser tests: uvicorn over a fresh database, as `make run` serves.

On the embedded default each server gets its own SQLite file; in the PostgreSQL + Redis pass
(VECHE_DATABASE_URL and VECHE_REDIS_URL set) a fresh database `veche_e2e` and Redis db 14,
which several servers can share, as several machines would."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VECHE = [sys.executable, "-m", "config.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scaleout() -> bool:
    return bool(os.environ.get("VECHE_DATABASE_URL", "").startswith("postgres"))


def environment(var_dir: Path, db_name: str = "veche_e2e", **extra) -> dict:
    # Not the caller's VECHE_CACHE_PREFIX: each server's Redis namespace is its database's.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k != "VECHE_CACHE_PREFIX"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "VECHE_DEBUG": "0",
        "VECHE_VAR_DIR": str(var_dir),
        "VECHE_RATE_LIMITS": "0",
        "VECHE_SECRET_KEY": "e2e-" + "k" * 50,
    })
    if scaleout():
        base = os.environ["VECHE_DATABASE_URL"].rsplit("/", 1)[0]
        env["VECHE_DATABASE_URL"] = f"{base}/{db_name}"
        env["VECHE_REDIS_URL"] = os.environ["VECHE_REDIS_URL"].rsplit("/", 1)[0] + "/14"
    else:
        env.pop("VECHE_DATABASE_URL", None)
        env.pop("VECHE_REDIS_URL", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def prepare(env: dict, seed_dir: Path | None) -> None:
    """A fresh database with the demo content, and the static files."""
    from core.scratch import recreate

    recreate(env)
    if seed_dir is not None:
        env["VECHE_SEED_DIR"] = str(seed_dir)
    for args in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["load-demo"]):
        subprocess.run(VECHE + args, env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)


class Server:
    def __init__(self, env: dict, port: int | None = None, workers: int = 1):
        self.env = env
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(env["VECHE_VAR_DIR"]) / f"server-{self.port}.log"
        self.proc = subprocess.Popen(
            [*VECHE, "serve", "--port", str(self.port), "--workers", str(workers)],
            env=env, cwd=ROOT, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Veche exited: {self.log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"Veche did not start: {self.log.read_text()[-2000:]}")

    def kill(self, sig=signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
