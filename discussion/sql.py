"""Every statement the discussion writes out by hand, in one place.

The hot paths — voting, posting, a member's marks on a page, numbering, reading a thread —
run statements written once rather than compiled by the ORM on every request (that cost more
than running them). They are portable SQL (SQLite ≥ 3.35 and PostgreSQL) except where a
comment says **PostgreSQL only**; their callers choose by `connection.vendor`."""

# Table and column names come from the models' metadata and conditions from this module;
# every value is a parameter. Nothing a request wrote is ever part of a statement's text.
# ruff: noqa: S608

from accounts.models import Member
from discussion.models import Comment, Vote
from newsroom import sql as articles
from newsroom.models import Article, Author, Section

C, V, M, A, S, AU = (Comment._meta.db_table, Vote._meta.db_table, Member._meta.db_table,
                     Article._meta.db_table, Section._meta.db_table, Author._meta.db_table)

# --- voting (discussion.actions.voting) -------------------------------------------------------
VOTE_READ = f"SELECT id, value, counted FROM {V} WHERE comment_id = %s AND voter_id = %s"
VOTE_INSERT = f"INSERT INTO {V} (comment_id, voter_id, value, counted, created) VALUES (%s, %s, %s, %s, %s) RETURNING id"
VOTE_DELETE = f"DELETE FROM {V} WHERE id = %s RETURNING id"
VOTE_UPDATE = f"UPDATE {V} SET value = %s, created = %s WHERE id = %s RETURNING id"
COUNTS = f"SELECT plus, minus FROM {C} WHERE id = %s"
MOVE_COUNTS = f"UPDATE {C} SET plus = plus + %s, minus = minus + %s WHERE id = %s RETURNING plus, minus"
MOVE_RATING = f"UPDATE {M} SET rating = rating + %s WHERE id = %s RETURNING rating"
# PostgreSQL only: a counted vote's writes in one statement (data-modifying WITH) — the vote
# row, the comment's counts, the author's rating and the article's versions ({article}, from
# newsroom.versions), one round trip for four; it returns the author's new rating and the
# article's new thread version too.
VOTE_COUNTED = (f"WITH v AS ({{change}}), c AS ({MOVE_COUNTS}), m AS ({MOVE_RATING}), "
                "a AS ({article} RETURNING thread_version) "
                "SELECT (SELECT id FROM v), c.plus, c.minus, (SELECT rating FROM m), (SELECT thread_version FROM a) FROM c")
# PostgreSQL only: a vote's commit need not wait for the disk (docs/deploy.md says what a
# database crash can lose: the last fraction of a second of votes, each whole).
VOTE_COMMIT = ("SET LOCAL synchronous_commit TO OFF", [])

# --- posting and status (discussion.actions) --------------------------------------------------
STATUS = f"SELECT status FROM {C} WHERE id = %s"
COUNT_MEMBER = f"UPDATE {M} SET comment_count = comment_count + %s WHERE id = %s"
# PostgreSQL only (SQLite writers queue on BEGIN IMMEDIATE and have no row locks).
LOCK_ARTICLE = f"SELECT id FROM {A} WHERE id = %s FOR UPDATE"

# --- what a vote and a post need of their target (discussion.views) ----------------------------
VOTE_TARGET = (f"SELECT c.id, c.article_id, c.author_id, c.status, c.plus, c.minus, a.slug FROM {C} c "
               f"JOIN {A} a ON a.id = c.article_id WHERE c.id = %s AND {articles.shown('a')}")
POST_TARGET = ("SELECT a.id, a.slug, a.title, a.state, a.published_at, a.comments_open, "
               f"a.comments_close_after_days, a.premoderated, a.section_id, s.premoderated, a.author_id, "
               f"(SELECT member_id FROM {AU} WHERE id = a.author_id), a.language FROM {A} a "
               f"JOIN {S} s ON s.id = a.section_id WHERE a.slug = %s AND {articles.shown('a')}")

# --- one member's marks on a page (discussion.page) -------------------------------------------
MINE = (f"SELECT id, status, CASE WHEN created >= %s THEN 1 ELSE 0 END, "
        "CASE WHEN moderator_note <> '' OR (status = %s AND moderation_reason <> '') THEN 1 ELSE 0 END "
        f"FROM {C} WHERE article_id = %s AND author_id = %s")
VOTES = (f"SELECT v.comment_id, v.value FROM {V} v JOIN {C} c ON c.id = v.comment_id "
         "WHERE v.voter_id = %s AND c.article_id = %s")

# --- numbering (discussion.live) --------------------------------------------------------------
SIBLINGS = (f"SELECT COALESCE(SUM(CASE WHEN status IN (%s, %s) THEN 1 ELSE 0 END), 0), "
            f"COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0), "
            f"(SELECT order_version FROM {A} WHERE id = %s) FROM {C} "
            "WHERE article_id = %s AND id > %s AND id <= %s AND ")

# --- reading a thread (discussion.threads) ----------------------------------------------------
# The article's thread version, read where its rows are about to be (discussion.page._drawn).
THREAD_VERSION = f"SELECT thread_version FROM {A} WHERE id = %s"
# Times read as UTC text, "2021-05-14 10:49:07.123456": converting a thousand of them into
# datetimes cost more than the query, and a render writes them from the text (display.Clock).
TIMES_AS_TEXT = {
    "sqlite": "{col} || ''",
    # PostgreSQL only: a timestamp as text in its DateStyle; in the ISO style (the default) that
    # is the form wanted, and twice as fast as to_char, which serves any other style.
    "postgresql": "({col} AT TIME ZONE 'UTC')::text",
    "postgresql-any-datestyle": "to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
}
# A thread's rows carry no author's columns (a few hundred authors for a thousand comments are
# read once each, AUTHORS) and no article (the caller's); a comment's three moderation texts,
# empty on nearly every one, come as one value, NULL when all are empty, else a JSON array of
# the three: every value a row carries is one more to send and to make a Python object of
# (eighteen columns were 2.4 ms of a 1,000-comment thread in SQLite, these eleven and the
# authors' 1.8).
THREAD_ROWS = ("SELECT c.id, c.parent_id, c.depth, c.body_html, c.status, {created}, {edited}, c.plus, c.minus, "
               "c.author_id, CASE WHEN c.moderation_reason = '' AND c.moderator_note = '' AND c.removal_category = '' "
               "THEN NULL ELSE {moderation} END "
               f'FROM "{C}" c ')
MODERATION_AS_JSON = {
    "sqlite": "json_array(c.moderation_reason, c.moderator_note, c.removal_category)",
    "postgresql": "json_build_array(c.moderation_reason, c.moderator_note, c.removal_category)::text",
}
# The authors by their ids ({ids}: core.statements.in_ids).
AUTHORS = f'SELECT id, login, real_name, is_deleted, rating FROM "{M}" WHERE {{ids}}'
# The authors of an article's comments, by the article: asked together with its rows, before
# their ids are known (discussion.threads.reads).
AUTHORS_OF_ARTICLE = AUTHORS.format(ids=f'id IN (SELECT author_id FROM "{C}" WHERE article_id = %s)')
ROOTS_COUNTED = f"SELECT id, status, author_id, plus, minus FROM {C} WHERE article_id = %s AND parent_id IS NULL ORDER BY id"
ROOTS = f"SELECT id, status FROM {C} WHERE article_id = %s AND parent_id IS NULL ORDER BY id"
OWN_HELD_ROOTS = f"SELECT id FROM {C} WHERE article_id = %s AND parent_id IS NULL AND status = %s AND author_id = %s"
