"""core.tasks.enqueue_once_on_commit: one enqueue per transaction for the same task and
arguments — never none where a write asked for it, never one for a rolled-back write."""

import pytest
from django.db import transaction

from core.tasks import enqueue_once_on_commit


class Recording:
    module_path = "tests.recording"

    def __init__(self):
        self.runs: list[tuple] = []

    def enqueue(self, *args):
        self.runs.append(args)


@pytest.mark.django_db(transaction=True)
def test_once_per_transaction_and_again_in_the_next():
    task = Recording()
    with transaction.atomic():
        enqueue_once_on_commit(task, 1)
        enqueue_once_on_commit(task, 1)
        enqueue_once_on_commit(task, 2)
        assert task.runs == []  # nothing before the commit
    assert task.runs == [(1,), (2,)]
    with transaction.atomic():
        enqueue_once_on_commit(task, 1)
    assert task.runs == [(1,), (2,), (1,)]  # a later transaction asks again
    enqueue_once_on_commit(task, 1)  # no transaction: at once, each time
    enqueue_once_on_commit(task, 1)
    assert task.runs == [(1,), (2,), (1,), (1,), (1,)]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_does_not_count_as_enqueued():
    task = Recording()
    with transaction.atomic():
        try:
            with transaction.atomic():
                enqueue_once_on_commit(task, 7)
                raise RuntimeError("the write is undone")
        except RuntimeError:
            pass
        enqueue_once_on_commit(task, 7)  # asked again after the undone one: must run
        with transaction.atomic():
            enqueue_once_on_commit(task, 7)  # a savepoint inside, kept: already asked
    assert task.runs == [(7,)]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_enqueues_nothing():
    task = Recording()
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_once_on_commit(task, 3)
        raise RuntimeError("undone")
    assert task.runs == []


@pytest.mark.django_db(transaction=True)
def test_different_tasks_with_the_same_arguments_each_run():
    a, b = Recording(), Recording()
    b.module_path = "tests.other"
    with transaction.atomic():
        enqueue_once_on_commit(a, 1)
        enqueue_once_on_commit(b, 1)
    assert a.runs == [(1,)] and b.runs == [(1,)]


def test_hooks_already_run_do_not_count(db, django_capture_on_commit_callbacks):
    """A test's captured hooks run while they stay in Django's list: asking again after they
    ran enqueues again."""
    task = Recording()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_once_on_commit(task, 5)
    with django_capture_on_commit_callbacks(execute=True) as caught:
        enqueue_once_on_commit(task, 5)
        enqueue_once_on_commit(task, 5)
    assert len(caught) == 1 and task.runs == [(5,), (5,)]


@pytest.mark.django_db(transaction=True)
def test_many_asks_in_one_transaction_stay_one_each():
    task = Recording()
    with transaction.atomic():
        for i in range(2000):
            enqueue_once_on_commit(task, i % 50)
    assert sorted(task.runs) == [(i,) for i in range(50)]
