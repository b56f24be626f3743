"""A DLE site's rows, read from its database or from a dump, checked (imports.dle.tables) and
kept on disk in a private temporary SQLite database for the time of the import.

Why a copy: a dump holds the tables in alphabetical order (comments before posts, users
after both), and a thread is complete only once every table is read; the database itself
could be walked in order, but the same store serves both, so both are read the same way and
tested once. Reading streams — a server-side cursor fetching a batch at a time, or the dump
parser a row at a time — and the store is on disk: memory holds a batch, never a table.
Every row is checked before anything is written, so an unreadable row refuses the import
with nothing written.
"""

import re
import sqlite3
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from imports.dle.sqldump import DumpReader
from imports.dle.tables import BY_NAME, TABLES, Rows
from imports.errors import ImportFormatError

FETCH = 1000  # rows a server-side cursor hands over at a time, and rows inserted at a time
CONNECT_TIMEOUT = 10  # seconds
_PREFIX = re.compile(r"^[A-Za-z0-9_]{0,40}$")
_INTEGER = {"id", "news_id", "news_read", "user_id", "user_group", "users_id", "post_id",
            "approve", "allow_comm", "parent", "c_id", "rating", "edit_allc", "del_allc"}
_INDEXES = ("CREATE INDEX comments_post ON comments (post_id, date, id)",
            "CREATE INDEX users_id ON users (user_id)", "CREATE INDEX users_name ON users (name)",
            "CREATE INDEX votes_comment ON comment_rating_log (c_id)",
            "CREATE INDEX extras_news ON post_extras (news_id)",
            "CREATE INDEX banned_user ON banned (users_id)")


def check_prefix(prefix: str) -> str:
    if not _PREFIX.match(prefix):
        raise ImportFormatError(f"the table prefix {prefix!r} may hold only letters, digits and _")
    return prefix


class Store:
    def __init__(self):
        self.db = sqlite3.connect("")  # "": a private on-disk temporary database, deleted on close
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        for t in TABLES:
            cols = ", ".join(f"{c} {'INTEGER' if c in _INTEGER else 'TEXT'}" for c in t.columns)
            self.db.execute(f"CREATE TABLE {t.name} (line INTEGER, {cols})")
        self.present: set[str] = set()  # tables the site has
        self.columns: dict[str, set[str]] = {}  # the columns each of them has

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- filling ----------------------------------------------------------------------
    def fill(self, rows: Iterator[tuple[str, dict, int | None]], checkers: dict[str, Rows]) -> None:
        pending: dict[str, list[tuple]] = {}
        for name, row, line in rows:
            batch = pending.setdefault(name, [])
            batch.append((line, *checkers[name].clean(row, line)))
            if len(batch) >= FETCH:
                self._insert(name, batch)
        for name, batch in pending.items():
            self._insert(name, batch)
        for sql in _INDEXES:
            self.db.execute(sql)
        self.db.commit()

    def _insert(self, name: str, batch: list[tuple]) -> None:
        marks = ", ".join("?" * (len(BY_NAME[name].columns) + 1))
        self.db.executemany(f"INSERT INTO {name} VALUES ({marks})", batch)  # noqa: S608  a table name of its own schema
        batch.clear()

    def require(self, prefix: str, found_elsewhere: list[str]) -> None:
        missing = [t.name for t in TABLES if not t.optional and t.name not in self.present]
        if not missing:
            return
        hint = ""
        guesses = sorted({n[: -len("_post")] + "_" for n in found_elsewhere if n.endswith("_post")} - {prefix})
        if guesses:
            hint = f"; tables with the prefix {guesses[0]!r} look like DLE's: --prefix {guesses[0]}"
        raise ImportFormatError(f"no table {', '.join(prefix + m for m in missing)} was found: this is not "
                                f"a DataLife Engine database, or its prefix is not {prefix!r}{hint}")

    # --- reading ----------------------------------------------------------------------
    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        cur = self.db.execute(sql, params)
        cur.row_factory = sqlite3.Row
        return cur.fetchall()

    def stream(self, sql: str, params=()) -> Iterator[sqlite3.Row]:
        cur = self.db.execute(sql, params)
        cur.row_factory = sqlite3.Row
        while batch := cur.fetchmany(FETCH):
            yield from batch

    def has(self, table: str, column: str) -> bool:
        return column in self.columns.get(table, set())


# --- the two sources ----------------------------------------------------------------------

