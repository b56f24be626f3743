"""The queue under Django's Tasks interface, as an operator sees it: run a worker, list what
is queued or failed, re-run a task, and take back the tasks of a worker that died.

Two engines, chosen by settings.VECHE_TASKS_BACKEND (docs/deploy.md, "Background tasks"):
- "database": django-tasks-db's rows in the site's own database (embedded default);
- "redis": RQ through django-tasks-rq (scale-out).

A worker that is killed (SIGKILL, a lost machine) leaves its task marked running. Workers are
named `host:pid:random`; a worker starting, and every minute after, gives back to the queue
every running task whose worker was on this machine and is gone, and every task a worker
elsewhere started more than VECHE_TASK_LEASE_SECONDS ago. The task then runs again — which
is why tasks are idempotent (core.tasks)."""

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string

log = logging.getLogger("veche.tasks")
REAP_EVERY = 60  # seconds between two looks for tasks of dead workers


@dataclass
class Row:
    id: str
    task: str
    status: str
    enqueued_at: datetime | None
    args: list
    error: str = ""


def mode() -> str:
    return settings.VECHE_TASKS_BACKEND


def host() -> str:
    return socket.gethostname()[:24]


def new_worker_id() -> str:
    return f"{host()}:{os.getpid()}:{get_random_string(8)}"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_gone(worker_id: str, started_at: datetime | None) -> bool:
    """Whether the worker that started a task is gone: on this machine, its process is;
    elsewhere, it has held the task longer than the lease."""
    parts = (worker_id or "").split(":")
    if len(parts) >= 2 and parts[0] == host() and parts[1].isdigit():
        return not pid_alive(int(parts[1]))
    lease = timedelta(seconds=settings.VECHE_TASK_LEASE_SECONDS)
    return started_at is None or started_at < timezone.now() - lease


# --- database --------------------------------------------------------------------------


def _db_reap() -> int:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    taken = 0
    for row in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        last = row.worker_ids[-1] if row.worker_ids else ""
        if worker_gone(last, row.started_at):
            taken += DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None)
    return taken


def _db_rows(statuses: list[str], limit: int) -> list[Row]:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(status__in=statuses).order_by("-enqueued_at")[:limit]
    return [Row(str(r.id), r.task_path, r.status, r.enqueued_at, r.args_kwargs.get("args", []),
                (r.traceback or "").strip().splitlines()[-1:][0] if r.traceback else "") for r in rows]


def _db_depth() -> dict[str, int]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    counts = dict(DBTaskResult.objects.exclude(status="SUCCESSFUL").values_list("status")
                  .annotate(n=Count("id")).values_list("status", "n"))
    return {"queued": counts.get("READY", 0), "running": counts.get("RUNNING", 0),
            "failed": counts.get("FAILED", 0)}


def _db_rerun(task_id: str) -> bool:
    from django.core.exceptions import ValidationError
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        return bool(DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=timezone.now(), finished_at=None))
    except (ValidationError, ValueError):
        return False


# --- redis (RQ) --------------------------------------------------------------------------


def share_redis_connections() -> None:
    """django-rq makes a new Redis client — a new connection, with its handshake — for every
    queue it hands out, so every enqueue paid a connect (about 40 ms a task on a loaded
    machine, bench.queue). One client per configuration is kept for the process instead
    (redis-py's clients are thread-safe, over a pool that renews itself after a fork).
    Installed once at start (config.apps)."""
    from django_rq import connection_utils, queues

    made = connection_utils.get_redis_connection
    if getattr(made, "veche_shared", False):
        return
    clients: dict[tuple, object] = {}
    lock = threading.Lock()

    def shared(config: dict, use_strict_redis: bool = False):
        key = (repr(sorted(config.items())), use_strict_redis)
        with lock:
            if key not in clients:
                clients[key] = made(config, use_strict_redis)
            return clients[key]

    shared.veche_shared = True  # type: ignore[attr-defined]
    connection_utils.get_redis_connection = shared
    queues.get_redis_connection = shared



def _rq_queue():
    import django_rq
    from django_tasks_rq.backend import Job

    return django_rq.get_queue(settings.VECHE_TASK_QUEUE, job_class=Job)


