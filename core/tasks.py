"""Background work: enqueued only once the transaction that asked for it has committed.

Tasks are Django's Tasks interface (the django-tasks backport on Django 5.2); the backend is
a setting (settings.TASKS: rows in the database when embedded, RQ on Redis in scale-out; see
core.queue and docs/deploy.md). A task is defined with `@core.tasks.task()` in an app's
`tasks.py` and enqueued with `enqueue_on_commit(that_task, *args)`: a write that rolls back
enqueues nothing, and a task never reads rows its caller has not committed yet.

Tasks are idempotent: a retried or duplicated run does nothing twice. A task whose effect is
rows in the database writes them inside `once(key)`; one that reaches outside (a mail, an
HTTP call) checks `done(key)` first and `mark_done(key)` after, so a crash between the two
repeats the effect at most once (at-least-once is all any queue can promise outside its
database) — or keeps its own state row, as webhooks.Delivery does.

Retries: a task that raises is enqueued again after a backoff (VECHE_TASK_BACKOFF_SECONDS ×
2^(n-1), ± a tenth) until VECHE_TASK_ATTEMPTS tries; the last failure is the task's failed
state, listed by `veche tasks`. Each intermediate run ends successful with {"retry": n}."""

import contextvars
import functools
import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task as django_task

from core import dbrouter

logger = logging.getLogger("veche.tasks")

ATTEMPT = "_attempt"  # the keyword a retried run carries: which try this is (1 is the first)
_last_try: contextvars.ContextVar[bool] = contextvars.ContextVar("veche_task_last_try", default=True)


def is_last_try() -> bool:
    """Inside a task: whether a failure now is final (no retry will follow), so the task can
    leave its own rows in their failed state."""
    return _last_try.get()


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """`task.enqueue(*args, **kwargs)` after the current transaction commits (at once
    outside one). A queue that cannot take it (Redis down) does not fail what has already
    committed: the failure is logged and the request answers as it would have; the sweeps
    (notify.tasks.send_due) send what such a loss left unsent."""
    def enqueue() -> None:  # a function, not a partial: Django names a robust hook that failed
        task.enqueue(*args, **kwargs)

    transaction.on_commit(enqueue, robust=True)


def enqueue_once_on_commit(task: Any, *args: Any) -> None:
    """`enqueue_on_commit`, once per transaction for the same task and arguments: for a task
    that works from what is committed when it runs (a member's rank), one run after the commit
    covers every write of the transaction — an import or a bulk load of 500 comments in one
    transaction enqueues one rank update per author, not one per comment. A hook a rolled-back
    savepoint dropped is not counted: the keys are those of Django's list of pending hooks,
    read again whenever that list is replaced (a savepoint's rollback and a commit replace it),
    and a hook already run (a test's captured hooks run early) is not counted either."""
    key = (task.module_path, args)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        pending = connection.run_on_commit
        kept = getattr(connection, "veche_once", None)
        if kept is None or kept[0] is not pending:
            kept = (pending, {getattr(hook, "veche_once", None) for _sids, hook, _robust in pending
                              if not getattr(hook, "veche_ran", False)})
            connection.veche_once = kept
        if key in kept[1]:
            return
        kept[1].add(key)

    def enqueue() -> None:
        enqueue.veche_ran = True  # type: ignore[attr-defined]
        kept_now = getattr(connection, "veche_once", None)
        if kept_now is not None:
            kept_now[1].discard(key)
        task.enqueue(*args)

    enqueue.veche_once = key  # type: ignore[attr-defined]
    transaction.on_commit(enqueue, robust=True)


def backoff(attempt: int) -> float:
    """Seconds to wait before try `attempt + 1`: doubling, with a tenth of jitter so that
    tasks failing together (a receiver down) do not come back together."""
    base: float = float(settings.VECHE_TASK_BACKOFF_SECONDS) * 2.0 ** (attempt - 1)
    return base * (0.9 + 0.2 * random.random())  # noqa: S311 (spreading, not secrecy)


def task(*, attempts: int | None = None, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """`django_tasks.task(**options)` with retries: a run that raises enqueues the next try
    after `backoff()` and ends as successful with {"retry": n}; the try number `attempts`
    (VECHE_TASK_ATTEMPTS by default) fails for good. A backend that cannot defer (the
    immediate one) does not retry: the failure is the result."""

    def decorate(func: Callable[..., Any]) -> Any:
        holder: dict[str, Any] = {}

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            attempt = int(kwargs.pop(ATTEMPT, 1))
            the_task = holder["task"]
            limit = attempts or settings.VECHE_TASK_ATTEMPTS
            last = attempt >= limit or not the_task.get_backend().supports_defer
            token = _last_try.set(last)
            # A task runs right after the commit that asked for it: it reads from the primary,
            # as the writer of that commit would, never from a replica that has not caught up
            # (a pick or a vote read there as not yet made tells no one, moves no rank).
            pinned = dbrouter.is_pinned()
            dbrouter.pin_to_primary(True)
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                if last:
                    raise
                delay = backoff(attempt)
                later = the_task.using(run_after=timezone.now() + timedelta(seconds=delay)) if delay > 0 \
                    else the_task
                later.enqueue(*args, **kwargs, **{ATTEMPT: attempt + 1})
                logger.warning("task %s failed (try %d of %d), again in %.0f s: %r",
                               the_task.name, attempt, limit, delay, exc)
                return {"retry": attempt + 1, "error": repr(exc)[:500]}
            finally:
                dbrouter.pin_to_primary(pinned)
                _last_try.reset(token)

        holder["task"] = django_task(**{"queue_name": settings.VECHE_TASK_QUEUE, **options})(run)
        return holder["task"]

    return decorate


def task_without_retries(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """`django_tasks.task(**options)` on the site's queue (settings.VECHE_TASK_QUEUE), for a
    task whose failure is left to a sweep rather than retried."""
    return django_task(**{"queue_name": settings.VECHE_TASK_QUEUE, **options})  # type: ignore[no-any-return]


# --- Idempotency -------------------------------------------------------------------------


def done(key: str) -> bool:
    """Whether the effect named `key` has been recorded as done."""
    from core.models import DoneKey

    return bool(DoneKey.objects.filter(key=key).exists())


def mark_done(key: str) -> bool:
    """Record `key` as done; False when it already was (a duplicate run)."""
    from core.models import DoneKey

    try:
        with transaction.atomic():
            DoneKey.objects.create(key=key)
    except IntegrityError:
        return False
    return True


@contextmanager
def once(key: str) -> Iterator[bool]:
    """`with once(key) as first:` — a transaction in which `key` is recorded; `first` is
    False when an earlier run recorded it (then do nothing). Writes made in the block commit
    with the key or not at all, so database effects happen exactly once."""
    from core.models import DoneKey

    with transaction.atomic():
        try:
            with transaction.atomic():
                DoneKey.objects.create(key=key)
            first = True
        except IntegrityError:
            first = False
        yield first
