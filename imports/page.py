"""Reading a plain-text capture of an article page (the seed's format).

    Title
    <blank>
    Body paragraphs, separated by blank lines; a paragraph "- stated …" attributes the
    paragraph before it.
    Dear reader, to leave comments on the publication, you must sign in.
      1. login Offline login              <- comment header, indent 2 + 2·depth
        login (Real name) 14 May 2021 13: 49
        body lines, indent 4 + 2·depth; blank lines separate paragraphs
        1. login Online login             <- a reply
      2. Login (Real name) 24 May 2021 07: 56   <- a deleted account: no presence

Parsing is pure (no database): `parse()` returns a Page or raises ImportFormatError with
the line number and reason. Writing is in imports.pagewriter.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from imports.errors import ImportFormatError

SIGN_IN_LINE = "Dear reader, to leave comments on the publication, you must sign in."
SEED_ZONE = ZoneInfo("Europe/Moscow")  # the captured site's zone

_TIME = r"(\d{1,2}) ([A-Z][a-z]+) (\d{4}) (\d{1,2}): ?(\d{2})"
_HEAD_PRESENT = re.compile(r"^(\d+)\. (.+?) (Online|Offline) (.+)$")
_HEAD_GONE = re.compile(rf"^(\d+)\. (.+?) {_TIME}$")
_BYLINE = re.compile(rf"^(.+?) {_TIME}$")
_MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}


@dataclass
class PageComment:
    number: str  # "2.1.1"
    login: str
    real_name: str
    presence: str | None  # "online", "offline", or None for a deleted account
    created: datetime
    paragraphs: list[str] = field(default_factory=list)
    parent: "PageComment | None" = None
    line: int = 0


@dataclass
class Page:
    title: str
    paragraphs: list[str]  # the body; attribution paragraphs start with "- "
    comments: list[PageComment]  # in page order: parents before replies


def _split_name(text: str) -> tuple[str, str]:
    """"Bakht (Bakhtiyar)" → ("Bakht", "Bakhtiyar"); "steelmaker" → ("steelmaker", "")."""
    text = text.strip()
    if text.endswith(")") and " (" in text:
        login, _, real = text[:-1].rpartition(" (")
        return login.strip(), real.strip()
    return text, ""


def _time(groups, line_no: int, zone: ZoneInfo) -> datetime:
    day, month, year, hour, minute = groups
    if month not in _MONTHS:
        raise ImportFormatError(f"unknown month {month!r} in a comment's time", line_no)
    try:
        return datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute), tzinfo=zone)
    except ValueError as exc:
        raise ImportFormatError(f"impossible comment time: {exc}", line_no) from exc


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def parse(text: str, zone: ZoneInfo = SEED_ZONE) -> Page:
    if "\x00" in text:
        raise ImportFormatError("the file holds NUL bytes: not a text capture", 1)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not lines[0].strip():
        raise ImportFormatError("the first line must be the article's title", 1)
    title = lines[0].strip()
    try:
        sign_in_at = next(i for i, ln in enumerate(lines) if ln.strip() == SIGN_IN_LINE)
    except StopIteration:
        raise ImportFormatError(
            f"no line “{SIGN_IN_LINE}” separates the article from its discussion", len(lines)
        ) from None

    paragraphs: list[str] = []
    for ln in lines[1:sign_in_at]:
        if ln.strip():
            if ln.startswith(" "):
                raise ImportFormatError("article paragraphs are not indented",
                                        lines.index(ln) + 1)
            paragraphs.append(" ".join(ln.split()))
    if not paragraphs:
        raise ImportFormatError("the article has no body before the sign-in line", sign_in_at + 1)

    comments: list[PageComment] = []
    stack: list[PageComment] = []  # the open chain: stack[d] is the last comment at depth d
    counts: list[int] = [0]  # next expected number at each depth
    current: PageComment | None = None
    expect_byline = False
    pending_blank = False
    i = sign_in_at + 1
    while i < len(lines):
        raw = lines[i]
        no = i + 1
        i += 1
        if not raw.strip():
            pending_blank = current is not None
            continue
        ind = _indent(raw)
        body = raw.strip()
        if expect_byline:
            m = _BYLINE.match(body)
            if not m or ind != _indent(lines[current.line - 1]) + 2:
                raise ImportFormatError("expected the line “login (Real name) 14 May 2021 13: 49” "
                                        "under the comment header", no)
            login, real = _split_name(m.group(1))
            if login != current.login:
                raise ImportFormatError(f"the header names {current.login!r} but the byline {login!r}", no)
            current.real_name = real
            current.created = _time(m.groups()[1:], no, zone)
            expect_byline = False
            continue
        head = _HEAD_PRESENT.match(body) if ind % 2 == 0 and ind >= 2 else None
        if head and head.group(2) != head.group(4):
            head = None  # "login Offline login" names the same login twice; otherwise it is text
        gone = None
        if head is None and ind % 2 == 0 and ind >= 2:
            gone = _HEAD_GONE.match(body)
        depth = ind // 2 - 1
        is_header = (head or gone) and depth <= len(stack) and (
            current is None or ind <= _indent(lines[current.line - 1]) + 2)
        if is_header:
            number = int((head or gone).group(1))
            while len(counts) <= depth:
                counts.append(0)
            del counts[depth + 1:]
            if number != counts[depth] + 1:
                raise ImportFormatError(
                    f"comment number {number}. where {counts[depth] + 1}. was expected at this depth", no)
            counts[depth] = number
            del stack[depth:]
            parent = stack[-1] if stack else None
            path = f"{parent.number}.{number}" if parent else str(number)
            if head:
                current = PageComment(path, head.group(2), "", head.group(3).lower(), None, parent=parent, line=no)
                expect_byline = True
            else:
                login, real = _split_name(gone.group(2))
                current = PageComment(path, login, real, None, _time(gone.groups()[2:], no, zone),
                                      parent=parent, line=no)
            comments.append(current)
            stack.append(current)
            pending_blank = False
            continue
        if current is None:
            raise ImportFormatError("text after the sign-in line must belong to a numbered comment", no)
        if ind < _indent(lines[current.line - 1]) + 2:
            raise ImportFormatError("a comment's text is indented less than its header", no)
        if pending_blank or not current.paragraphs:
            current.paragraphs.append(body)
        else:
            current.paragraphs[-1] += "\n" + body
        pending_blank = False
    if expect_byline:
        raise ImportFormatError("the file ends inside a comment header", len(lines))
    for c in comments:
        if not c.paragraphs:
            raise ImportFormatError(f"comment {c.number} by {c.login} has no text", c.line)
    return Page(title, paragraphs, comments)
