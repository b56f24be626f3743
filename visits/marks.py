"""Which comments are new to a member on the page they open: those above where their
current visit began.

A **visit** is a run of page views with no gap longer than VISIT_GAP. When a visit begins,
what the member had been shown so far (`seen_id`) becomes the visit's baseline; every
comment above the baseline is marked new on every page of that visit — a reload or the
next page keeps the marks. What they are shown moves `seen_id` up, so the next visit starts
from there. One indexed read per member page filled from the database (none while the
process holds the member's reading); a reading is recorded when a visit begins, or at most
once per WRITE_EVERY while newer comments are being shown, and written with the page views
(newsroom.viewcount), never by the page view itself. The member's own comments are never new to them.

The article page shows the marks through its `new` member slot (newsroom.memberpage): the
ids go into that member's style block and a small list for the script; the shared page
holds nothing of it. A member's first visit marks nothing (everything would be new).

The listings (front, section, tag and author pages) show, beside each article a member
follows, how many public comments are new to them and a link to the first:
`new_counts(member_id, article_ids, among)`, one query for the whole page
(newsroom.memberlisting)."""

import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.utils import timezone

from visits import actions
from visits.models import Visit

VISIT_GAP = timedelta(minutes=30)  # a pause longer than this starts a new visit
WRITE_EVERY = timedelta(minutes=1)  # within a visit, how far they read is recorded at most this often
MAX_MARKED = 500  # comments marked on one page at most (the style block stays small)
# New comments counted per article on a listing at most ("99+"): a long-unread live discussion
# would otherwise cost a read of each of its thousands of new comments on every front page.
MAX_COUNTED = 99


Reading = tuple[int, int, datetime]  # seen_id, baseline_id, at


class Pending:
    """Readings not written yet, (member, article) → (reading, whether the row is new): put
    by page views, written with the page views (newsroom.viewcount's flush, every few
    seconds and at shutdown), so a page view itself writes nothing. A page view reads the
    pending reading first, so the process agrees with itself before the write."""

    def __init__(self) -> None:
        self.readings: dict[tuple[int, int], tuple[Reading, bool]] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple[int, int]) -> tuple[Reading, bool] | None:
        with self.lock:
            return self.readings.get(key)

    def put(self, key: tuple[int, int], reading: Reading, new: bool) -> None:
        with self.lock:
            was = self.readings.get(key)
            self.readings[key] = (reading, new or (was is not None and was[1]))

    def take(self) -> dict[tuple[int, int], tuple[Reading, bool]]:
        with self.lock:
            taken, self.readings = self.readings, {}
        return taken

    def flush(self) -> int:
        taken = self.take()
        if not taken:
            return 0
        try:
            actions.do_record_visits([(m, a, r, new) for (m, a), (r, new) in sorted(taken.items())])
        except Exception:
            with self.lock:  # kept for the next flush, unless a newer reading came meanwhile
                for key, value in taken.items():
                    self.readings.setdefault(key, value)
            raise
        return len(taken)

    def forget(self) -> None:
        self.take()


pending = Pending()


def baseline(member_id: int, article_id: int, newest: int, now: datetime | None = None) -> int | None:
    """Where the member's current visit began (comments above it are new to them), or None on
    their first visit; records the visit when due. `newest`: the newest comment id on the
    page being shown. At most one indexed read; no write (see Pending)."""
    now = now or timezone.now()
    key = (member_id, article_id)
    kept = pending.get(key)
    row: Reading | None = kept[0] if kept is not None else (
        Visit.objects.filter(member_id=member_id, article_id=article_id)
        .values_list("seen_id", "baseline_id", "at").first())
    if row is None:
        pending.put(key, (newest, newest, now), new=True)
        return None
    seen, start, at = row
    if now - at > VISIT_GAP:  # a new visit: what they had seen is where it starts
        start = seen
        pending.put(key, (max(seen, newest), start, now), new=False)
    elif newest > seen and now - at >= WRITE_EVERY:
        pending.put(key, (newest, start, now), new=False)
    return int(start)


def pick(page_ids: Iterable[int], start: int | None, own: Iterable[int] = ()) -> list[int]:
    """The ids among `page_ids` (the comments on the page, in page order) above `start`,
    leaving out the member's own."""
    if start is None:
        return []
    mine = set(own)
    return [i for i in page_ids if i > start and i not in mine][:MAX_MARKED]


class New(NamedTuple):
    """What is new to a member in one discussion: how many comments (MAX_COUNTED + 1 meaning
    "more than MAX_COUNTED"), and the first of them."""

    number: int
    first: int

    @property
    def shown(self) -> str:
        return f"{MAX_COUNTED}+" if self.number > MAX_COUNTED else str(self.number)


class _Counted(Subquery):
    """How many rows a (sliced) subquery gives: a bounded count."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def new_counts(member_id: int, article_ids: Iterable[int], among: QuerySet | None = None,
               silenced: Any = None) -> dict[int, New]:
    """Per article among `article_ids` the member has visited (and, given `among`, a query of
    rows with an `article_id`, that is in it: the articles they follow), the public comments by others above
    how far they had read, when there are any — up to MAX_COUNTED + 1. One query: per visit,
    a walk up the comments' (article, id) index from where they stopped, so its cost is the
    number of new comments (bounded), not the discussion's length; the rows it reads are the
    newest, together in the table's last pages. A reading this process holds and has not
    written yet (Pending) counts as written. `silenced`: the members whose comments the member
    ignores (ids, or a query of them nested in this one), never counted."""
    from discussion.models import Comment

    ids = list(article_ids)
    if not ids:
        return {}
    upto: Any = F("seen_id")
    later = {a: kept[0][0] for a in ids if (kept := pending.get((member_id, a))) is not None}
    if later:
        upto = Greatest(F("seen_id"), Case(*[When(article_id=a, then=Value(seen)) for a, seen in later.items()],
                                           default=F("seen_id"), output_field=BigIntegerField()))
    new = (Comment.objects.filter(article_id=OuterRef("article_id"), id__gt=OuterRef("upto"),
                                  status=Comment.Status.VISIBLE)
           .exclude(author_id=member_id).order_by("id").values("id"))
    if silenced is not None:
        new = new.exclude(author_id__in=silenced)
    visits = Visit.objects.filter(member_id=member_id, article_id__in=ids)
    if among is not None:  # asked per visit row: a point lookup, never a scan of `among`
        visits = visits.filter(Exists(among.filter(article_id=OuterRef("article_id"))))
    rows = (visits.annotate(upto=upto)
            .annotate(n=_Counted(new[:MAX_COUNTED + 1]), first=Subquery(new[:1]))
            .values_list("article_id", "n", "first"))
    return {a: New(n, first) for a, n, first in rows if n}
