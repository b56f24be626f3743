"""Written-out statements: settling tables after a bulk load."""

import pytest
from django.db import connection, transaction

from core import statements
from discussion.models import Comment


@pytest.mark.django_db(transaction=True)
def test_settle_vacuums_and_analyses_after_a_bulk_load():
    statements.settle([Comment])
    if connection.vendor != "postgresql":
        return  # SQLite: PRAGMA optimize, which reports nothing
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables "
                       "WHERE relname = %s", [Comment._meta.db_table])
        assert cursor.fetchone() == (True, True)


@pytest.mark.django_db(transaction=True)
def test_settle_inside_a_transaction_leaves_it_to_autovacuum():
    with transaction.atomic():
        statements.settle([Comment])  # VACUUM would fail here; nothing is attempted
        assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_comments_and_votes_are_vacuumed_after_one_percent_new_rows():
    if connection.vendor != "postgresql":
        pytest.skip("autovacuum is PostgreSQL's (the PostgreSQL + Redis pass)")
    from discussion.models import Vote

    with connection.cursor() as cursor:
        for model in (Comment, Vote):
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [model._meta.db_table])
            assert "autovacuum_vacuum_insert_scale_factor=0.01" in cursor.fetchone()[0]


@pytest.mark.django_db
def test_postgresql_statements_are_prepared_when_repeated():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (the PostgreSQL + Redis pass)")
    sql = "SELECT count(*) FROM discussion_comment WHERE article_id = %s"
    for _ in range(3):
        statements.one(sql, [0])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["SELECT count(*) FROM discussion_comment WHERE article_id = $1%"])
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_after_runs_the_steps_then_returns_the_last_statements_row(article):
    table = Comment._meta.db_table
    with transaction.atomic():
        row = statements.after([("UPDATE newsroom_article SET comment_count = %s WHERE id = %s", [7, article.pk]),
                                ("UPDATE newsroom_article SET comment_count = comment_count + 1 WHERE id = %s", [article.pk])],
                               "SELECT comment_count, (SELECT COUNT(*) FROM " + table + ") FROM newsroom_article WHERE id = %s",
                               [article.pk])
    assert row == (8, 0)  # both steps ran, in order, before the read
    assert statements.after([], "SELECT id FROM newsroom_article WHERE id = %s", [-1]) is None


