"""Which comments are new to a member on the page they open: those above where their
current visit began.

A **visit** is a run of page views with no gap longer than VISIT_GAP. When a visit begins,
what the member had been shown so far (`seen_id`) becomes the visit's baseline; every
comment above the baseline is marked new on every page of that visit — a reload or the
next page keeps the marks. What they are shown moves `seen_id` up, so the next visit starts
from there. One indexed read per member page filled from the database; a write only when a
visit begins, or at most once per WRITE_EVERY while newer comments are being shown — never
on every view. The member's own comments are never new to them.

The article page shows the marks through its `new` member slot (newsroom.memberpage): the
ids go into that member's style block and a small list for the script; the shared page
holds nothing of it. A member's first visit marks nothing (everything would be new).

Hook for the front page (follows, with notifications): `new_counts(member_id, article_ids)`
gives, per article the member has visited, how many public comments are above their
`seen_id` — the count to show beside the articles they follow."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from visits import actions
from visits.models import Visit

VISIT_GAP = timedelta(minutes=30)  # a pause longer than this starts a new visit
WRITE_EVERY = timedelta(minutes=1)  # within a visit, how far they read is written at most this often
MAX_MARKED = 500  # comments marked on one page at most (the style block stays small)


def baseline(member_id: int, article_id: int, newest: int, now: datetime | None = None) -> int | None:
    """Where the member's current visit began (comments above it are new to them), or None on
    their first visit; records the visit when due. `newest`: the newest comment id on the
    page being shown."""
    now = now or timezone.now()
    row = (Visit.objects.filter(member_id=member_id, article_id=article_id)
           .values_list("seen_id", "baseline_id", "at").first())
    if row is None:
        actions.do_record_visit(member_id, article_id, seen_id=newest, baseline_id=newest, new=True)
        return None
    seen, start, at = row
    if now - at > VISIT_GAP:  # a new visit: what they had seen is where it starts
        start = seen
        actions.do_record_visit(member_id, article_id, seen_id=max(seen, newest), baseline_id=start, new=False)
    elif newest > seen and now - at >= WRITE_EVERY:
        actions.do_record_visit(member_id, article_id, seen_id=newest, baseline_id=start, new=False)
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
