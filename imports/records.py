"""Comments and their authors in a shape no source owns: what a converter produces from
its format and imports.common writes. Also the time formats the sources share."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from discussion.models import Comment

Status = Comment.Status


@dataclass(frozen=True)
class Person:
    """Who wrote a comment. `key` is stable within one source: the same key is one member."""

    key: str
    login: str
    real_name: str = ""
    email: str = ""
    deleted: bool = False
    joined: datetime | None = None


def person(*, source_id: str | None = None, email: str | None = None, name: str | None = None,
           real_name: str = "", deleted: bool = False, joined: datetime | None = None) -> Person:
    """A Person keyed by the source's id, else the email, else the name, in that order."""
    email = clean_email(email)
    name = " ".join((name or "").split())
    if source_id:
        key = f"id:{source_id}"
    elif email:
        key = f"email:{email.lower()}"
    elif name:
        key = f"name:{name}"
    else:
        key = "anonymous"
    login = name or (source_id or "") or email.split("@")[0] or "Anonymous"
    return Person(key, login, real_name, email, deleted, joined)


def clean_email(value: str | None) -> str:
    """An address a member could later claim the account with, or "" ("undefined" and the
    like from some exports)."""
    value = (value or "").strip()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value[:254]


@dataclass
class SourceComment:
    id: str  # unique within its thread in the source
    parent: str | None
    author: Person
    created: datetime
    body: str  # Markdown (converted from the source); prepared by write_thread
    status: str = Status.VISIBLE
    reason: str = ""
    edited: datetime | None = None
    line: int | None = None
    seq: int = 0  # position in the source, to keep its order among equal times
    # For each QUOTE_SLOT in `body`, in order: (id of the quoted comment in this thread or None,
    # the Markdown shown instead when that comment was not written). See common.link_quotes.
    quotes: tuple[tuple[str | None, str], ...] = ()


# --- Times ------------------------------------------------------------------------------

def parse_iso(value: str | None) -> datetime | None:
    """An ISO 8601 / RFC 3339 instant as an aware datetime (no zone: UTC), or None.
    Fractions finer than microseconds (Go writes nanoseconds) are cut."""
    value = (value or "").strip()
    if not value:
        return None
    value = re.sub(r"(\.\d{6})\d+", r"\1", value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def from_epoch(value) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
