"""What every change to a discussion shares: the article's lock, and the counters and
versions that follow a comment becoming public or not."""

from contextlib import AbstractContextManager
from typing import Any, Protocol, cast

from django.db import connection

from core import statements
from discussion import sql
from discussion.models import Comment
from newsroom import versions
from newsroom.versions import Change


class Statuses(Protocol):
    """Comment.Status as the type checker is to read it. Each member is a str (a TextChoices
    member is its value), but without Django's types mypy reads each as the (value, label)
    pair it is written as. A test keeps these names and Comment.Status's in step."""

    VISIBLE: str
    HELD: str
    DELETED: str
    REMOVED: str


Status = cast(Statuses, Comment.Status)


def lock_article(article_id: int) -> None:
    """Every write to a discussion takes its article's row lock first. One order for all
    locks (article, then comments, votes and members) means concurrent posts, votes and
    moderation on PostgreSQL queue instead of deadlocking. SQLite serialises writers anyway."""
    for statement, params in article_lock(article_id):
        statements.run(statement, params)


def article_lock(article_id: int) -> list[tuple[str, list[Any]]]:
    """The statement taking the article's row lock; none on SQLite, which has no row locks (its
    writers queue on BEGIN IMMEDIATE)."""
    if connection.features.has_select_for_update:
        return [(sql.LOCK_ARTICLE, [article_id])]
    return []


def count_public(comment: Comment, delta: int, what: Change) -> None:
    """Counters that follow a comment becoming public (+1) or not (−1), with the versions of
    `what` changed."""
    if versions.one_statement():  # the article's and the author's counters in one round trip
        versions.changed(comment.article_id, what, comment_delta=delta, together=versions.Together(
            f"WITH a AS ({{article}}) {sql.COUNT_MEMBER}", [], [delta, comment.author_id]))
        return
    versions.changed(comment.article_id, what, comment_delta=delta)
    statements.run(sql.COUNT_MEMBER, [delta, comment.author_id])


def author_changed(member_id: int) -> None:
    """A member's name or account changed (real name, deletion): every discussion showing
    their comments gets a new thread version, and its cached pages go after commit, so no
    cached page keeps the old byline, or presence and a profile link for a deleted account."""
    article_ids = list(Comment.objects.filter(author_id=member_id).values_list("article_id", flat=True).distinct())
    versions.changed_many(article_ids, Change.BYLINE)


def one_thread_change() -> AbstractContextManager[None]:
    """Many discussion changes in one transaction counted as one (see versions.one_change)."""
    return versions.one_change()
