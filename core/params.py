"""Numbers from requests, read one way everywhere: ids in paths and forms, counts, pages.

Python's int() is too generous for a request: it takes "١٢" (Arabic-Indic digits), " 1",
"1_000" and numbers past what a database column holds, and str.isdigit() says yes to "²",
which int() then refuses. Either way a view ended in a 500 (an id past 2**63 - 1 overflows
SQLite's integer binding; "²" raises ValueError). Here a number is ASCII digits only, at most
as long as the largest allowed value, and within bounds the caller names; anything else is an
ActionError with a message a person can act on, which views answer as a 400 form message or
JSON error.
"""

import re

from django.urls import converters, register_converter
from django.utils.translation import gettext as _

from core.errors import ActionError

ID_MAX = 2**63 - 1  # the largest value of a 64-bit signed id column (PostgreSQL bigint, SQLite)
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: \d would take any script's digits
_SIGNED = re.compile(r"[-+]?[0-9]{1,19}")


def number(raw, *, field: str, low: int = 1, high: int = ID_MAX, label: str | None = None) -> int:
    """`raw` (a request's string) as an int in low..high, or ActionError(400) naming `field`
    (in the message as `label`, when given: "Days", "The page")."""
    text = raw if isinstance(raw, str) else ""
    pattern = _SIGNED if low < 0 else _DIGITS
    if pattern.fullmatch(text):
        value = int(text)
        if low <= value <= high:
            return value
    if high == ID_MAX:  # an id: its range says nothing to a person
        message = _("%(field)s must be a number written with the digits 0-9.")
    else:
        message = _("%(field)s must be a whole number from %(low)s to %(high)s, written with the digits 0-9.")
    raise ActionError(message % {"field": label or field, "low": f"{low:,}", "high": f"{high:,}"},
                      status=400, code="bad_number", field=field)


def optional_number(raw, *, field: str, low: int = 1, high: int = ID_MAX,
                    label: str | None = None) -> int | None:
    """None for an absent or empty value; otherwise as `number`."""
    if raw is None or raw == "":
        return None
    return number(raw, field=field, low=low, high=high, label=label)


def ids(values, *, field: str, limit: int = 1000, empty_ok: bool = False) -> list[int]:
    """A list of ids (repeated parameters, or one comma-separated string), each checked as
    `number`; at most `limit` of them. With `empty_ok`, empty items are skipped ("1,,2")."""
    if isinstance(values, str):
        values = values.split(",")
    values = [v for v in values if not (empty_ok and v == "")]
    if len(values) > limit:
        raise ActionError(_("At most %(limit)s ids at once.") % {"limit": f"{limit:,}"},
                          status=400, code="too_many_ids", field=field)
    return [number(v, field=field) for v in values]


def page(raw, *, default: int = 1, high: int = 1_000_000) -> int:
    """A page number for an HTML page: a malformed or out-of-range value shows `default`, as
    Django's Paginator.get_page does, rather than an error page (links are shared and
    mistyped). APIs answer a bad page with a 400 through `number` instead."""
    try:
        return number(raw, field="page", high=high)
    except ActionError:
        return default


def is_digits(text: str, max_length: int = 19) -> bool:
    """Whether `text` is 1..max_length ASCII digits: for code that reads a number from a raw
    query string before Django does (the ASGI front)."""
    return len(text) <= max_length and _DIGITS.fullmatch(text) is not None


class IdConverter:
    """`<id:pk>` in URL patterns: a row id, 1..ID_MAX, in ASCII digits. Django's own `<int:…>`
    takes any length, so an id past a database integer reached the view (and hand-written SQL
    overflowed); out of range, this one does not match, and the address is a 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= ID_MAX:
            raise ValueError("not a row id")  # Django takes ValueError as "this pattern does not match"
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register_id_converter() -> None:
    """Called by every urls.py that uses `<id:…>` (registering twice is deprecated by Django)."""
    if "id" not in converters.get_converters():
        register_converter(IdConverter, "id")
