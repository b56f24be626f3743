"""The site page's comments per UTC day, counted incrementally: a view counts only the
comments written since the last count, through the primary key, and adds them to the kept
counts (insight.models.DayCount), instead of counting the last 30 days' comments — a million
of them on a big site — at every view.

`Counted.upto` is the last comment id in the kept counts. Ids are given in order, but on
PostgreSQL a transaction may commit a smaller id after a larger one has been counted; so
only *settled* comments are stored — those before the first comment younger than SETTLE —
and the younger ones are counted afresh at every view (ten seconds' comments). A comment whose
transaction stayed open longer than SETTLE is missed by the kept counts: the page says
"written", not "still there", so a comment deleted for good later stays counted too.

Two views at once: the one that moves `upto` (a conditional UPDATE) stores its counts; the
other shows what it counted without storing it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from insight import sql
from insight.models import Counted, DayCount

# A comment younger than this is counted at each view, never stored: a PostgreSQL transaction
# still open may hold a smaller id. Veche's writes commit within milliseconds; ten seconds also
# keeps the comments counted at each view few after a bulk import.
SETTLE = timedelta(seconds=10)
NAME = "comments-per-day"


def _rows(name: str, params: list) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql.statements(connection.vendor)[name], params)
        return cur.fetchall()


def _one(name: str, params: list):
    rows = _rows(name, params)
    return rows[0][0] if rows else None


def per_day(first_day: str, since: datetime, now: datetime) -> dict[str, int]:
    """Comments written on each UTC day from `first_day` ("2026-11-07"; `since` is its first
    moment), as of `now`: the kept counts plus those counted now."""
    upto = Counted.objects.filter(name=NAME).values_list("upto", flat=True).first()
    young = _one("first_young", [sql.at(connection.vendor, now - SETTLE)])
    settled = young - 1 if young is not None else (_one("last_id", []) or 0)
    settled = max(settled, upto or 0)
    if upto is None:
        rows = _rows("days_first", [settled, sql.at(connection.vendor, since)])
    else:
        rows = _rows("days_after", [settled, upto])
    stored, live = Counter(), Counter()
    for day, is_settled, n in rows:
        (stored if is_settled else live)[str(day)[:10]] += n
    if upto is None or settled > upto:
        _store(upto, settled, {d: n for d, n in stored.items() if d >= first_day}, first_day)
    else:
        live.update(stored)  # nothing to store (another view's counts came first)
    kept = dict(DayCount.objects.filter(day__gte=first_day).values_list("day", "comments"))
    return {d: kept.get(d, 0) + live.get(d, 0) for d in set(kept) | set(live)}


def _store(upto: int | None, settled: int, counts: dict[str, int], first_day: str) -> None:
    try:
        with transaction.atomic():
            if upto is None:
                Counted.objects.create(name=NAME, upto=settled)
            elif not Counted.objects.filter(name=NAME, upto=upto).update(upto=settled):
                return  # another view moved it first and stored these comments
            for day, n in counts.items():
                if not DayCount.objects.filter(day=day).update(comments=F("comments") + n):
                    DayCount.objects.create(day=day, comments=n)
            DayCount.objects.filter(day__lt=first_day).delete()  # out of the window for good
    except IntegrityError:
        return  # the first count, made by another view at the same moment
