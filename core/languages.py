"""Which language a reader gets: one function, asked by Django (core.middleware.LanguageMiddleware)
and by the ASGI front before Django (config.front), so a page kept for one language is never
served to a reader of another.

The order: `?lang=` on the address (the hreflang alternates link to it), else the reader's
choice (the cookie the footer's switcher sets; a member's saved choice sets it too), else the
first of the browser's Accept-Language that the site offers (`ru-RU` counts as `ru`), else the
site's own language (VECHE_LANGUAGE). Only enabled languages (VECHE_LANGUAGES) are ever chosen.

Framework-neutral apart from reading the settings; no app's code."""

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.translation.trans_real import parse_accept_lang_header

from core.memo import Memo

ACCEPT_MAX = 255  # characters of Accept-Language read: a longer header is a browser's or a bot's junk


def enabled() -> tuple[str, ...]:
    return _enabled.get_or_make("codes", lambda: tuple(code for code, _name in settings.LANGUAGES))


def site_language() -> str:
    return settings.LANGUAGE_CODE


def supported(code: str | None) -> str | None:
    """The enabled language `code` names ("ru", "ru-RU", "RU"), or None."""
    if not code:
        return None
    code = code.strip().lower()
    codes = enabled()
    if code in codes:
        return code
    base = code.split("-", 1)[0].split("_", 1)[0]
    return base if base in codes else None


def from_accept(header: str) -> str:
    """The language an Accept-Language header asks for among the enabled ones, or the site's."""
    return _accepted.get_or_make(header[:ACCEPT_MAX], lambda: _from_accept(header[:ACCEPT_MAX]))


def _from_accept(header: str) -> str:
    for code, _q in parse_accept_lang_header(header):
        if code == "*":
            break
        found = supported(code)
        if found:
            return found
    return site_language()


def choose(query_lang: str | None, chosen: str | None, accept: str) -> str:
    """The reader's language: `query_lang` (?lang=), else `chosen` (their cookie, or a
    member's saved choice), else `accept` (the Accept-Language header)."""
    return supported(query_lang) or supported(chosen) or from_accept(accept or "")


_enabled: Memo[tuple[str, ...]] = Memo("languages", items=1)
# Accept-Language header → the language chosen: browsers send a few dozen distinct headers.
_accepted: Memo[str] = Memo("accept-languages", items=2_000)


def _forget(**_signal) -> None:
    _enabled.clear()
    _accepted.clear()


setting_changed.connect(_forget, weak=False)


def query_language(query: bytes | str) -> str | None:
    """The `lang` parameter of a query string, when it names an enabled language."""
    from urllib.parse import parse_qsl

    text = query.decode("latin-1") if isinstance(query, bytes) else query
    if "lang=" not in text:
        return None
    for key, value in parse_qsl(text, keep_blank_values=True):
        if key == "lang":
            return supported(value)
    return None
