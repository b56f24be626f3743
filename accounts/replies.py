"""Replies to a member's comments, and how many they have not seen."""

from django.core.cache import cache

from discussion.models import Comment


def replies_to(member):
    """Replies any reader may see: visible, on a published article (one taken back to draft
    or not out yet lists none; its link would lead nowhere)."""
    return (
        Comment.objects.public().filter(parent__author=member)
        .exclude(author=member)
        .select_related("author", "article", "parent")
        .order_by("-id")
    )


def unread_count(member) -> int:
    """Cached briefly per member: the header shows it on every page."""
    key = f"unread:{member.pk}"
    count = cache.get(key)
    if count is None:
        qs = replies_to(member)
        if member.replies_seen_at:
            qs = qs.filter(created__gt=member.replies_seen_at)
        count = qs.count()
        cache.set(key, count, timeout=30)
    return count


def forget_unread(member_id: int) -> None:
    cache.delete(f"unread:{member_id}")
