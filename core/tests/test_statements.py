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
