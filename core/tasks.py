"""Background work: enqueued only once the transaction that asked for it has committed.

Tasks are Django's Tasks interface (the django-tasks backport on Django 5.2); the backend is
a setting (settings.TASKS). A task defined with `@task()` in an app's `tasks.py` is enqueued
with `enqueue_on_commit(that_task, *args)`: a write that rolls back enqueues nothing, and a
task never reads rows its caller has not committed yet. Tasks are idempotent: a retried or
duplicated run does nothing twice (each says how)."""

from functools import partial
from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """`task.enqueue(*args, **kwargs)` after the current transaction commits (at once
    outside one)."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))
