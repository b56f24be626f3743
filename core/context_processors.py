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
    """Sections for the header, cached: every page shows them."""
    from django.core.cache import cache

    from newsroom.models import Section

    sections = cache.get("nav-sections")
    if sections is None:
        sections = list(Section.objects.all())
        cache.set("nav-sections", sections, timeout=300)
    return sections
