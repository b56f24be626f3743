"""The task queue of the suite's mode, with real workers: a task survives its worker being
killed, failures retry then stay failed where `veche tasks` lists and re-runs them, and
idempotency keys keep a duplicate from acting twice."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core import queue, tasks
from core.models import DoneKey
from core.tests import queue_tasks
from core.tests.queue_helpers import kill, real_queue, run_batch, start_worker, wait_for  # noqa: F401
from ops import metrics

pytestmark = pytest.mark.usefixtures("real_queue")


def test_a_worker_killed_mid_task_loses_nothing(tmp_path):
    queue_tasks.slow.enqueue(str(tmp_path), "one")
    worker = start_worker()
    wait_for(lambda: queue_tasks.lines(tmp_path / "starts") == ["one"], "the task to start")
    kill(worker)  # SIGKILL: no clean-up runs

    assert queue.depth()["running"] == 1  # left marked as running by the dead worker
    assert queue_tasks.lines(tmp_path / "done") == []

    (tmp_path / "release").touch()
    run_batch()  # a new worker takes the dead one's task back and runs it

    assert queue_tasks.lines(tmp_path / "starts") == ["one", "one"]
    assert queue_tasks.lines(tmp_path / "done") == ["one"]
    assert queue.depth() == {"queued": 0, "running": 0, "failed": 0}


def test_a_running_task_of_a_live_worker_is_not_taken(tmp_path):
    queue_tasks.slow.enqueue(str(tmp_path), "two")
    worker = start_worker()
    try:
        wait_for(lambda: queue_tasks.lines(tmp_path / "starts") == ["two"], "the task to start")
        assert queue.reap() == 0
        assert queue.depth()["running"] == 1
    finally:
        (tmp_path / "release").touch()
        wait_for(lambda: queue_tasks.lines(tmp_path / "done") == ["two"], "the task to finish")
        kill(worker)
    assert queue_tasks.lines(tmp_path / "starts") == ["two"]


def test_a_failing_task_retries_then_succeeds(tmp_path):
    queue_tasks.flaky.enqueue(str(tmp_path), 2)
    run_batch()
    assert len(queue_tasks.lines(tmp_path / "tries")) == 3
    assert queue.depth() == {"queued": 0, "running": 0, "failed": 0}


def test_a_task_failing_every_try_stays_failed_listed_and_can_be_rerun(tmp_path):
    queue_tasks.flaky.enqueue(str(tmp_path), 3)  # three tries, all fail
    run_batch()
    assert len(queue_tasks.lines(tmp_path / "tries")) == 3
    assert queue.depth()["failed"] == 1
    out = StringIO()
    call_command("tasks", "--failed", stdout=out)
    assert "flaky" in out.getvalue() and "not yet" in out.getvalue()
    failed = queue.rows(["FAILED"])
    assert len(failed) == 1

    call_command("tasks", "--rerun", failed[0].id, stdout=StringIO())
    assert queue.depth()["failed"] == 0 and queue.depth()["queued"] == 1
    run_batch()
    assert len(queue_tasks.lines(tmp_path / "tries")) == 4  # the re-run succeeded (4 > 3 failures)
    assert queue.depth() == {"queued": 0, "running": 0, "failed": 0}


def test_rerun_of_an_unknown_id_is_a_clear_error():
    with pytest.raises(CommandError, match="No failed task"):
        call_command("tasks", "--rerun", "not-an-id", stdout=StringIO())


def test_once_does_a_duplicate_nothing():
    with tasks.once("k:1") as first:
        assert first
        DoneKey.objects.create(key="effect")
    with tasks.once("k:1") as first:
        assert not first
    assert DoneKey.objects.filter(key="effect").count() == 1


def test_once_rolled_back_leaves_the_key_free():
    with pytest.raises(RuntimeError), tasks.once("k:2"):
        raise RuntimeError
    assert not tasks.done("k:2")
    assert tasks.mark_done("k:2") and not tasks.mark_done("k:2")


def _children(pid: int) -> list[str]:
    """The command lines of a process's children (Linux /proc)."""
    from pathlib import Path

    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue
    return found


