"""Members' ratings as comments show them beside the login.

A rating moves with every vote on any of the member's comments, on any article, so it is never
part of a kept thread: it goes into the presence slot each request fills (discussion.render.Split).
`of(ids)` answers from a short-lived memo of this process and reads the misses in one query (a
thread read from the database leaves its authors' ratings there first: `note`); the
process that moved a rating drops its entry after commit (`forget_on_commit`), so with one
process a reload shows the new rating at once, and other processes within RATING_SECONDS.

A deleted account has no rating shown: it has no entry in the answer.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import transaction

from core.memo import Memo

# As stale as presence may be (core.pagecache.TTL keeps anonymous pages as long): a rating
# on a page is a moment's picture, and a vote in another process shows here this late.
RATING_SECONDS = 5.0

# member id → their rating, or None for an account with none to show (deleted, unknown)
_ratings: Memo[int | None] = Memo("ratings", items=200_000, ttl=RATING_SECONDS)


def of(member_ids: Iterable[int]) -> dict[int, int]:
    """member id → rating for those of `member_ids` that show one; one query for the ids this
    process does not hold. Runs on every page build: a dict read per member when they are held."""
    found: dict[int, int] = {}
    missing = []
    data, now = _ratings.data, time.monotonic()
    for pk in member_ids:
        entry = data.get(pk)  # read directly, as discussion.render does: one clock for all
        if entry is None or entry[1] <= now:
            missing.append(pk)
        elif entry[0] is not None:
            found[pk] = entry[0]
    if missing:
        rows = _read(missing)
        for pk in missing:
            rating = rows.get(pk)
            _ratings.put(pk, rating)
            if rating is not None:
                found[pk] = rating
    return found


def _read(ids: list[int]) -> dict[int, int]:
    """The ratings of these members whose account is not deleted: a statement written out (a
    post's live markup asks its author's, a member the memo seldom holds; the ORM's query was
    most of that)."""
    from accounts.models import Member
    from core import statements

    using = statements.reading(Member)
    condition = statements.in_ids("id", using)
    if condition is None:
        return dict(Member.objects.using(using).filter(pk__in=ids, is_deleted=False).values_list("pk", "rating"))
    table = Member._meta.db_table
    return dict(statements.rows(f'SELECT id, rating FROM "{table}" WHERE {condition} AND NOT is_deleted',  # noqa: S608
                                [statements.ids_param(ids, using)], using))


def note(read: Iterable[tuple[int, int | None]]) -> None:
    """(member id, rating or None for a deleted account) read a moment ago with something else
    — a thread's rows (discussion.page) —, kept as `of` keeps what it reads: a page rendered
    from nothing then fills its slots without a query of their own."""
    _ratings.put_all(read)


def forget(member_id: int) -> None:
    _ratings.pop(member_id)


def forget_on_commit(member_id: int) -> None:
    """The member's rating moved in the current transaction: this process reads it again once
    the move is committed (before that, a read would keep the old one)."""
    transaction.on_commit(lambda: _ratings.pop(member_id))


def shown(rating: int) -> str:
    """+12, −3 (a minus sign, not a hyphen), 0."""
    return f"+{rating}" if rating > 0 else (f"\u2212{-rating}" if rating < 0 else "0")
