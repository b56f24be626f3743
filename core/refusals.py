"""Requests refused before any view sees them, with a sentence for a person (HTML) or for the
page's script (JSON). Django's middleware and the ASGI front answer them alike from here."""

import json
from html import escape
from typing import TYPE_CHECKING

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.http import HttpResponse


def wants_json(accept: str, requested_with: str = "") -> bool:
    """Whether a caller asked for JSON: its Accept names it, or the page's script sent the
    request (X-Requested-With: fetch). core.http.wants_json asks this of a Django request."""
    return "application/json" in accept or requested_with == "fetch"


def body_limit(path: str) -> int:
    """The most bytes a request's body to `path` may hold: DATA_UPLOAD_MAX_MEMORY_SIZE, or for
    the addresses that take uploads (VECHE_UPLOAD_PATHS) an image's limit and room for its form."""
    from django.conf import settings

    if any(path.startswith(p) for p in getattr(settings, "VECHE_UPLOAD_PATHS", ())):
        return settings.VECHE_IMAGE_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large(length: int | None, limit: int, upload: bool = False, fields: bool = False) -> tuple[int, str, str]:
    """(status, code, message) for a body past `limit` bytes (`length` when it was declared);
    `upload`: the request carried a file (an image), and the sentence says so; `fields`: on
    an address that takes files, the form's text fields alone were past the limit."""
    if fields:
        return 413, "too_large", _("This form's text is too large (more than %(limit)s bytes); "
                                   "its files are not counted in that.") % {"limit": _n(limit)}
    if upload:
        mb = f"{limit / (1024 * 1024):.0f}"
        if length is None:
            message = _("This upload is too large: an image may have at most %(mb)s MB.") % {"mb": mb}
        else:
            message = _("This upload is too large (%(length)s MB): an image may have at most %(mb)s MB.") % {
                "length": f"{length / (1024 * 1024):.1f}", "mb": mb}
        return 413, "too_large", message
    if length is None:
        message = _("This request is too large (more than %(limit)s bytes). "
                    "A comment has at most %(max)s characters.") % {"limit": _n(limit), "max": _n(10_000)}
    else:
        message = _("This request is too large (%(length)s bytes; at most %(limit)s). "
                    "A comment has at most %(max)s characters.") % {"length": _n(length), "limit": _n(limit),
                                                            "max": _n(10_000)}
    return 413, "too_large", message


def _n(number: int) -> str:
    """A number grouped as the reader's language groups it ("10,000", «10 000»)."""
    from django.utils.formats import number_format

    return number_format(number, force_grouping=True)


def nul_character() -> tuple[int, str, str]:
    return 400, "nul_character", _("The request holds a NUL character, which no field accepts.")


def too_many_streams(limit: int) -> tuple[int, str, str]:
    return 429, "too_many_streams", _(
        "Too many live updates are open from your address (at most %(limit)s). "
        "Close some pages of this site and reload this one.") % {"limit": limit}


_TITLES = {400: gettext_noop("Bad request"), 413: gettext_noop("Too large"),
           429: gettext_noop("Too many requests")}


def body(status: int, code: str, message: str, as_json: bool) -> tuple[bytes, str]:
    """(body, content type) of a refusal."""
    if as_json:
        return (json.dumps({"error": code, "message": message}, ensure_ascii=False).encode(),
                "application/json")
    title = escape(_(_TITLES.get(status, gettext_noop("Refused"))))
    html = (f'<!doctype html><html lang="{escape(get_language() or "en")}"><meta charset="utf-8"><title>{title}</title>'
            f"<h1>{title}</h1><p>{escape(message)}</p></html>")
    return html.encode(), "text/html; charset=utf-8"


def reader_language(request) -> str:
    """The reader's language for a refusal made inside Django: the one the language
    middleware chose, or — refused before it ran — chosen the same way (core.languages.choose,
    from ?lang=, the language cookie and Accept-Language, as the ASGI front chooses it: a
    member's saved choice reaches both as the cookie)."""
    from django.conf import settings

    from core import languages

    chosen = getattr(request, "LANGUAGE_CODE", None)
    if chosen and languages.supported(chosen):
        return chosen
    return languages.choose(languages.query_language(request.META.get("QUERY_STRING", "")),
                            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
                            request.META.get("HTTP_ACCEPT_LANGUAGE", ""))


def refuse(request, make) -> "HttpResponse":
    """The refusal `make()` returns ((status, code, message)), its sentence made in the
    reader's language, as HTML or JSON by the request's Accept."""
    from django.http import HttpResponse
    from django.utils import translation

    language = reader_language(request)
    with translation.override(language):
        status, code, message = make()
        content, content_type = body(status, code, message, wants_json(request.headers.get("Accept", "")))
    response = HttpResponse(content, status=status, content_type=content_type)
    response["Content-Language"] = language
    return response

