"""Every statement of the search index, for each database, in one place.

PostgreSQL: a table per kind with the text's `tsvector` in the configuration of its article's
language (`regconfig`), under a GIN index; a query is read by websearch_to_tsquery in each
configuration the site uses and matched only against rows of that configuration; snippets
come from ts_headline. SQLite: an FTS5 table per kind holding the text's Snowball stems
(search.words), rowid = the comment's or article's id; the query is stemmed the same way.

Table names are constants here and configurations come from search.languages' table; every
value a reader wrote is a parameter. Nothing a request wrote is ever part of a statement.
"""
# ruff: noqa: S608, S610

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connections, transaction
from django.db import connection as default_connection

TIME_LIMIT_MS = 3000  # PostgreSQL: a search running longer is stopped and the reader told so


class TooSlow(Exception):
    """A search stopped at TIME_LIMIT_MS."""


@contextmanager
def time_limit(alias: str) -> Iterator[None]:
    """Stop the statements run inside after TIME_LIMIT_MS (PostgreSQL), raising TooSlow: a
    plan gone wrong on some query costs a reader a sentence, not the server a minute.
    Re-entrant: inside a limit already set on `alias` (the search page sets one around all of
    its statements, saving a transaction's three round trips for each kind of result), it
    adds nothing."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or getattr(connection, "search_time_limit", False):
        yield
        return
    try:
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(TIME_LIMIT_MS)}")
            connection.search_time_limit = True
            try:
                yield
            finally:
                connection.search_time_limit = False
    except OperationalError as exc:
        if "statement timeout" in str(exc):
            raise TooSlow from exc
        raise

COMMENTS, ARTICLES = "search_comment", "search_article"

DDL = {
    "postgresql": [
        f"CREATE TABLE {COMMENTS} (comment_id bigint PRIMARY KEY, config regconfig NOT NULL, "
        "document tsvector NOT NULL)",
        f"CREATE INDEX {COMMENTS}_document ON {COMMENTS} USING gin (document)",
        f"CREATE TABLE {ARTICLES} (article_id bigint PRIMARY KEY, config regconfig NOT NULL, "
        "document tsvector NOT NULL)",
        f"CREATE INDEX {ARTICLES}_document ON {ARTICLES} USING gin (document)",
        # The planner chooses between the GIN index and walking the newest comments by how
        # often it thinks a word occurs: with the default statistics a rare word was thought
        # hundreds of times commoner than it is, and its search walked 200,000 comments.
        f"ALTER TABLE {COMMENTS} ALTER COLUMN document SET STATISTICS 1000",
        f"ALTER TABLE {ARTICLES} ALTER COLUMN document SET STATISTICS 1000",
    ],
    # remove_diacritics 0: "й" stays "й" (the stems are Snowball's, already normalised).
    "sqlite": [
        f"CREATE VIRTUAL TABLE {COMMENTS} USING fts5(body, config UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 0')",
        f"CREATE VIRTUAL TABLE {ARTICLES} USING fts5(title, lead, body, config UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 0')",
    ],
}
DROP = [f"DROP TABLE IF EXISTS {COMMENTS}", f"DROP TABLE IF EXISTS {ARTICLES}"]


def vendor(connection=None) -> str:
    return (connection or default_connection).vendor


# --- writing ---------------------------------------------------------------------------------

def write_comments(cursor, rows: list[tuple[int, str, str]]) -> None:
    """(comment id, configuration, plain text) each, replacing what the index held for them."""
    if not rows:
        return
    if cursor.db.vendor == "postgresql":
        cursor.execute(
            f"INSERT INTO {COMMENTS} (comment_id, config, document) "
            "SELECT u.id, u.config::regconfig, to_tsvector(u.config::regconfig, u.body) "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS u(id, config, body) "
            "ON CONFLICT (comment_id) DO UPDATE SET config = EXCLUDED.config, document = EXCLUDED.document",
            [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]])
    else:
        from search.words import stemmed

        remove_comments(cursor, [r[0] for r in rows])
        cursor.executemany(f"INSERT INTO {COMMENTS} (rowid, body, config) VALUES (%s, %s, %s)",
                           [(i, stemmed(text, config), config) for i, config, text in rows])


def remove_comments(cursor, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        key = "comment_id" if cursor.db.vendor == "postgresql" else "rowid"
        cursor.execute(f"DELETE FROM {COMMENTS} WHERE {key} IN ({marks})", chunk)


def write_article(cursor, article_id: int, config: str, title: str, lead: str, body: str) -> None:
    if cursor.db.vendor == "postgresql":
        cursor.execute(
            f"INSERT INTO {ARTICLES} (article_id, config, document) SELECT %s, c, "
            "setweight(to_tsvector(c, %s), 'A') || setweight(to_tsvector(c, %s), 'B') "
            "|| setweight(to_tsvector(c, %s), 'C') FROM (SELECT %s::regconfig AS c) AS k "
            "ON CONFLICT (article_id) DO UPDATE SET config = EXCLUDED.config, document = EXCLUDED.document",
            [article_id, title, lead, body, config])
    else:
        from search.words import stemmed

        cursor.execute(f"DELETE FROM {ARTICLES} WHERE rowid = %s", [article_id])
        cursor.execute(f"INSERT INTO {ARTICLES} (rowid, title, lead, body, config) VALUES (%s, %s, %s, %s, %s)",
                       [article_id, stemmed(title, config), stemmed(lead, config), stemmed(body, config), config])


def article_config(cursor, article_id: int) -> str | None:
    if cursor.db.vendor == "postgresql":
        cursor.execute(f"SELECT config::text FROM {ARTICLES} WHERE article_id = %s", [article_id])
    else:
        cursor.execute(f"SELECT config FROM {ARTICLES} WHERE rowid = %s", [article_id])
    row = cursor.fetchone()
    return row[0] if row else None


def clear(cursor) -> None:
    cursor.execute(f"DELETE FROM {COMMENTS}")
    cursor.execute(f"DELETE FROM {ARTICLES}")


# --- reading ---------------------------------------------------------------------------------

def _pg_match(table: str, configs: list[str], text: str) -> tuple[str, list]:
    """Rows of each configuration matched by the query read in that configuration: one GIN
    lookup per configuration, OR-ed."""
    cond = " OR ".join(f"({table}.config = %s::regconfig AND {table}.document @@ websearch_to_tsquery(%s::regconfig, %s))"
                       for _c in configs)
    return f"({cond})", [v for c in configs for v in (c, c, text)]


def match_comments(qs, query, configs: list[str]):
    """A Comment queryset narrowed to those the query finds, newest first (FTS5 gives its
    matches in descending rowid order and stops at the page's end; PostgreSQL's planner
    chooses between the GIN index and the newest comments by its statistics)."""
    if vendor() == "postgresql":
        cond, params = _pg_match(COMMENTS, configs, query.websearch())
        return qs.extra(tables=[COMMENTS], where=[f"{COMMENTS}.comment_id = discussion_comment.id", cond],
                        params=params).order_by("-id")
    from search.words import fts5

    return qs.extra(select={"hit": f"{COMMENTS}.rowid"}, tables=[COMMENTS],
                    where=[f"{COMMENTS}.rowid = discussion_comment.id", f"{COMMENTS} MATCH %s"],
                    params=[fts5(query, configs)], order_by=["-hit"])


def match_articles(qs, query, configs: list[str]):
    """An Article queryset narrowed to those the query finds, the best first (title words
    weigh most, then the lead's), then the newest."""
    if vendor() == "postgresql":
        cond, params = _pg_match(ARTICLES, configs, query.websearch())
        rank = " + ".join(f"(CASE WHEN {ARTICLES}.config = %s::regconfig THEN ts_rank({ARTICLES}.document, "
                          "websearch_to_tsquery(%s::regconfig, %s)) ELSE 0 END)" for _c in configs)
        return qs.extra(select={"score": f"-({rank})"}, select_params=params, tables=[ARTICLES],
                        where=[f"{ARTICLES}.article_id = newsroom_article.id", cond], params=params,
                        order_by=["score", "-published_at", "-id"])
    from search.words import fts5

    return qs.extra(select={"score": f"bm25({ARTICLES}, 10.0, 4.0, 1.0)"}, tables=[ARTICLES],
                    where=[f"{ARTICLES}.rowid = newsroom_article.id", f"{ARTICLES} MATCH %s"],
                    params=[fts5(query, configs)], order_by=["score", "-published_at", "-id"])


def headlines(texts: list[tuple[str, str]], query, marks: tuple[str, str, str]) -> list[str]:
    """PostgreSQL's ts_headline of each (configuration, text), in one statement; the query
    read in the text's configuration."""
    from django.db import connection

    if not texts:
        return []
    # One passage, as SQLite's snippets (search.words.snippet): fragments would drop a short
    # comment's last words and its punctuation.
    options = (f"StartSel={marks[0]}, StopSel={marks[1]}, FragmentDelimiter={marks[2]}, "
               "MaxWords=30, MinWords=15, ShortWord=2, HighlightAll=false")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_headline(u.config::regconfig, u.body, websearch_to_tsquery(u.config::regconfig, %s), %s) "
            "FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS u(config, body, n) ORDER BY u.n",
            [query.websearch(), options, [t[0] for t in texts], [t[1] for t in texts]])
        return [row[0] for row in cursor.fetchall()]


def indexed_comments(cursor, ids: list[int]) -> set[int]:
    """Which of these comments the index holds (tests, and the rebuild's account)."""
    if not ids:
        return set()
    marks = ", ".join(["%s"] * len(ids))
    key = "comment_id" if cursor.db.vendor == "postgresql" else "rowid"
    cursor.execute(f"SELECT {key} FROM {COMMENTS} WHERE {key} IN ({marks})", ids)
    return {row[0] for row in cursor.fetchall()}
