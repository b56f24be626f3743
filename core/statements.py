"""Statements written out, for the hottest paths (voting, posting, reading a thread), where
compiling them through the ORM cost more than running them. They run on the connection the
ORM would use, inside its transaction and with its error wrapping; table names come from the
models. Keep them portable: SQLite >= 3.35 with its JSON functions (which Django's JSONField needs
too) and PostgreSQL."""

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.db import connections, router

T = TypeVar("T")

# "this column is one of these ids", with the ids as one parameter (ids_param): the statement's
# text is the same for any number of them, so SQLite's statement cache keeps it and PostgreSQL
# prepares it (once for each array type psycopg gives the ids: int2, int4 or int8, by the
# largest; the cast makes them one). {column} is a column's name; other databases have none
# (the ORM's lookup).
IN_IDS = {"sqlite": "{column} IN (SELECT value FROM json_each(%s))", "postgresql": "{column} = ANY(%s::bigint[])"}


def in_ids(column: str, using: str | None = None) -> str | None:
    """IN_IDS for the connection's database (None where it has none)."""
    condition = IN_IDS.get(_connection(using).vendor)
    return condition.format(column=column) if condition is not None else None


def ids_param(ids: Iterable[int], using: str | None = None):
    """The one parameter of in_ids: a JSON array for SQLite, a list (an array) for PostgreSQL."""
    return json.dumps(list(ids)) if _connection(using).vendor == "sqlite" else list(ids)


def _connection(using: str | None):
    return connections[using or "default"]


def run(sql: str, params: list, using: str | None = None) -> None:
    with _connection(using).cursor() as cursor:
        cursor.execute(sql, params)


def one(sql: str, params: list, using: str | None = None):
    """The first row, or None."""
    with _connection(using).cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def after(steps: list[tuple[str, list]], sql: str, params: list, using: str | None = None):
    """Run `steps` (their results unread), then `sql`; its first row, or None. PostgreSQL gets
    them in one round trip (a psycopg pipeline), executed one after another: each statement
    sees what committed before it started, so a read placed after a lock sees the rows as the
    lock's previous holder left them."""
    connection = _connection(using)
    if not steps:
        return one(sql, params, using)
    if connection.vendor != "postgresql":
        for step, values in steps:
            run(step, values, using)
        return one(sql, params, using)
    return _pipelined([*steps, (sql, params)], using, lambda cursors: cursors[-1].fetchone())


def rows(sql: str, params: list, using: str | None = None) -> list:
    with _connection(using).cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def together(reads: list[tuple[str, list]], using: str | None = None) -> list[list]:
    """Each statement's rows, in order. PostgreSQL gets them in one round trip (a psycopg
    pipeline), run one after another, each seeing what committed before it started; other
    databases one by one."""
    if _connection(using).vendor != "postgresql" or len(reads) < 2:
        return [rows(sql, params, using) for sql, params in reads]
    return _pipelined(reads, using, lambda cursors: [cursor.fetchall() for cursor in cursors])


def _pipelined(statements: list[tuple[str, list]], using: str | None, read: Callable[[list], T]) -> T:
    """Send `statements` in one psycopg pipeline, then `read(cursors)` (one cursor each)."""
    connection = _connection(using)
    connection.ensure_connection()
    cursors = [connection.cursor() for _ in statements]
    try:  # an error reported when the pipeline ends is raised as Django's, like any other
        with connection.wrap_database_errors, connection.connection.pipeline():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
            return read(cursors)
    finally:
        for cursor in cursors:
            cursor.close()


# What `ahead` read, by statement and parameters, until its block ends or `read_ahead` takes it.
_read: ContextVar[dict[tuple, list] | None] = ContextVar("veche-read-ahead", default=None)


def _key(sql: str, params: list) -> tuple:
    return sql, tuple(tuple(p) if isinstance(p, list) else p for p in params)


@contextmanager
def ahead(reads: list[tuple[str, list]], using: str | None = None) -> Iterator[dict[tuple, list] | None]:
    """Read `reads` from `using` now, together (`together`: one round trip on PostgreSQL),
    for `read_ahead` to hand out within the block, each once. Only the call sites that ask
    `read_ahead` take them — the reads of one render, which one database answers for all of
    them — never `rows` or a write. Where a round trip costs nothing worth saving (SQLite, a
    single statement) nothing is read ahead, and each statement runs where it is asked.

    Yields what is still untaken (tests), emptied when the block ends: a context copied
    inside the block (a task, asgiref's threads) keeps no answer past it."""
    if len(reads) < 2 or _connection(using).vendor != "postgresql":
        yield None
        return
    found = together(reads, using)
    left = {_key(sql, params): result for (sql, params), result in zip(reads, found, strict=True)}
    token = _read.set(left)
    try:
        yield left
    finally:
        left.clear()
        _read.reset(token)


def read_ahead(sql: str, params: list) -> list | None:
    """The rows `ahead` read for this statement and parameters (taken: asked again, it runs),
    or None when it read none."""
    kept = _read.get()
    return kept.pop(_key(sql, params), None) if kept is not None else None


