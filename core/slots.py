"""Slots in shared markup: the places a rendered page or thread leaves for one request's values
(a member's account links, a CSRF token, presence), filled after the shared part is cached.

A slot marker is NUL, this process's random tag, the slot's name, NUL. Only markers with the
tag are cut and filled, so text a user wrote can never make one, NUL or no NUL: the tag is in
no page (every marker is filled before a page leaves) and changes with every start. Markup is
cut in the process that rendered it (a cut page or thread may then be cached anywhere). A NUL
that is not part of a marker cannot have been written by the renderer: it is shown as U+FFFD,
as a browser would, and never cuts anything."""

import re
import secrets
from collections.abc import Callable
from typing import TypeVar

NUL = "\x00"
TAG = secrets.token_hex(8)
_TAG = TAG.encode()
REPLACEMENT = "\ufffd".encode()
T = TypeVar("T")


def marker(name: str) -> str:
    return f"{NUL}{TAG}{name}{NUL}"


def cutter(names: bytes) -> re.Pattern:
    """A pattern whose split gives literal markup and slot names, alternating; `names` is a
    regular expression (bytes) for the slot names, in one group."""
    return re.compile(b"\x00" + TAG.encode() + b"(" + names + b")\x00")


def cut(pattern: re.Pattern, html: bytes, read: Callable[[bytes], T]) -> tuple[list[bytes], list[T]]:
    """(literal parts, slot names as read(name) gives them) of `html`; the literal parts hold
    no NUL. Each distinct name is read once (a thread names each commenter at every comment).

    Markup holds no NUL but the markers' as a rule: cut at every NUL (five times faster than
    the pattern on a long thread) when every second piece then begins with the tag, which only
    the renderer knows; otherwise by the pattern, and stray NULs become U+FFFD."""
    pieces = html.split(b"\x00")
    names = pieces[1::2]
    distinct = set(names)
    if len(pieces) % 2 and all(name.startswith(_TAG) for name in distinct):
        start = len(_TAG)
        as_read = {name: read(name[start:]) for name in distinct}
        return pieces[0::2], list(map(as_read.__getitem__, names))
    pieces = pattern.split(html)
    names = pieces[1::2]
    as_read = {name: read(name) for name in set(names)}
    return [p.replace(b"\x00", REPLACEMENT) for p in pieces[0::2]], list(map(as_read.__getitem__, names))