def _checkers(store: Store, prefix: str, present: dict[str, list[str]], zone: ZoneInfo) -> dict[str, Rows]:
    checkers = {}
    for name, columns in present.items():
        table = BY_NAME[name]
        checkers[name] = Rows(table, prefix + name, columns, zone)
        store.present.add(name)
        store.columns[name] = {c for c in table.columns if c in columns}
    return checkers


def from_dump(store: Store, path, prefix: str, zone: ZoneInfo, encoding: str | None = None) -> None:
    wanted = {prefix + t.name: t.name for t in TABLES}
    reader = DumpReader(path, set(wanted), encoding)
    checkers: dict[str, Rows] = {}

    def rows():
        for full, row, line in reader.rows():
            name = wanted[full]
            if name not in checkers:
                columns = reader.columns.get(full) or list(row)
                checkers.update(_checkers(store, prefix, {name: columns}, zone))
            yield name, row, line

    try:
        store.fill(rows(), checkers)
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"the dump is not {reader.encoding} text (byte {exc.start:,} of a chunk "
                                "cannot be read); name its character set with --encoding") from exc
    for full in reader.seen:  # tables defined but empty
        if wanted[full] not in store.present:
            _checkers(store, prefix, {wanted[full]: reader.columns.get(full, [])}, zone)
    store.require(prefix, sorted(reader.all_tables))


def connect(url: str):
    """A PyMySQL connection from mysql://user:password@host:port/database. Values come back
    as text, unconverted (no decoders), as the dump parser gives them."""
    try:
        import pymysql
    except ImportError as exc:
        raise ImportFormatError("reading a database needs PyMySQL (pip install 'veche[dle]'); "
                                "a dump file needs nothing more") from exc

    parts = urlsplit(url)
    if parts.scheme not in ("mysql", "mariadb") or not parts.path.strip("/"):
        raise ImportFormatError("the database URL must look like mysql://user:password@host:3306/database")
    where = f"{parts.hostname or 'localhost'}:{parts.port or 3306}/{parts.path.strip('/')}"
    try:
        return pymysql.connect(host=parts.hostname or "localhost", port=parts.port or 3306,
                               user=unquote(parts.username or "root"), password=unquote(parts.password or ""),
                               database=unquote(parts.path.strip("/")), charset="utf8mb4",
                               conv=_encoders_only(pymysql), connect_timeout=CONNECT_TIMEOUT)
    except pymysql.MySQLError as exc:
        # Its text names the user and host, never the password.
        raise ImportFormatError(f"cannot read the DLE database at {where}: {exc.args[-1]}") from exc


def _encoders_only(pymysql) -> dict:
    # PyMySQL keys its decoders by field type (ints) and its encoders by Python type.
    return {k: v for k, v in pymysql.converters.conversions.items() if not isinstance(k, int)}


def from_database(store: Store, url: str, prefix: str, zone: ZoneInfo) -> None:
    import pymysql

    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW TABLES")
            tables = [_str(r[0]) for r in cur.fetchall()]
        present: dict[str, list[str]] = {}
        for t in TABLES:
            if prefix + t.name in tables:
                with conn.cursor() as cur:
                    cur.execute(f"SHOW COLUMNS FROM `{prefix}{t.name}`")
                    present[t.name] = [_str(r[0]) for r in cur.fetchall()]
        checkers = _checkers(store, prefix, present, zone)
        store.fill(_database_rows(conn, prefix, present), checkers)
    except pymysql.MySQLError as exc:
        raise ImportFormatError(f"reading the DLE database failed: {exc.args[-1]}") from exc
    finally:
        conn.close()
    store.require(prefix, tables)


def _database_rows(conn, prefix: str, present: dict[str, list[str]]):
    import pymysql

    for name, columns in present.items():
        wanted = [c for c in BY_NAME[name].columns if c in columns]
        # A server-side cursor: rows come as they are fetched, not all at once into memory.
        with conn.cursor(pymysql.cursors.SSCursor) as cur:
            cur.execute(f"SELECT {', '.join(f'`{c}`' for c in wanted)} FROM `{prefix}{name}`")  # noqa: S608  names checked: check_prefix and the known columns
            while batch := cur.fetchmany(FETCH):
                for values in batch:
                    yield name, dict(zip(wanted, values, strict=True)), None


def _str(value) -> str:
    return value.decode() if isinstance(value, bytes | bytearray) else str(value)
