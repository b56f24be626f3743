from django.conf import settings

from core.memo import Memo


def site(request):
    data = {"site_name": settings.VECHE_SITE_NAME, "csp_nonce": getattr(request, "csp_nonce", ""),
            "nav_sections": nav_sections, "language_choices": settings.LANGUAGES,
            "language_alternates": lambda: language_alternates(request), "here": lambda: here(request)}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from notify.unread import unread_count

        data["unread_replies"] = unread_count(user)
        from accounts.roles import can_moderate
        from moderation.policy import active_ban

        ban = active_ban(user)
        data["ban_notice"] = ban.describe() if ban else ""
        data["can_moderate"] = can_moderate(user)
    return data


def here(request) -> str:
    """The page's address for a sign-in's `next` and the language switcher's way back: without
    its ?lang=, which chose the language of the page that is kept for every reader of it (and
    would outrank a reader's later choice). A page answering a form sent (a refusal, the form
    again with its errors) is at an address that may take only forms: its way back is the page
    the form was sent from (the Referer, when it is this site's), else the front page."""
    from urllib.parse import parse_qsl, urlencode, urlsplit

    from django.utils.http import url_has_allowed_host_and_scheme

    path, query = request.path, request.META.get("QUERY_STRING", "")
    if request.method not in ("GET", "HEAD"):
        came_from = request.headers.get("Referer", "")
        if not came_from or not url_has_allowed_host_and_scheme(came_from, allowed_hosts={request.get_host()}):
            return "/"
        parts = urlsplit(came_from)
        path, query = parts.path or "/", parts.query
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
    return path + ("?" + urlencode(kept) if kept else "")


def language_alternates(request) -> list[tuple[str, str]]:
    """The page's addresses in each offered language (?lang=, which core.languages puts first)
    as (hreflang, address), with "x-default": the address without it. None with one language."""
    from urllib.parse import urlencode

    if len(settings.LANGUAGES) < 2:
        return []
    base = settings.VECHE_SITE_URL.rstrip("/") + request.path
    kept = [(k, v) for k, v in request.GET.items() if k != "lang"]
    out = [(code, f"{base}?{urlencode([*kept, ('lang', code)])}") for code, _name in settings.LANGUAGES]
    out.append(("x-default", f"{base}?{urlencode(kept)}" if kept else base))
    return out


def nav_sections():
    """The header's sections as (address, name): every page shows them, and they change a few
    times a year. Each process keeps them NAV_SECONDS (saving a section forgets them in the
    process that saved it at once; others follow within the minute), as plain pairs."""
    return _nav.get_or_make("sections", _sections)


def _sections() -> list[tuple[str, str]]:
    from django.urls import reverse

    from core import statements
    from newsroom.models import Section

    # In the model's order, by a statement written out: the ORM's, with its deferred fields,
    # was a thirtieth of rendering an article page from nothing.
    table = Section._meta.db_table
    found = statements.rows(f'SELECT slug, name FROM "{table}" ORDER BY position, name', [],  # noqa: S608
                            statements.reading(Section))
    return [(reverse("newsroom:section", args=[slug]), name) for slug, name in found]


NAV_SECONDS = 60
_nav: Memo[list[tuple[str, str]]] = Memo("nav", items=1, ttl=NAV_SECONDS)


def forget_nav(**_signal) -> None:
    """A section was saved or deleted (a signal receiver)."""
    _nav.clear()
