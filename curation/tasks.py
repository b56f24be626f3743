"""Curation's background work (core.tasks)."""

from django_tasks import task


@task()
def update_standing(member_id: int) -> None:
    """A member's rank after a comment of theirs was posted or changed status, or a vote moved
    their rating across a rank's threshold. Idempotent."""
    from curation.ranks import do_update_standing

    do_update_standing(member_id)