def test_veche_serve_runs_a_worker_beside_itself_and_stops_it(tmp_path):
    """One command runs everything: `veche serve` starts `veche worker`, whose tasks run, and
    SIGTERM to the server stops both."""
    import signal
    import socket
    import subprocess
    import sys

    from core.tests.queue_helpers import ROOT, worker_env

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "config.cli", "serve", "--port", str(port)], cwd=ROOT,
                              env=worker_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: any("config.cli worker" in c for c in _children(server.pid)), "the worker to start")
        queue_tasks.flaky.enqueue(str(tmp_path), 0)
        wait_for(lambda: queue_tasks.lines(tmp_path / "tries") == ["x"], "the worker to run the task")
        worker_cmds = _children(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert server.returncode == 0
    assert any("worker" in c for c in worker_cmds)
    assert not any("worker" in c for c in _all_commands())  # no worker left behind


def _all_commands() -> list[str]:
    from pathlib import Path

    from core.tests.queue_helpers import ROOT

    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode()
            if "config.cli worker" in text and (cmdline.parent / "cwd").resolve() == ROOT:
                found.append(text)
        except OSError:
            continue
    return found


def test_serve_no_worker_and_the_immediate_backend_start_none(settings):
    from core.management.commands.serve import start_worker

    settings.VECHE_TASKS_BACKEND = "immediate"
    assert start_worker() is None


def test_in_redis_a_result_is_read_by_its_id_and_the_old_default_queue_is_emptied_only_when_asked(tmp_path, settings):
    """RQ's queue is the site's own (settings.VECHE_TASK_QUEUE); a task an earlier version left
    in the queue `default` is run by `veche worker --also-queue default`, never by a worker not
    told to (another site on the same Redis may be filling it). A task's result is read by its
    id (django-rq's connection when none is named)."""
    if queue.mode() != "redis":
        pytest.skip("RQ's queues: the PostgreSQL + Redis pass")
    from django_tasks import task_backends

    result = queue_tasks.flaky.enqueue(str(tmp_path), 0)
    assert task_backends["default"].get_result(result.id).status == "READY"
    assert settings.VECHE_TASK_QUEUE != "default"
    run_batch()
    assert task_backends["default"].get_result(result.id).status == "SUCCESSFUL"

    site_queue = queue._rq_queue()
    old = type(site_queue)("default", connection=site_queue.connection, job_class=site_queue.job_class)
    try:
        (tmp_path / "old").mkdir()
        old.enqueue_call(queue_tasks.flaky.module_path, args=(str(tmp_path / "old"), 0),
                         meta={"backend_name": "default"})  # as the backend enqueued it
        run_batch()
        assert queue_tasks.lines(tmp_path / "old" / "tries") == []  # not this worker's queue
        assert old.count == 1
        # The operator is told, by `veche tasks` and /metrics.
        assert queue.left_in_default() == 1
        listed = StringIO()
        call_command("tasks", stdout=listed)
        assert "holds 1 task(s) left by an earlier version" in listed.getvalue()
        assert b"veche_tasks_left_in_default_queue 1.0" in metrics.task_exposition()
        proc = start_worker("--batch", "--also-queue", "default")
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-3000:]
        assert queue_tasks.lines(tmp_path / "old" / "tries") == ["x"], (old.count, err.decode()[-3000:])
        assert old.count == 0
        assert queue.left_in_default() == 0
        listed = StringIO()
        call_command("tasks", stdout=listed)
        assert "earlier version" not in listed.getvalue()
        assert b"veche_tasks_left_in_default_queue 0.0" in metrics.task_exposition()
    finally:
        old.empty()


def test_also_queue_takes_only_a_queue_of_the_sites_tasks(settings):
    """`--also-queue` names an RQ queue the site's tasks may name (its own, or "default" of
    earlier versions): any other would have its tasks fail as they are read back; with the
    database queue there is none to add."""
    with pytest.raises(CommandError) as refused:
        call_command("worker", "--batch", "--also-queue", "some-other-site")
    if queue.mode() == "redis":
        assert "not a queue of this site's tasks" in str(refused.value)
        assert settings.VECHE_TASK_QUEUE in str(refused.value)
    else:
        assert "the database queue is the site's own already" in str(refused.value)
