"""veche serve: Veche over ASGI with uvicorn (see docs/serving.md for why uvicorn).

The bounds a server owes its clients are set here and in core.httpserver: request heads of
at most VECHE_MAX_HEADER_BYTES, heads and bodies that must arrive in time, at most
VECHE_MAX_CONNECTIONS connections when set; the live streams one address may hold are
bounded in live.stream. Forwarded headers are believed only with VECHE_TRUSTED_PROXY_HOPS
> 0: uvicorn would otherwise take the client's address from X-Forwarded-For whenever the
peer is 127.0.0.1, and any local client could then claim any address past the limits.

Several workers count their metrics in files (prometheus-client's multiprocess mode): a
directory of this run's, emptied at start so a restart does not add the last run's counts
twice, unless PROMETHEUS_MULTIPROC_DIR names one already (then its owner empties it).

Beside the server runs one task worker (`veche worker`) as a child process, so one command
runs everything; `--no-worker` leaves the tasks to workers started on their own (scale-out).
A process rather than a thread in the server: a task (an HTTP call to a webhook receiver, a
digest of 10,000 mails) must not take the server's interpreter lock or event loop from the
pages, and a worker that dies can be restarted without the server."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PROTOCOL = "core.httpserver:BoundedHttpToolsProtocol"


def uvicorn_options(host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
                    log_level: str = "warning") -> dict:
    """The keyword arguments of uvicorn.run (and uvicorn.Config) for these settings."""
    return {
        "host": host, "port": port, "workers": workers, "log_level": log_level,
        "access_log": False, "lifespan": "on", "timeout_graceful_shutdown": 3, "backlog": 4096,
        "http": PROTOCOL,
        # uvicorn's h11 protocol, should anyone choose it, bounds request heads by this.
        "h11_max_incomplete_event_size": settings.VECHE_MAX_HEADER_BYTES,
        "timeout_keep_alive": 5,
        "limit_concurrency": settings.VECHE_MAX_CONNECTIONS or None,
        "proxy_headers": settings.VECHE_TRUSTED_PROXY_HOPS > 0,
        # uvicorn's own lines (start, stop, an application's error) through Django's LOGGING,
        # so they come in the same format as the rest (JSON with VECHE_LOG_FORMAT=json).
        "log_config": None,
    }


def metrics_dir(workers: int, port: int) -> Path | None:
    """For several workers, the directory where each keeps its metrics, made empty, and set in
    PROMETHEUS_MULTIPROC_DIR for the workers to inherit (it must be set before they import
    the library); None for one worker, which keeps them in its memory."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        return Path(given)
    if workers <= 1:
        return None
    path = Path(settings.VAR_DIR) / "metrics" / f"serve-{port}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


class Command(BaseCommand):
    help = "Serve Veche over ASGI (uvicorn): pages, the API and the live event streams."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--log-level", default="warning")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start a task worker beside the server (run `veche worker` apart)")

    def handle(self, host, port, workers, log_level, no_worker=False, **options):
        import resource

        import uvicorn

        # Every open page holds a connection for its live stream: allow as many as the system does.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

        if workers > 1 and not settings.REDIS_URL:
            raise CommandError(
                "Several workers need VECHE_REDIS_URL: without Redis, live events, presence and "
                "caches live inside one process. Use --workers 1, or set VECHE_REDIS_URL."
            )
        if workers > 1 and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            self.stderr.write("Note: several workers on SQLite share one writer; PostgreSQL scales further.")
        os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev")
        metrics_dir(workers, port)
        worker = None if no_worker else start_worker()
        # uvicorn hands a SIGTERM it caught back to the handler found at start once it has shut
        # down: this one, so the worker is stopped before the process ends (SIGINT raises
        # KeyboardInterrupt, which does the same). The worker also stops if this process
        # dies without either (core.queue.watch_parent).
        signal.signal(signal.SIGTERM, _exit_cleanly)
        try:
            uvicorn.run("config.asgi:application", **uvicorn_options(host, port, workers, log_level))
        finally:
            stop_worker(worker)


def _exit_cleanly(signum, frame) -> None:
    raise SystemExit(0)


def start_worker() -> subprocess.Popen | None:
    """A `veche worker` child, or None when tasks run inside requests (immediate backend)."""
    if settings.VECHE_TASKS_BACKEND not in ("database", "redis"):
        return None
    return subprocess.Popen([sys.executable, "-m", "config.cli", "worker"],
                            env={**os.environ, "VECHE_WORKER_PARENT": str(os.getpid())})


def stop_worker(worker: subprocess.Popen | None) -> None:
    """SIGTERM: the worker finishes the task under way (a task cut short runs again anyway)."""
    if worker is None or worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
