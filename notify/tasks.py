"""Background work of notifications. Each task names ids, never objects, and is idempotent:
notifications are unique per (recipient, kind, comment, key), e-mails are rows marked once
sent (notify.delivery). A task that raises (the SMTP server refused or is down) leaves its
rows unsent: the queue retries it, and `send_due` sends them at the latest."""

from datetime import date

from django_tasks import task

from notify import actions, delivery


@task()
def fan_out(comment_id: int, what: str) -> int:
    """Everyone a comment concerns is told of it, in one task however many follow the
    discussion. An edit tells only those it newly names (mentions), never the followers again."""
    from discussion.models import Comment
    from discussion.signals import EDITED, POSTED

    if what == POSTED:
        comment = Comment.objects.select_related("author").filter(pk=comment_id).first()
        if comment is not None:
            actions.follow_when_commenting(comment)
    return len(actions.tell_of_comment(comment_id, with_followers=what != EDITED))


@task()
def decided(comment_id: int, member_ids: list[int], kind: str, decision: str, key: str,
            actor_id: int | None) -> int:
    return len(actions.tell_of_decision(comment_id, member_ids, kind, decision, key, actor_id))


@task()
def deliver(member_ids: list[int]) -> None:
    failed = None
    for member_id in member_ids:
        try:
            delivery.deliver_now(member_id)
        except Exception as exc:  # the others still get theirs; the task fails for a retry
            failed = exc
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
