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

Hook for the front page (follows, with notifications): `new_counts(member_id, article_ids)`
gives, per article the member has visited, how many public comments are above their
`seen_id` — the count to show beside the articles they follow."""

import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from visits import actions
from visits.models import Visit

VISIT_GAP = timedelta(minutes=30)  # a pause longer than this starts a new visit
WRITE_EVERY = timedelta(minutes=1)  # within a visit, how far they read is recorded at most this often
MAX_MARKED = 500  # comments marked on one page at most (the style block stays small)


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


def new_counts(member_id: int, article_ids: Iterable[int]) -> dict[int, int]:
    """Per article the member has visited among `article_ids`: public comments above how far
    they had read (for the front page beside the articles they follow)."""
    from discussion.models import Comment

    visible = Q(article__comments__status=Comment.Status.VISIBLE,
                article__comments__id__gt=F("seen_id"))
    rows = (Visit.objects.filter(member_id=member_id, article_id__in=list(article_ids))
            .annotate(n=Count("article__comments", filter=visible)).values_list("article_id", "n"))
    return dict(rows)
