"""The versions of what an article's page shows, and the one place that moves them.

Three counters say whether something cached about an article is still what it shows:

- the **thread version** (`Article.thread_version`, in the database): any change to the
  discussion — a comment posted, edited, voted on, hidden, shown; an author's byline. Rendered
  threads and the comments JSON are kept under it (`thread:…`, `api:…`), so a new version
  leaves the old entries unreachable;
- the **order version** (`Article.order_version`): a change that may renumber the comments
  already shown. The process's kept top-level counts (`discussion.live`) hold only while it
  stands. The rule for when it rises is `RENUMBERS`, below, and nowhere else;
- the **page generation** (`fpgen:<article>`, in the shared cache, watched by every worker:
  `core.pagecache`): whole pages and member page skeletons are kept under it. It rises after
  the change commits, so a page cached meanwhile from the old state is left behind.

Every action that changes what a page shows calls `changed()` once, inside its transaction,
naming what changed. This module is the only writer of the three counters and the only place
that registers the raise after commit (docs/caching.md lists who reads them).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import F

from core import pagecache, statements
from newsroom import sql
from newsroom.models import Article


class Change(StrEnum):
    NEW_COMMENT = "a comment added at the end of its siblings"
    HELD_COMMENT = "a comment written that only its author sees"
    TEXT = "a comment's text"
    VOTES = "a comment's votes"
    STATUS = "a comment's status (shown, held, deleted, removed)"
    BYLINE = "a member's byline or account"
    ORDER = "the order of comments already shown (imports, a placeholder brought back)"
    ARTICLE = "the article itself (title, text, settings)"
    CURATION = "an editors' pick or a pinned note taken or given back (curation)"


# Changes that may renumber comments already shown: the order version rises with them. A new
# comment takes the next number and a vote, an edit, a byline or a pick leave numbers as they were.
RENUMBERS = frozenset({Change.STATUS, Change.ORDER})
# Changes the rendered thread shows: the thread version rises with them.
IN_THREAD = frozenset(Change) - {Change.ARTICLE}


_batch = threading.local()


class Together(NamedTuple):
    """A statement of the caller's that embeds the article's update where `template` says
    `{article}` (PostgreSQL's data-modifying WITH), so both go in one round trip."""

    template: str
    before: list[Any]  # the caller's parameters before the article's
    after: list[Any]  # and after them
    returns: bool = False  # the statement ends in a SELECT whose first row the caller wants


def statement(what: Change, comment_delta: int = 0) -> tuple[str, int]:
    """The UPDATE that records `what` on the article row, and how many parameters it takes
    (the comment count's delta, if any, then the article's id)."""
    more = (sql.BUMP_ORDER if what in RENUMBERS else "") + (sql.COUNT_COMMENTS if comment_delta else "")
    return sql.BUMP_THREAD.format(more=more), 2 if comment_delta else 1


def changed(article_id: int, what: Change, *, comment_delta: int = 0,
            together: Together | None = None, returning: bool = False) -> tuple[Any, ...] | None:
    """Record that `what` changed on the article's page. The caller holds a transaction (the
    article's lock, for discussion changes). `comment_delta` moves the article's public
    comment count in the same statement.

    `together`: the caller's statement to run with this one in one round trip (see Together);
    its first row is returned when it `returns`. Only where `one_statement()` says so.
    `returning` (without `together`): the article's new thread version is returned, as a row
    (`(version,)`), for a caller that records what this one version changed
    (discussion.patching). Inside `one_change()`, versions move once when it ends, and
    nothing is returned; counts still move now."""
    if what not in IN_THREAD:
        _after_commit(article_id)
        return None
    batch = getattr(_batch, "ids", None)
    if batch is not None:
        batch.add(article_id)
        if comment_delta:
            Article.objects.filter(pk=article_id).update(comment_count=F("comment_count") + comment_delta)
        return None
    sql, n = statement(what, comment_delta)
    params = [comment_delta, article_id] if n == 2 else [article_id]
    row: tuple[Any, ...] | None = None
    if together is not None:
        run = statements.one if together.returns else statements.run
        row = run(together.template.format(article=sql), [*together.before, *params, *together.after])
    elif returning:
        row = statements.one(sql + " RETURNING thread_version", params)
    else:
        statements.run(sql, params)
    _after_commit(article_id)
    return row


def changed_many(article_ids: list[int], what: Change) -> None:
    """`changed` for several articles at once (a member's byline on every discussion)."""
    if not article_ids:
        return
    fields = {"thread_version": F("thread_version") + 1}
    if what in RENUMBERS:
        fields["order_version"] = F("order_version") + 1
    Article.objects.filter(pk__in=article_ids).update(**fields)
    for article_id in article_ids:
        _after_commit(article_id)


def one_statement() -> bool:
    """Whether `changed(..., together=...)` may be used: PostgreSQL, outside a batch."""
    return connection.vendor == "postgresql" and getattr(_batch, "ids", None) is None


@contextmanager
def one_change() -> Iterator[None]:
    """Every `changed` inside counts as one change per article, recorded when the block ends
    (as if it renumbered). For changes made by the hundred in one transaction (a quarantined
    brigade's votes): an updated row in a transaction leaves a version the next update walks
    past, so a version raised per vote makes n votes cost n²."""
    if getattr(_batch, "ids", None) is not None:
        yield
        return
    _batch.ids = set()
    try:
        yield
        ids = _batch.ids
    finally:
        _batch.ids = None
    for article_id in sorted(ids):
        changed(article_id, Change.ORDER)


def article_deleted(sender: Any, instance: Article, **kwargs: Any) -> None:
    """An article deleted (the admin, a shell): its kept pages leave with it, after commit —
    else a kept page went on being served until it expired, and past that while every
    reader's attempt to remake it ended in a 404 that stored nothing (core.pagecache.STALE)."""
    _after_commit(instance.pk)


def _after_commit(article_id: int) -> None:
    transaction.on_commit(lambda: pagecache.raise_generation(article_id))
