"""Members' ranks by standing: worked out from their rating, how long ago they joined and
their comments that stayed up (Member.comment_count counts their public comments), and
stored (curation.models.Standing), never computed by a page.

Updated by what changes them: after a comment of theirs is posted or changes status, when
their rank would move (the discussion's comment_written signal asks `moves`, then a task
after commit); after a vote (or a moderator counting or quarantining one) moved their rating
across a rank's min_rating (the discussion's RATING_MOVED hook: `curation.tasks.rating_moved`,
a task after commit); and by `veche update_ranks` (daily: time alone promotes). A new rank is
a change of the member's byline: every discussion showing their comments gets a new thread
version (discussion.actions.author_changed)."""

from __future__ import annotations

from datetime import UTC

from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from accounts.models import Member
from core import statements
from core.memo import Memo
from curation.models import Rank, Standing

# The default ranks' names (migration 0003), for the catalogues: a page shows a rank's name in
# its reader's language where the catalogue has it (discussion.render.rank_shown, the profile's
# `rank_of`), so the defaults read in Russian on a Russian page. A name the operator writes is
# shown as written.
DEFAULT_NAMES = (pgettext_lazy("rank", "Recruit"), pgettext_lazy("rank", "Private"),
                 pgettext_lazy("rank", "Corporal"), pgettext_lazy("rank", "Sergeant"),
                 pgettext_lazy("rank", "Lieutenant"), pgettext_lazy("rank", "Captain"),
                 pgettext_lazy("rank", "Colonel"))

# The ranks (a handful): every vote asks their rating thresholds and every post whether its
# author's rank moves, so they are kept — dropped in the process that saves or deletes a rank,
# now and after commit (curation.signals), read again by the others after THRESHOLDS_SECONDS:
# one small read a minute at most.
THRESHOLDS_SECONDS = 60.0
_ranks: Memo[tuple[Rank, ...]] = Memo("rank-thresholds", items=1, ttl=THRESHOLDS_SECONDS)


def kept_ranks() -> tuple[Rank, ...]:
    """The ranks in their order, lowest first (as `rank_for` takes them)."""
    return _ranks.get_or_make("all", lambda: tuple(Rank.objects.all()))


def thresholds() -> tuple[int, ...]:
    return tuple(sorted({r.min_rating for r in kept_ranks()}))


def forget_thresholds() -> None:
    _ranks.clear()


def crosses(before: int, after: int) -> bool:
    """Whether a rating going from `before` to `after` meets or leaves a rank's min_rating."""
    low, high = (before, after) if before < after else (after, before)
    return any(low < t <= high for t in thresholds())


def rank_for(rating: int, days: float, comments: int, ranks: list[Rank]) -> Rank | None:
    """The highest rank whose three thresholds are all met (ranks in their order, lowest first)."""
    found = None
    for r in ranks:
        if rating >= r.min_rating and days >= r.min_days and comments >= r.min_comments:
            found = r
    return found


def do_update_standing(member_id: int, ranks: list[Rank] | None = None) -> bool:
    """Work out the member's rank and store it; True when it changed (then their comments'
    threads get new versions). Idempotent: run twice, it changes nothing the second time."""
    from discussion.actions import author_changed

    ranks = list(Rank.objects.all()) if ranks is None else ranks
    with transaction.atomic():
        # The member's row first, locked (and so read from the primary, never a lagging
        # replica): two updates of one member — votes taking the rating 9 → 10, then 10 → 9, on
        # two workers — take turns, and the later one reads the rating the other left.
        member = (Member.objects.select_for_update().filter(pk=member_id)
                  .only("rating", "comment_count", "date_joined", "is_deleted").first())
        if member is None:
            return False
        days = (timezone.now() - member.date_joined).total_seconds() / 86400
        rank = None if member.is_deleted else rank_for(member.rating, days, member.comment_count, ranks)
        standing = Standing.objects.select_for_update().filter(member_id=member_id).first()
        if standing is not None and standing.rank_id == (rank.pk if rank else None):
            return False
        if standing is None and rank is None:
            return False
        Standing.objects.update_or_create(member_id=member_id,
                                          defaults={"rank": rank, "updated": timezone.now()})
    # Their threads get new versions once the member's row is let go: a post locks its
    # article, then its author's row; holding the row while locking their articles took the
    # two locks the other way round and deadlocked with a post of theirs on PostgreSQL.
    author_changed(member_id)
    return True


def moves(member_id: int) -> bool:
    """Whether the member's stored rank is not the one their standing earns now: one read
    (their row and their stored rank), run inside a post's transaction so that a post that
    changes no rank — nearly all of them — enqueues no task (each would be three more writes
    in the one SQLite writer: queued, claimed, done)."""
    from curation import sql

    row = statements.one(sql.STANDING, [member_id])
    if row is None:
        return False
    rating, comments, joined, deleted, stored = row
    if joined.tzinfo is None:  # SQLite's driver gives the stored UTC time without its zone
        joined = joined.replace(tzinfo=UTC)
    days = (timezone.now() - joined).total_seconds() / 86400
    rank = None if deleted else rank_for(rating, days, comments, list(kept_ranks()))
    return (rank.pk if rank else None) != stored


def update_all() -> int:
    """Every member with comments: how many changed rank."""
    ranks = list(Rank.objects.all())
    ids = Member.objects.filter(comment_count__gt=0).values_list("pk", flat=True).iterator()
    return sum(do_update_standing(pk, ranks) for pk in ids)


def rank_name(member_id: int) -> str:
    return Standing.objects.filter(member_id=member_id, rank__isnull=False).values_list(
        "rank__name", flat=True).first() or ""
