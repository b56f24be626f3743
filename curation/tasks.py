"""Curation's background work (core.tasks)."""

from core.tasks import task_without_retries as task


@task()
def update_standing(member_id: int) -> None:
    """A member's rank after a comment of theirs was posted or changed status, or a vote moved
    their rating across a rank's threshold. Idempotent."""
    from curation.ranks import do_update_standing

    do_update_standing(member_id)


def rating_moved(member_id: int, before: int, after: int) -> None:
    """The discussion's RATING_MOVED hook, inside the vote's transaction: a rating that crossed
    a threshold has the member's rank worked out after commit. No query on a vote that crosses
    nothing (the thresholds are kept: curation.ranks.thresholds)."""
    from core.tasks import enqueue_once_on_commit
    from curation.ranks import crosses

    if crosses(before, after):
        enqueue_once_on_commit(update_standing, member_id)
