"""/metrics shows the task queue's depth."""

import pytest
from django.test import override_settings

from core.tests import queue_tasks
from core.tests.queue_helpers import real_queue  # noqa: F401
from ops import metrics


@pytest.mark.usefixtures("real_queue")
def test_the_queue_depth_is_in_the_metrics(tmp_path):
    assert 'veche_tasks{state="queued"} 0.0' in metrics.exposition().decode()
    queue_tasks.flaky.enqueue(str(tmp_path), 0)
    text = metrics.exposition().decode()
    assert 'veche_tasks{state="queued"} 1.0' in text
    assert 'veche_tasks{state="failed"} 0.0' in text


@override_settings(VECHE_TASKS_BACKEND="immediate")
def test_no_queue_no_depth_but_the_other_metrics(db):
    text = metrics.exposition().decode()
    assert 'veche_tasks{state="queued"} 0.0' in text and "veche_http_requests" in text


@pytest.mark.usefixtures("real_queue")
def test_an_unknown_count_of_old_tasks_is_left_out_not_read_as_none_left(monkeypatch):
    """veche_tasks_left_in_default_queue at 0 tells the operator the upgrade's extra worker may
    go: a count that could not be taken must not say so."""
    from core import queue

    assert "veche_tasks_left_in_default_queue 0.0" in metrics.exposition().decode()

    def unreachable():
        raise ConnectionError("Redis went away")

    monkeypatch.setattr(queue, "left_in_default", unreachable)
    text = metrics.exposition().decode()
    assert "veche_tasks_left_in_default_queue" not in text
    assert 'veche_tasks{state="queued"} 0.0' in text  # the queue's own depth still answers
