"""Tasks read from the primary: they run right after the commit that asked for them, which a
replica may not have yet."""

from django.core.management import call_command

from core import dbrouter, queue


def test_a_worker_reads_from_the_primary(monkeypatch, settings):
    settings.VECHE_TASKS_BACKEND = "database"
    seen = []
    monkeypatch.setattr(queue, "run_worker", lambda **kw: seen.append(dbrouter.is_pinned()))
    dbrouter.pin_to_primary(False)
    try:
        call_command("worker")
    finally:
        dbrouter.pin_to_primary(False)
    assert seen == [True]


def test_a_task_runs_pinned_and_leaves_the_pin_as_it_was():
    from core.tests import queue_tasks

    dbrouter.pin_to_primary(False)
    assert queue_tasks.pinned.call() is True  # (declared with core.tasks.task)
    assert dbrouter.is_pinned() is False
