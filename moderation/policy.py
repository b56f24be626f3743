"""Who may comment and vote, and whether a new comment is held for moderation."""

from core.errors import ActionError
from discussion.models import Comment


def check_may_comment(member) -> None:
    if getattr(member, "is_deleted", False) or not member.is_active:
        raise ActionError("This account cannot comment.", status=403, code="inactive")


def check_may_vote(member) -> None:
    check_may_comment(member)


def screen_comment(member, article, body: str) -> str:
    """The status a new comment starts with."""
    if article.premoderated or article.section.premoderated:
        return Comment.Status.HELD
    return Comment.Status.VISIBLE
