"""What a member's roles let them do. Every page asks whether the reader moderates (the header
links the queue; hidden comments show to moderators), so the answer is remembered briefly in
the shared cache (`can-moderate:<member>`, docs/caching.md)."""

from django.core.cache import cache

ROLE_CACHE_SECONDS = 60  # how long a member's moderator role is remembered after it changes


def can_moderate(member) -> bool:
    if member is None or not member.is_authenticated:
        return False
    key = f"can-moderate:{member.pk}"
    value = cache.get(key)
    if value is None:
        value = member.has_perm("moderation.moderate")
        cache.set(key, value, timeout=ROLE_CACHE_SECONDS)
    return value


def sees_insight(member) -> bool:
    """Editors' insight pages (insight/): editors — who hold the article-editing permission, as
    superusers do — and staff. Moderators alone have their queue, not the newsroom's figures."""
    if member is None or not member.is_authenticated:
        return False
    return bool(member.is_staff or member.has_perm("newsroom.change_article"))
