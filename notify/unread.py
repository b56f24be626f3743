"""How many notifications a member has not read: shown in the header of every page."""

from django.core.cache import cache
from django.db.models import Q

from discussion.models import Comment
from notify import kinds
from notify.models import Notification

UNREAD_SECONDS = 30  # the header's count is kept this long per member (forgotten on change)
TEXT_KINDS = [name for name, k in kinds.KINDS.items() if k.shows_text]


def visible(member):
    """The member's notifications they may still see: one about a comment's text only while
    that comment is public (held, removed or deleted since: not listed, not counted); a
    decision is listed whatever became of the comment, without its text."""
    return Notification.objects.filter(recipient=member).filter(
        ~Q(kind__in=TEXT_KINDS) | Q(comment__in=Comment.objects.public().values("pk")))


def unread_count(member) -> int:
    key = f"notify-unread:{member.pk}"
    count = cache.get(key)
    if count is None:
        count = _count(member)
        cache.set(key, count, timeout=UNREAD_SECONDS)
    return int(count)


def _count(member) -> int:
    return int(visible(member).filter(read_at=None).count())


def forget(member_ids) -> None:
    cache.delete_many([f"notify-unread:{pk}" for pk in member_ids])