class Columns:
    """Some columns of a model written out for a statement, and instances made from the rows it
    returns as the ORM makes them: each value through the converters the ORM would apply
    (booleans and aware datetimes on SQLite, a field's from_db_value), compiled once per
    database rather than per query. A RawQuerySet does the same work afresh each time — for
    the signed-in member's lookup on every request it cost three times the statement."""

    def __init__(self, model, names: list[str] | None = None) -> None:
        fields = model._meta.concrete_fields
        self.model = model
        self.fields = [f for f in fields if names is None or f.attname in names]
        missing = set(names or ()) - {f.attname for f in self.fields}
        if missing:
            raise ValueError(f"{model.__name__} has no columns {sorted(missing)}")
        self.names = [f.attname for f in self.fields]
        self.table = model._meta.db_table
        self._converters: dict[str, list[tuple[int, list]]] = {}
        self._insert = ""

    def __len__(self) -> int:
        return len(self.fields)

    def select(self, alias: str | None = None) -> str:
        """The columns, qualified by the table's name (or `alias`, the statement's for it), for
        a SELECT list (names from the model's metadata)."""
        qualifier = alias or f'"{self.table}"'
        return ", ".join(f'{qualifier}."{f.column}"' for f in self.fields)

    def _converters_for(self, using: str) -> list[tuple[int, list]]:
        found = self._converters.get(using)
        if found is None:
            compiler = self.model._base_manager.none().query.get_compiler(using)
            by_index = compiler.get_converters([f.get_col(self.table) for f in self.fields])
            found = self._converters[using] = [(i, [(fn, expr) for fn in fns]) for i, (fns, expr) in
                                               sorted(by_index.items())]
        return found

    def instance(self, row, using: str, start: int = 0):
        """The instance made of `row[start:start + len(self)]`."""
        values = list(row[start:start + len(self.fields)])
        connection = _connection(using)
        for i, steps in self._converters_for(using):
            for fn, expr in steps:
                values[i] = fn(values[i], expr, connection)
        return self.model.from_db(using, self.names, values)

    def insert(self, obj, using: str) -> None:
        """Write `obj` — new, made with the model's constructor so that its defaults are set —
        as its row, in one statement written out (compiling the ORM's INSERT cost a post more
        than running it), and give it its id as save() would. Each value is prepared as save()
        prepares it (pre_save, then get_db_prep_save); constraint errors raise Django's
        IntegrityError, as from save(). No pre_save or post_save signals are sent: only for
        models with no receivers of them. Every column but the id is written (Columns made of
        the whole model), as plain values — no F() or other expressions."""
        if len(self.fields) != len(self.model._meta.concrete_fields):
            raise ValueError("an insert writes every column: make its Columns of the whole model")
        connection = _connection(using)
        pk = self.model._meta.pk
        written = [f for f in self.fields if f is not pk]
        if not self._insert:
            columns = ", ".join(f'"{f.column}"' for f in written)
            slots = ", ".join(["%s"] * len(written))
            # Names from the model's metadata, every value a parameter.
            self._insert = f'INSERT INTO "{self.table}" ({columns}) VALUES ({slots}) RETURNING "{pk.column}"'  # noqa: S608
        values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in written]
        row = one(self._insert, values, using)
        setattr(obj, pk.attname, row[0])
        obj._state.adding = False
        obj._state.db = using


def reading(model) -> str:
    """The database the ORM would read `model` from (a replica, unless the reader is pinned)."""
    return router.db_for_read(model)


def time(when, using: str | None = None):
    """A datetime as the database takes it."""
    return _connection(using).ops.adapt_datetimefield_value(when)


def for_update(using: str | None = None) -> str:
    """" FOR UPDATE" where rows can be locked; SQLite's writers queue on BEGIN IMMEDIATE."""
    return " FOR UPDATE" if _connection(using).features.has_select_for_update else ""


def settle(models, using: str | None = None) -> None:
    """After a bulk load (an import, seeding): bring the planner's statistics and PostgreSQL's
    visibility map up to date for these tables, as autovacuum would some minutes later. Until
    then the planner misjudges the new rows and index-only scans visit the table: counting a
    long discussion's top-level comments took 10 ms instead of 0.8. Runs outside a transaction."""
    connection = _connection(using)
    if connection.in_atomic_block:
        return  # VACUUM cannot run in a transaction; autovacuum will do it
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = {m._meta.db_table for m in models if m._meta.managed and not m._meta.proxy}
            for table in sorted(tables):
                cursor.execute(f'VACUUM (ANALYZE) "{table}"')
        elif connection.vendor == "sqlite":
            # In a write transaction taken up front: run bare, its ANALYZE reads and then
            # writes, and a writer that commits in between (the view-count flusher, the
            # embedded server's background thread) makes it fail at once with "database is
            # locked", the busy timeout never consulted. A lock met even so (a read still open
            # on this connection) is tried once more, then left to the planner's next refresh.
            _optimize_sqlite(connection, cursor)


def _optimize_sqlite(connection, cursor, tries: int = 2) -> None:
    """Settling is an optimisation: a lock still met after the busy timeout (20 s) and one more
    try is logged, and what was loaded stands."""
    import logging
    import time

    from django.db import OperationalError, transaction

    for attempt in range(tries):
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("PRAGMA optimize")
            return
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            if attempt == tries - 1:
                logging.getLogger(__name__).warning("statistics not refreshed (%s): the planner catches up later", exc)
                return
            time.sleep(0.2 * (attempt + 1))
