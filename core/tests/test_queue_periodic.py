"""The sweeps a worker enqueues on its own (notifications' held-back e-mail and digests):
each named task is enqueued, and one that cannot be does not stop the others."""

from core import queue


def test_the_notifications_sweep_is_enqueued_and_a_broken_path_stops_nothing(db, settings, monkeypatch):
    from notify import delivery

    swept = []
    monkeypatch.setattr(delivery, "send_due", lambda now=None: swept.append(now) or {})
    settings.VECHE_PERIODIC_TASKS = ["no.such.task", "notify.tasks.send_due"]
    assert queue.enqueue_periodic() == ["notify.tasks.send_due"]
    assert swept == [None]  # the test settings' immediate backend ran it


def test_the_site_names_the_notifications_sweep():
    from django.conf import settings

    assert "notify.tasks.send_due" in settings.VECHE_PERIODIC_TASKS


def test_a_queue_that_cannot_take_a_task_fails_no_committed_write(db, django_capture_on_commit_callbacks, caplog):
    """Redis down at enqueue: what committed stays committed and the caller goes on."""
    from core.tasks import enqueue_on_commit

    class Down:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("the queue is away")

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(Down(), 1)
    assert "the queue is away" in caplog.text
