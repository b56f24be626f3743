"""Votes: plus, minus, taken back; quarantined and released by brigade screening."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import ratings
from core import statements
from core.errors import ActionError
from discussion import live as discussion_live
from discussion import patching, sql
from discussion.actions.common import Status, article_lock
from discussion.models import Comment, Vote
from newsroom import versions
from newsroom.versions import Change
from ops import metrics

VOTE_RESULTS = {1: "up", -1: "down"}  # the metrics' label of what a vote became; 0: "withdrawn"

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import Member

#   old \ new |  +1               |  −1               |  0 (retract)
#   ----------+-------------------+-------------------+-----------------
#   none      |  plus+1           |  minus+1          |  nothing
#   +1        |  nothing          |  plus−1, minus+1  |  plus−1
#   −1        |  plus+1, minus−1  |  nothing          |  minus−1
# The author's rating moves by the change of (plus − minus). Quarantined votes
# (counted=False) change nothing until a moderator releases them.
def vote_delta(old: int, new: int) -> tuple[int, int]:
    """(Δplus, Δminus) for a vote going from `old` to `new` (each +1, −1 or 0)."""
    return (int(new == 1) - int(old == 1), int(new == -1) - int(old == -1))


def check_vote(member: Member | AnonymousUser, comment: Comment, value: int) -> None:
    if not member.is_authenticated:
        raise ActionError(_("Sign in to vote."), status=401, code="signin")
    if value not in (1, -1, 0):
        raise ActionError(_("A vote is +1, −1 or 0 to take it back."), code="bad_value", field="value")
    if comment.author_id == member.pk:
        raise ActionError(_("You cannot vote on your own comment."), status=403, code="own_comment")
    if comment.status != Status.VISIBLE:
        raise ActionError(_("This comment was deleted or removed; it takes no votes."), status=409,
                          code="comment_gone")
    from moderation import policy

    policy.check_may_vote(member)
    if value == -1:
        policy.check_may_vote_minus(member)


# Who hears that a vote moved a member's rating: (member id, rating before, rating after), called
# inside the vote's transaction — by the writes of a vote and of a moderator counting or
# quarantining one (do_count_vote). Registered by the app that keeps what depends on it
# (curation's ranks, at start), so the discussion imports no app that builds on it. A hook runs
# on every vote: it must not query; work it needs done waits for the commit (a task).
RATING_MOVED: list[Callable[[int, int, int], None]] = []


def _rating_moved(member_id: int, after: int | None, delta: int) -> None:
    ratings.forget_on_commit(member_id)  # this process shows the new rating at the next page
    if after is not None:
        for hook in RATING_MOVED:
            hook(member_id, after - delta, after)


# What screens a new minus inside its vote's transaction, registered by the app that keeps it
# (moderation's brigade detection, at start): True when the vote, with others, stopped counting.
MINUS_SCREENS: list[Callable[[Vote], bool]] = []


def do_vote(member: Member, comment: Comment, value: int, *, created: datetime | None = None,
            screen: bool = True, toggle: bool = False) -> tuple[int, int, int]:
    """Set `member`'s vote on `comment` to `value` (0 retracts). Returns (plus, minus, value).
    With `toggle`, the member's current value given again takes the vote back (as the page's
    buttons do).

    Holds the vote row (or the unique constraint) against concurrent changes; counters
    move by F() updates, so they stay exact under any interleaving. Importers restore a
    vote's original time with `created` and skip brigade screening (screen=False): votes
    cast long ago and replayed in a burst are not a brigade."""
    counted_now = None
    outermost = not connection.in_atomic_block
    for attempt in range(3):
        try:
            with transaction.atomic():
                row = statements.after(_vote_steps(comment.article_id, outermost), sql.VOTE_READ + statements.for_update(),
                                       [comment.pk, member.pk])
                vote_id, old, counted = row if row else (None, 0, True)
                if toggle and value in (1, -1) and value == old:
                    value = 0
                if old == value:
                    break
                moment = created or timezone.now()
                when = statements.time(moment)
                if vote_id is None:
                    change, params = sql.VOTE_INSERT, [comment.pk, member.pk, value, True, when]
                elif value == 0:
                    change, params = sql.VOTE_DELETE, [vote_id]
                else:
                    change, params = sql.VOTE_UPDATE, [value, when, vote_id]
                if counted and versions.one_statement():
                    vote_id, counted_now = _write_vote_counted(comment, change, params, old, value, vote_id)
                else:
                    row = statements.one(change, params)
                    vote_id = row[0] if row else vote_id
                    if counted:
                        counted_now = _apply_vote(comment, old, value)
                if value == -1 and screen:
                    vote = Vote(pk=vote_id, comment=comment, voter=member, value=-1, counted=counted, created=moment)
                    caught = [screen_fn(vote) for screen_fn in MINUS_SCREENS]  # every screen runs
                    if True in caught:
                        counted_now = None  # votes were quarantined: read the counts they left
                break
        except IntegrityError:
            if attempt == 2:
                raise  # not a race lost: something else is wrong, and it must be seen
            continue  # another request created the vote first: read it and apply again
    if counted_now is None:  # nothing moved: the counts as they are
        counted_now = statements.one(sql.COUNTS, [comment.pk])
    comment.plus, comment.minus = counted_now
    return *counted_now, value


def _vote_steps(article_id: int, outermost: bool) -> list[tuple[str, list[Any]]]:
    """What a vote's transaction runs before reading the vote: sent with the read in one round
    trip. Only a transaction of the vote's own commits asynchronously, not one it joined."""
    lock = article_lock(article_id)
    return [sql.VOTE_COMMIT, *lock] if outermost and connection.vendor == "postgresql" else lock


