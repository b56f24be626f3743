"""Running real workers in tests: the queue of the mode the suite runs in (database without
VECHE_REDIS_URL, RQ on Redis with it), workers as child processes on the test database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent.parent
WAIT = 60  # seconds a worker may take to reach a point before the test gives up (never a figure)


def mode() -> str:
    return "redis" if os.environ.get("VECHE_REDIS_URL") else "database"


def database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", VECHE_TASKS_BACKEND=mode(),
               VECHE_DATABASE_URL=database_url(), PYTHONPATH=str(ROOT),
               VECHE_CACHE_PREFIX=settings.REDIS_PREFIX)  # the test database is named otherwise
    env.update(extra)
    return env


def start_worker(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "config.cli", "worker", "--interval", "0.05", *args],
                            cwd=ROOT, env=worker_env(**env), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run_batch(**env: str) -> None:
    """A worker that runs what is queued, then stops."""
    proc = start_worker("--batch", **env)
    _, err = proc.communicate(timeout=WAIT * 2)
    assert proc.returncode == 0, err.decode()[-3000:]


def kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def wait_for(predicate, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {WAIT} s for {what}")
        time.sleep(0.05)


@pytest.fixture
def real_queue(transactional_db):
    """The mode's real backend in this process too, with an empty queue."""
    with override_settings(VECHE_TASKS_BACKEND=mode(), TASKS={"default": settings.TASK_BACKENDS[mode()]}):
        if mode() == "redis":
            _empty_rq()
        yield mode()
        if mode() == "redis":
            _empty_rq()


def _empty_rq() -> None:
    import django_rq

    conn = django_rq.get_connection(settings.VECHE_TASK_QUEUE)
    keys = list(conn.scan_iter("rq:*"))
    if keys:
        conn.delete(*keys)
