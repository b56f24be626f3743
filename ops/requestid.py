"""The id of a request: taken from X-Request-ID when a proxy in front set a well-formed one
(so one id follows a request through nginx and Veche), else made here; echoed in the
response's X-Request-ID and written on every log line made while the request runs."""

import contextvars
import itertools
import re
import secrets

HEADER = "X-Request-ID"
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,64}")

# A random prefix per process and a counter: unique across processes and restarts, and a
# fraction of the cost of a uuid4 on the cached page's path. (An id is not a secret.)
_PREFIX = secrets.token_hex(6)
_next = itertools.count(1)

current: contextvars.ContextVar[str] = contextvars.ContextVar("veche_request_id", default="-")


def new() -> str:
    return f"{_PREFIX}-{next(_next):x}"


def accept(given: str | bytes | None) -> str:
    """The client's id when well formed (1–64 of A–Z a–z 0–9 . _ -), else a new one: anything
    else could carry line breaks or markup into the logs."""
    if isinstance(given, bytes):
        given = given.decode("latin-1")
    if given and WELL_FORMED.fullmatch(given):
        return given
    return new()


def from_scope(scope) -> str:
    """accept() for an ASGI request."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            return accept(value)
    return new()