def _write_vote_counted(comment: Comment, change: str, params: list[Any], old: int, new: int,
                        vote_id: int | None) -> tuple[int | None, tuple[int, int] | None]:
    """The vote row's change and, when the vote moves them, the counters, in one statement.
    Returns (the vote's id, the comment's counts) as _apply_vote does."""
    dp, dm = vote_delta(old, new)
    if dp == 0 and dm == 0:
        row = statements.one(change, params)
        return (row[0] if row else vote_id), None
    together = versions.Together(
        sql.VOTE_COUNTED.replace("{change}", change), [*params, dp, dm, comment.pk, dp - dm, comment.author_id],
        [], returns=True)
    # returns=True: the statement's row comes back
    row = cast("tuple[Any, ...]", versions.changed(comment.article_id, Change.VOTES, together=together))
    _rating_moved(comment.author_id, row[3], dp - dm)
    return (row[0] if row[0] is not None else vote_id), _counts_moved(comment, row[1], row[2], row[4])


def _counts_moved(comment: Comment, plus: int, minus: int, version: int | None) -> tuple[int, int]:
    """The comment's counts moved to (plus, minus), raising the thread to `version` (None
    inside a batch of changes, where versions move once at its end): told to live readers,
    and recorded for the thread's next render (discussion.patching), both after commit."""
    discussion_live.vote_changed(comment, plus, minus)
    if version is not None and not discussion_live.muted():  # (an import's: drawn afresh after it)
        patching.voted(comment.article_id, version, comment.pk, plus, minus)
    return plus, minus


def _apply_vote(comment: Comment, old: int, new: int) -> tuple[int, int] | None:
    """Move the counters; returns the comment's (plus, minus) as this transaction leaves them
    (read under the article's lock, so they are what the commit publishes)."""
    dp, dm = vote_delta(old, new)
    if dp == 0 and dm == 0:
        return None
    plus, minus = statements.one(sql.MOVE_COUNTS, [dp, dm, comment.pk])
    rating = statements.one(sql.MOVE_RATING, [dp - dm, comment.author_id])
    _rating_moved(comment.author_id, rating[0] if rating else None, dp - dm)
    bumped = versions.changed(comment.article_id, Change.VOTES, returning=True)
    return _counts_moved(comment, plus, minus, bumped[0] if bumped else None)


def do_count_vote(vote: Vote, counted: bool) -> tuple[int, int] | None:
    """Quarantine (False) or release (True) a vote: its effect on the counts goes or comes
    back; the vote itself stays. Caller holds a transaction. Returns the comment's counts
    when they moved."""
    if vote.counted == counted:
        return None
    Vote.objects.filter(pk=vote.pk).update(counted=counted)
    vote.counted = counted
    comment = vote.comment
    if counted:
        return _apply_vote(comment, 0, vote.value)
    return _apply_vote(comment, vote.value, 0)


def vote(member: Member | AnonymousUser, comment: Comment, value: int, *,
         toggle: bool = False) -> tuple[int, int, int]:
    from moderation import limits

    check_vote(member, comment, value)
    limits.hit_vote(member)
    counts = do_vote(member, comment, value, toggle=toggle)
    metrics.VOTES.labels(VOTE_RESULTS.get(counts[2], "withdrawn")).inc()
    return counts
