from django.conf import settings


def site(request):
    data = {"site_name": settings.VECHE_SITE_NAME, "csp_nonce": getattr(request, "csp_nonce", ""),
            "nav_sections": nav_sections}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from accounts.replies import unread_count

        data["unread_replies"] = unread_count(user)
        from moderation.policy import active_ban, can_moderate

        ban = active_ban(user)
        data["ban_notice"] = ban.describe() if ban else ""
        data["can_moderate"] = can_moderate(user)
    return data


def nav_sections():
    """The header's sections as (address, name), cached: every page shows them. Plain pairs
    rather than model instances, which cost more to pickle and unpickle than the query."""
    from django.core.cache import cache

    from newsroom.models import Section

    sections = cache.get("nav-sections:pairs")
    if sections is None:
        sections = [(s.get_absolute_url(), s.name) for s in Section.objects.only("slug", "name")]
        cache.set("nav-sections:pairs", sections, timeout=300)
    return sections