def _rq_reap() -> int:
    from rq.exceptions import NoSuchJobError
    from rq.registry import StartedJobRegistry

    queue = _rq_queue()
    registry = StartedJobRegistry(queue=queue, job_class=queue.job_class)
    taken = 0
    for job_id in {jid for jid, _ in registry.get_job_and_execution_ids(cleanup=False)}:
        try:
            job = queue.job_class.fetch(job_id, connection=queue.connection)
        except NoSuchJobError:
            continue
        started = job.started_at.replace(tzinfo=timezone.UTC) if job.started_at and not job.started_at.tzinfo \
            else job.started_at
        if worker_gone(job.worker_name or "", started):
            registry.remove_executions(job)
            job.started_at = None
            job.save()
            queue.enqueue_job(job)
            taken += 1
    return taken


def _rq_rows(statuses: list[str], limit: int) -> list[Row]:
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    queue = _rq_queue()
    ids: list[tuple[str, str]] = []
    if "READY" in statuses:
        ids += [(i, "READY") for i in queue.get_job_ids()]
        ids += [(i, "READY") for i in ScheduledJobRegistry(queue=queue).get_job_ids()]
    if "RUNNING" in statuses:
        ids += [(i, "RUNNING") for i in StartedJobRegistry(queue=queue).get_job_ids(cleanup=False)]
    if "FAILED" in statuses:
        ids += [(i, "FAILED") for i in FailedJobRegistry(queue=queue).get_job_ids()]
    rows = []
    for job_id, status in ids[:limit]:
        job = queue.fetch_job(job_id)
        if job is None:
            continue
        error = ""
        if status == "FAILED":
            result = job.latest_result()
            error = ((result.exc_string or "") if result else "").strip().splitlines()[-1:][0] \
                if result and result.exc_string else ""
        rows.append(Row(job.id, job.func_name, status, job.enqueued_at, list(job.args), error))
    return rows


def _rq_depth() -> dict[str, int]:
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    queue = _rq_queue()
    return {"queued": queue.count + ScheduledJobRegistry(queue=queue).count,
            "running": StartedJobRegistry(queue=queue).get_job_count(cleanup=False),
            "failed": FailedJobRegistry(queue=queue).count}


def _rq_left_in_default() -> int:
    """Tasks waiting in RQ's `default` queue (retries scheduled included), where a version of
    Veche before each site had its own queue put them: what a worker with `--also-queue
    default` would run. 0 when the site's queue is that one."""
    import django_rq
    from rq.registry import ScheduledJobRegistry

    if settings.VECHE_TASK_QUEUE == "default":
        return 0
    old = django_rq.get_queue("default")
    return old.count + ScheduledJobRegistry(queue=old).count


def _rq_rerun(task_id: str) -> bool:
    from rq.exceptions import InvalidJobOperation, NoSuchJobError
    from rq.registry import FailedJobRegistry

    queue = _rq_queue()
    try:
        FailedJobRegistry(queue=queue, job_class=queue.job_class).requeue(task_id)
    except (InvalidJobOperation, NoSuchJobError):
        return False
    return True


# --- what operators and workers call ------------------------------------------------------


def reap() -> int:
    """Give back to the queue the running tasks of workers that are gone; how many."""
    return {"database": _db_reap, "redis": _rq_reap}.get(mode(), lambda: 0)()


def rows(statuses: list[str], limit: int = 100) -> list[Row]:
    return {"database": _db_rows, "redis": _rq_rows}.get(mode(), lambda s, n: [])(statuses, limit)


def depth() -> dict[str, int]:
    """Tasks queued (scheduled retries included), running and failed."""
    return {"database": _db_depth, "redis": _rq_depth}.get(
        mode(), lambda: {"queued": 0, "running": 0, "failed": 0})()


def left_in_default() -> int:
    """Tasks an earlier version left in RQ's shared `default` queue, which only a worker
    started with `--also-queue default` runs (docs/deploy.md); 0 outside Redis mode."""
    return _rq_left_in_default() if mode() == "redis" else 0


def rerun(task_id: str) -> bool:
    """Put a failed task back in the queue, to run at once; False when no failed task has
    that id."""
    return {"database": _db_rerun, "redis": _rq_rerun}.get(mode(), lambda i: False)(task_id)


