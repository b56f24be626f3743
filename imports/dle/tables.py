"""The DataLife Engine tables Veche reads, the columns it takes from each, and how a row's
values are checked and typed on the way in (imports.dle.store keeps them).

From DLE's install SQL (versions 9 to 17 keep these columns; older ones lack some optional
ones, which then read as their default):

    PREFIX_category   id, name, alt_name
    PREFIX_post       id, autor, date (site time), short_story, full_story, title, category
                      ("3,7": ids), alt_name, allow_comm, approve, tags ("a, b"),
                      news_read (before 9.0; later in post_extras)
    PREFIX_post_extras news_id, news_read, user_id
    PREFIX_users      user_id, name, fullname, email, reg_date and lastdate (Unix time),
                      user_group (1 administrators, 2 chief editors, 3 journalists,
                      4 visitors, 5 guests), banned ("yes"), info, signature, foto
    PREFIX_banned     users_id, descr, date (Unix time the ban ends, 0: never)
    PREFIX_comments   id, post_id, user_id (0: a guest), date, autor, email, text, approve,
                      parent (where comments are threaded: the comment replied to, 0: none)
    PREFIX_comment_rating_log  c_id, member (the voter's name; "" or "noname" for a guest),
                      rating (+1/−1; the table as 10.4 made it has no such column)
    PREFIX_usergroups id, group_name, edit_allc, del_allc (may edit / delete all comments)

Anything a row holds that Veche cannot read (an id that is no number, a date that is no
date) refuses the import, naming the table and the row, before anything is written.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from imports.errors import ImportFormatError


@dataclass(frozen=True)
class Table:
    name: str  # without the prefix
    key: str  # the column that names a row in a message
    columns: tuple[str, ...]  # taken when present
    required: tuple[str, ...]  # a table without them is not DLE's
    optional: bool = False  # the table itself may be missing (older versions, or never used)


TABLES = (
    Table("category", "id", ("id", "name", "alt_name"), ("id", "name")),
    Table("post", "id", ("id", "autor", "date", "short_story", "full_story", "title", "category",
                         "alt_name", "allow_comm", "approve", "tags", "news_read"),
          ("id", "date", "title")),
    Table("post_extras", "news_id", ("news_id", "news_read", "user_id"), ("news_id",), optional=True),
    Table("users", "user_id", ("user_id", "name", "fullname", "email", "reg_date", "lastdate",
                               "user_group", "banned", "info"), ("user_id", "name")),
    Table("banned", "users_id", ("users_id", "descr", "date"), ("users_id",), optional=True),
    Table("comments", "id", ("id", "post_id", "user_id", "date", "autor", "email", "text",
                             "approve", "parent"), ("id", "post_id", "date", "text")),
    Table("comment_rating_log", "c_id", ("c_id", "member", "rating"), ("c_id", "member"),
          optional=True),
    Table("usergroups", "id", ("id", "group_name", "edit_allc", "del_allc"), ("id",), optional=True),
)
BY_NAME = {t.name: t for t in TABLES}
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class Rows:
    """Checks one table's rows: `clean(row, line)` → the tuple stored, in `table.columns` order."""

    def __init__(self, table: Table, full_name: str, present: list[str], zone: ZoneInfo):
        missing = [c for c in table.required if c not in present]
        if missing:
            raise ImportFormatError(f"table {full_name} has no column {', '.join(missing)}: it is not "
                                    "a DataLife Engine table, or the prefix is wrong (--prefix)")
        self.table = table
        self.full_name = full_name
        self.zone = zone

    def _refuse(self, row: dict, line: int | None, what: str):
        key = self.table.key
        raise ImportFormatError(f"table {self.full_name}, row {key}={_shown(row.get(key))}: {what}", line)

    def clean(self, row: dict, line: int | None = None) -> tuple:
        values = {c: _text(row.get(c)) for c in self.table.columns}
        handler = getattr(self, f"_{self.table.name}")
        handler(values, row, line)
        return tuple(values[c] for c in self.table.columns)

    # --- value types ------------------------------------------------------------------
    def _int(self, values: dict, row: dict, line, column: str, default: int = 0) -> None:
        raw = values[column].strip()
        if raw == "":
            values[column] = default
            return
        try:
            values[column] = int(raw)
        except ValueError:
            self._refuse(row, line, f"{column} {_shown(raw)} is not a whole number")

    def _local(self, values: dict, row: dict, line, column: str) -> None:
        """A DATETIME in the site's time as ISO 8601 UTC."""
        raw = values[column].strip()
        m = _DATETIME.match(raw) or _DATE.match(raw)
        try:
            if m is None:
                raise ValueError
            parts = [int(p) for p in m.groups()] + [0, 0, 0]
            local = datetime(*parts[:6], tzinfo=self.zone)
        except ValueError:
            self._refuse(row, line, f"{column} {_shown(raw)} is not a date and time")
        values[column] = local.astimezone(UTC).isoformat()

    def _epoch(self, values: dict, row: dict, line, column: str) -> None:
        """Unix time as ISO 8601 UTC; "" and 0 (never) as None."""
        raw = values[column].strip()
        if raw in ("", "0"):
            values[column] = None
            return
        try:
            values[column] = datetime.fromtimestamp(int(float(raw)), tz=UTC).isoformat()
        except (ValueError, OverflowError, OSError):
            self._refuse(row, line, f"{column} {_shown(raw)} is not a Unix time")

    # --- the tables -------------------------------------------------------------------
    def _category(self, v, row, line):
        self._int(v, row, line, "id")

    def _post(self, v, row, line):
        for c in ("id", "news_read"):
            self._int(v, row, line, c)
        self._int(v, row, line, "allow_comm", 1)
        self._int(v, row, line, "approve", 1)
        self._local(v, row, line, "date")

    def _post_extras(self, v, row, line):
        for c in ("news_id", "news_read", "user_id"):
            self._int(v, row, line, c)

    def _users(self, v, row, line):
        for c in ("user_id", "user_group"):
            self._int(v, row, line, c, 4 if c == "user_group" else 0)
        for c in ("reg_date", "lastdate"):
            self._epoch(v, row, line, c)
        if not v["name"].strip():
            self._refuse(row, line, "the member has no name")

    def _banned(self, v, row, line):
        self._int(v, row, line, "users_id")
        self._epoch(v, row, line, "date")

    def _comments(self, v, row, line):
        for c in ("id", "post_id", "user_id", "parent"):
            self._int(v, row, line, c)
        self._int(v, row, line, "approve", 1)
        self._local(v, row, line, "date")

    def _comment_rating_log(self, v, row, line):
        self._int(v, row, line, "c_id")
        self._int(v, row, line, "rating", 0)

    def _usergroups(self, v, row, line):
        for c in ("id", "edit_allc", "del_allc"):
            self._int(v, row, line, c)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _shown(value) -> str:
    text = _text(value)
    return repr(text[:40] + ("…" if len(text) > 40 else ""))