@pytest.mark.django_db(transaction=True)
def test_a_read_sent_with_a_lock_sees_what_the_locks_holder_committed(article):
    """The point of sending a lock and a read in one round trip: the read still runs after the
    lock is granted, so it sees the previous holder's commit (one statement could not)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks and pipelines are PostgreSQL's (the PostgreSQL + Redis pass)")
    import threading

    from django.db import connections

    lock = ("SELECT id FROM newsroom_article WHERE id = %s FOR UPDATE", [article.pk])
    holding, seen = threading.Event(), []

    def other():
        try:
            with transaction.atomic():
                statements.run(*lock)
                holding.set()
                import time

                time.sleep(0.3)  # the main thread's lock and read wait here
                statements.run("UPDATE newsroom_article SET comment_count = 41 WHERE id = %s", [article.pk])
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    assert holding.wait(5)
    with transaction.atomic():
        seen.append(statements.after([lock], "SELECT comment_count FROM newsroom_article WHERE id = %s", [article.pk]))
    thread.join()
    assert seen == [(41,)]


@pytest.mark.django_db
def test_an_error_in_a_pipelined_step_is_djangos_and_nothing_after_it_runs(article):
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic():
        statements.after([("SELECT no_such_column FROM newsroom_article", [])],
                         "UPDATE newsroom_article SET comment_count = 99 WHERE id = %s RETURNING id", [article.pk])
    article.refresh_from_db()
    assert article.comment_count != 99


class _LockedOnce:
    """A cursor whose first PRAGMA optimize meets a lock, as when another writer commits
    between its read and its write."""

    def __init__(self, cursor, fails: int) -> None:
        self.cursor, self.fails, self.runs = cursor, fails, []

    def execute(self, sql, params=None):
        self.runs.append((sql, connection.in_atomic_block))
        if self.fails:
            self.fails -= 1
            from django.db import OperationalError

            raise OperationalError("database is locked")
        return self.cursor.execute(sql, params)


@pytest.mark.django_db(transaction=True)
def test_sqlite_settling_takes_the_write_lock_first_and_waits_out_a_lock(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PRAGMA optimize is SQLite's")
    monkeypatch.setattr(__import__("time"), "sleep", lambda s: None)
    with connection.cursor() as cursor:
        locked = _LockedOnce(cursor, fails=2)
        statements._optimize_sqlite(connection, locked, tries=3)
    # tried again after each lock, each time inside a transaction (BEGIN IMMEDIATE)
    assert locked.runs == [("PRAGMA optimize", True)] * 3
    assert not connection.in_atomic_block  # nothing left open


@pytest.mark.django_db(transaction=True)
def test_sqlite_settling_gives_up_after_its_tries_and_raises_other_errors(monkeypatch, caplog):
    if connection.vendor != "sqlite":
        pytest.skip("PRAGMA optimize is SQLite's")
    from django.db import OperationalError

    monkeypatch.setattr(__import__("time"), "sleep", lambda s: None)
    with connection.cursor() as cursor:
        locked = _LockedOnce(cursor, fails=9)
        statements._optimize_sqlite(connection, locked, tries=3)  # an optimisation: not an error
        assert len(locked.runs) == 3 and "statistics not refreshed" in caplog.text
        assert not connection.in_atomic_block

        class Broken(_LockedOnce):
            def execute(self, sql, params=None):
                self.runs.append(sql)
                raise OperationalError("no such table: x")

        broken = Broken(cursor, 0)
        with pytest.raises(OperationalError):
            statements._optimize_sqlite(connection, broken)
        assert broken.runs == ["PRAGMA optimize"]  # not a lock: not tried again


@pytest.mark.django_db(transaction=True)
def test_sqlite_settling_waits_for_a_writer_on_another_connection():
    """A real second writer holds the write lock while settling starts: settling waits for
    it (BEGIN IMMEDIATE consults the busy timeout) and succeeds once it commits."""
    if connection.vendor != "sqlite":
        pytest.skip("PRAGMA optimize is SQLite's")
    import sqlite3
    import threading
    import time

    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute(f"UPDATE {Comment._meta.db_table} SET plus = plus WHERE id = -1")
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
    started = time.monotonic()
    statements.settle([Comment])
    assert time.monotonic() - started >= 0.4  # it waited for the writer, then ran
    other.close()


@pytest.mark.django_db
def test_columns_make_instances_as_the_orm_does():
    """Aware datetimes (SQLite stores them as text without a zone), booleans, deferred columns
    loaded when asked for, a name the model lacks refused."""
    from accounts.models import Member

    member = Member.objects.create_user("colm", password="x" * 12)
    columns = statements.Columns(Member)
    select = f'SELECT {columns.select()} FROM "{columns.table}" WHERE "id" = %s'  # noqa: S608
    made = columns.instance(statements.one(select, [member.pk]), "default")
    orm = Member.objects.get(pk=member.pk)
    for field in Member._meta.concrete_fields:
        assert getattr(made, field.attname) == getattr(orm, field.attname), field.attname
        assert type(getattr(made, field.attname)) is type(getattr(orm, field.attname)), field.attname
    assert made.is_active is True and made.date_joined.tzinfo is not None
    assert made._state.adding is False and made._state.db == "default"

    some = statements.Columns(Member, ["id", "login"])
    few = some.instance(statements.one(f'SELECT {some.select()} FROM "{some.table}" WHERE "id" = %s',  # noqa: S608
                                       [member.pk]), "default")
    assert few.get_deferred_fields() >= {"is_active", "date_joined"}
    assert few.is_active is True  # loaded when asked for
    with pytest.raises(ValueError, match="no columns"):
        statements.Columns(Member, ["id", "nonsense"])


@pytest.mark.django_db
def test_an_insert_written_out_stores_what_save_would():
    """Every column as the ORM's create() writes it (defaults filled, datetimes as stored), the
    id given back, the instance no longer new; a broken constraint raises Django's
    IntegrityError and writes nothing."""
    from django.db import IntegrityError
    from django.utils import timezone

    from accounts.models import Member
    from newsroom.models import Article, Section

    author = Member.objects.create_user("ins", password="x" * 12)
    section = Section.objects.create(name="S", slug="s")
    article = Article.objects.create(title="T", slug="t", body="b", section=section, state=Article.State.PUBLISHED,
                                     published_at=timezone.now())
    when = timezone.now()
    columns = statements.Columns(Comment)
    made = Comment(article=article, author=author, body="hello", body_html="<p>hello</p>", created=when,
                   idempotency_key="k1")
    columns.insert(made, "default")
    assert made.pk and made._state.adding is False and made._state.db == "default"
    orm = Comment.objects.create(article=article, author=author, body="hello", body_html="<p>hello</p>",
                                 created=when, idempotency_key="k2")
    written, by_orm = (Comment.objects.filter(pk=pk).values().get() for pk in (made.pk, orm.pk))
    assert {k: v for k, v in written.items() if k not in ("id", "idempotency_key")} == \
        {k: v for k, v in by_orm.items() if k not in ("id", "idempotency_key")}
    assert written["status"] == Comment.Status.VISIBLE and written["plus"] == 0 and written["created"] == when
    # As stored, not only as read back: SQLite keeps datetimes as text, which written-out
    # statements compare as text.
    with connection.cursor() as cursor:
        cursor.execute('SELECT CAST("created" AS TEXT) FROM "discussion_comment" WHERE "id" IN (%s, %s) ORDER BY "id"',
                       [made.pk, orm.pk])
        stored = [r[0] for r in cursor.fetchall()]
    assert stored[0] == stored[1]
    with pytest.raises(ValueError, match="every column"):
        statements.Columns(Comment, ["id", "body"]).insert(Comment(article=article, author=author), "default")

    again = Comment(article=article, author=author, body="again", body_html="", idempotency_key="k1")
    with pytest.raises(IntegrityError), transaction.atomic():
        columns.insert(again, "default")
    assert again.pk is None and Comment.objects.filter(body="again").count() == 0


_ARTICLE_COUNT = "SELECT comment_count FROM newsroom_article WHERE id = %s"
_IDS_IN = "SELECT id FROM newsroom_article WHERE id = ANY(%s) ORDER BY id"


@pytest.mark.django_db
def test_together_answers_each_statement_as_it_would_alone_in_order(article):
    reads = [(_ARTICLE_COUNT, [article.pk]), ("SELECT %s + 1", [41]), (_ARTICLE_COUNT, [-1])]
    assert statements.together(reads) == [statements.rows(sql, params) for sql, params in reads]
    assert statements.together(reads)[1] == [(42,)] and statements.together(reads)[2] == []


@pytest.mark.django_db
def test_an_error_in_a_statement_read_together_is_djangos(article):
    from django.db import DatabaseError

    with pytest.raises(DatabaseError):
        statements.together([(_ARTICLE_COUNT, [article.pk]), ("SELECT no_such_column FROM newsroom_article", [])])


@pytest.mark.django_db
def test_a_statement_read_ahead_is_taken_once_within_the_block_and_never_after(article):
    from django.test.utils import CaptureQueriesContext

    reads = [(_ARTICLE_COUNT, [article.pk]), ("SELECT %s + 1", [1])]
    with CaptureQueriesContext(connection) as ran, statements.ahead(reads) as left:
        before = len(ran.captured_queries)
        statements.run("UPDATE newsroom_article SET comment_count = 77 WHERE id = %s", [article.pk])
        # rows() and a write never take what was read ahead: only the call sites that ask.
        asked = statements.rows(_ARTICLE_COUNT, [article.pk])
        taken = statements.read_ahead(_ARTICLE_COUNT, [article.pk])
        again = statements.read_ahead(_ARTICLE_COUNT, [article.pk])
        other = statements.read_ahead(_ARTICLE_COUNT, [-1])  # other parameters: not what was read
        untaken = None if left is None else dict(left)
        ran_inside = len(ran.captured_queries) - before
    assert asked == [(77,)] and ran_inside == 2 and again is None and other is None
    if connection.vendor != "postgresql":
        assert left is None and taken is None  # nothing read ahead where a round trip costs nothing worth saving
    else:
        assert taken == [(article.comment_count,)]  # as read before the update
        assert untaken == {("SELECT %s + 1", (1,)): [(2,)]}
        assert left == {}  # emptied with the block
    assert statements.read_ahead("SELECT %s + 1", [1]) is None


@pytest.mark.django_db
def test_a_context_copied_inside_the_block_keeps_nothing_read_ahead_past_it(article):
    import contextvars

    reads = [(_ARTICLE_COUNT, [article.pk]), ("SELECT %s + 1", [1])]
    with statements.ahead(reads):
        copied = contextvars.copy_context()  # as a task or asgiref's thread would take it
    assert copied.run(statements.read_ahead, _ARTICLE_COUNT, [article.pk]) is None
    assert copied.run(statements.read_ahead, "SELECT %s + 1", [1]) is None


def test_nothing_read_ahead_is_seen_by_another_thread(article):
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("reading ahead is PostgreSQL's (the PostgreSQL + Redis pass)")
    seen = []
    reads = [(_ARTICLE_COUNT, [article.pk]), ("SELECT %s + 1", [1])]
    with statements.ahead(reads) as left:
        thread = threading.Thread(target=lambda: seen.append(statements.read_ahead(_ARTICLE_COUNT, [article.pk])))
        thread.start()
        thread.join()
        assert len(left) == 2
    assert seen == [None]


@pytest.mark.django_db
def test_read_ahead_matches_list_parameters_by_value(article):
    reads = [(_IDS_IN, [[article.pk, -1]]), ("SELECT 1", [])]
    if connection.vendor != "postgresql":
        pytest.skip("arrays as parameters, and reading ahead, are PostgreSQL's (the PostgreSQL + Redis pass)")
    with statements.ahead(reads):
        assert statements.read_ahead(_IDS_IN, [[article.pk]]) is None  # another list
        assert statements.read_ahead(_IDS_IN, [[article.pk, -1]]) == [(article.pk,)]
        assert statements.read_ahead(_IDS_IN, [[article.pk, -1]]) is None  # taken