KEEP_SUCCESSFUL = timedelta(days=1)  # finished tasks' rows kept this long (database queue)


def prune() -> int:
    """Forget the database queue's successful tasks older than KEEP_SUCCESSFUL (RQ expires
    its own); failed ones stay until re-run. How many rows went."""
    if mode() != "database":
        return 0
    from django_tasks_db.models import DBTaskResult

    n, _ = DBTaskResult.objects.successful().filter(finished_at__lt=timezone.now() - KEEP_SUCCESSFUL).delete()
    return n


def enqueue_periodic() -> list[str]:
    """Enqueue the sweeps settings.VECHE_PERIODIC_TASKS names (dotted paths to tasks: the
    notifications' e-mail sweep and digests, say). Each is idempotent, so workers that enqueue
    the same sweep in the same minutes do no harm. Returns the paths enqueued."""
    from django.utils.module_loading import import_string

    done = []
    for path in getattr(settings, "VECHE_PERIODIC_TASKS", ()):
        try:
            import_string(path).enqueue()
            done.append(path)
        except Exception:  # noqa: BLE001 (one sweep that cannot be enqueued stops no other)
            log.exception("periodic task %s not enqueued", path)
    return done


def start_reaper(stop: threading.Event) -> threading.Thread:
    """Reap and prune every REAP_EVERY seconds, and enqueue the periodic sweeps every
    settings.VECHE_PERIODIC_SECONDS, until `stop` is set."""

    def loop() -> None:
        last_sweep = time.monotonic()
        while not stop.wait(REAP_EVERY):
            try:
                reap()
                prune()
                if time.monotonic() - last_sweep >= getattr(settings, "VECHE_PERIODIC_SECONDS", 300):
                    last_sweep = time.monotonic()
                    enqueue_periodic()
            except Exception:  # noqa: BLE001 (a database away for a moment: next round)
                log.exception("taking back tasks of dead workers failed")
            finally:
                close_old_connections()

    thread = threading.Thread(target=loop, name="veche-task-reaper", daemon=True)
    thread.start()
    return thread


def watch_parent(parent: int) -> None:
    """A worker started by `veche serve` stops (as on SIGTERM: the task under way finishes)
    when the server is gone, however it went: a server killed outright cannot stop it."""
    import signal

    def loop() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=loop, name="veche-parent-watch", daemon=True).start()


def run_worker(*, interval: float = 1.0, batch: bool = False, worker_id: str | None = None,
               also: list[str] | None = None) -> None:
    """Run one worker in this process until SIGTERM/SIGINT (or, with batch, until the queue
    is empty). The database worker polls every `interval` seconds when idle; RQ's blocks on
    Redis. Tasks of dead workers are taken back first."""
    worker_id = worker_id or new_worker_id()
    parent = os.environ.get("VECHE_WORKER_PARENT", "")
    if parent.isdigit():
        watch_parent(int(parent))
    reap()
    stop = threading.Event()
    start_reaper(stop)
    try:
        if mode() == "database":
            from django_tasks_db.management.commands.db_worker import Worker

            worker = Worker(queue_names=["*"], interval=interval, batch=batch, backend_name="default",
                            startup_delay=False, max_tasks=None, worker_id=worker_id,
                            excluded_queue_names=[])
            worker.configure_signals()
            worker.run()
        elif mode() == "redis":
            from rq.worker import SimpleWorker

            queue = _rq_queue()
            # Another RQ queue named by the operator (`--also-queue default`: what an earlier
            # version left waiting), after the site's own.
            others = [type(queue)(name, connection=queue.connection, job_class=queue.job_class,
                                  default_timeout=queue._default_timeout)
                      for name in (also or []) if name != queue.name]
            # SimpleWorker runs each job in this process (no fork per job): connections and
            # caches stay warm; isolation comes from running several `veche worker` processes.
            worker = SimpleWorker([queue, *others], connection=queue.connection, name=worker_id,
                                  job_class=queue.job_class)
            worker.work(with_scheduler=True, burst=batch, logging_level="WARNING")
        else:
            raise RuntimeError("The immediate task backend runs tasks in the request: no worker to run.")
    finally:
        stop.set()
