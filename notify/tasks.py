"""Background work of notifications. Each task names ids, never objects, and is idempotent:
notifications are unique per (recipient, kind, comment, key), e-mails are rows marked once
sent (notify.delivery). A task that raises (the SMTP server refused or is down) leaves its
rows unsent: the queue retries it, and `send_due` sends them at the latest."""

from datetime import date

from core.tasks import enqueue_on_commit
from core.tasks import task_without_retries as task
from notify import delivery, telling


@task()
def fan_out(comment_id: int, what: str) -> int:
    """Everyone a comment concerns is told of it, in one task however many follow the
    discussion. An edit tells only those it newly names (mentions), never the followers again."""
    from discussion.signals import EDITED, POSTED

    comment = telling.comment_with_article(comment_id)
    if what == POSTED and comment is not None:
        telling.follow_when_commenting(comment)
    told = telling.tell_of_comment(comment_id, with_followers=what != EDITED, comment=comment)
    mail_told(told)
    return len(told)


MAIL_CHUNK = 500  # members per delivery task


def mail_told(member_ids: list[int]) -> None:
    """Enqueue the e-mails of members just told of something who want it at once."""
    now = telling.confirmed_for_now(member_ids)
    for i in range(0, len(now), MAIL_CHUNK):
        enqueue_on_commit(deliver, now[i:i + MAIL_CHUNK])


@task()
def decided(comment_id: int, member_ids: list[int], kind: str, decision: str, key: str,
            actor_id: int | None) -> int:
    told = telling.tell_of_decision(comment_id, member_ids, kind, decision, key, actor_id)
    mail_told(told)
    return len(told)


@task()
def picked(comment_id: int) -> int:
    told = telling.tell_of_pick(comment_id)
    mail_told(told)
    return len(told)


@task()
def deliver(member_ids: list[int]) -> None:
    """E-mail these members what they want at once. Those mailed less than WINDOW ago wait:
    a queue that can defer runs this again when the window ends; otherwise `send_due` (the
    worker's sweep) sends it."""
    from django.utils import timezone

    failed, waiting = None, []
    for member_id in member_ids:
        try:
            if delivery.deliver_now(member_id) == "wait":
                waiting.append(member_id)
        except Exception as exc:  # the others still get theirs; the task fails for a retry
            failed = exc
    if waiting and deliver.get_backend().supports_defer:
        enqueue_on_commit(deliver.using(run_after=timezone.now() + delivery.WINDOW), waiting)
    if failed is not None:
        raise failed


@task()
def send_digests(day: str | None = None) -> dict:
    return delivery.send_digests(date.fromisoformat(day) if day else None)


@task()
def send_due() -> dict:
    return delivery.send_due()


@task()
def send_confirmation(member_id: int, address: str, nonce: str = "") -> bool:
    return delivery.send_confirmation(member_id, address, nonce or address)
