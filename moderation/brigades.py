"""Vote-brigade detection: minuses far beyond normal stop counting until a moderator decides.

Runs inside the vote's transaction after every minus. Three patterns, each a named rule with
its threshold:

* one member giving more than AUTHOR_MINUSES minuses to one author's comments within WINDOW;
* one member giving more than THREAD_MINUSES minuses in one article's thread within WINDOW,
  when minuses are nearly all they give there (THREAD_MINUS_SHARE): a reader who argues
  through a long thread votes both ways, a brigade only down;
* YOUNG_VOTERS or more accounts younger than YOUNG_AGE giving minuses to the same comments
  of one author within STEP_WINDOW — accounts acting in step.

Caught votes are kept with counted=False (the comment's counts leave them out) and gathered
in a BrigadeCase with its evidence, shown in the moderation queue. A member already in an
open case against an author has further minuses on that author quarantined at once.
"""

from datetime import timedelta

from django.utils import timezone

from core import statements
from discussion.models import Vote
from moderation import sql

WINDOW = timedelta(minutes=10)
AUTHOR_MINUSES = 10  # the 11th minus to one author within WINDOW is a brigade
THREAD_MINUSES = 15  # the 16th minus in one thread within WINDOW…
THREAD_MINUS_SHARE = 0.9  # …when at least this share of the member's votes there are minuses
STEP_WINDOW = timedelta(minutes=15)
YOUNG_AGE = timedelta(hours=72)
YOUNG_VOTERS = 4


def after_minus(vote: Vote) -> bool:
    """Screen a new minus; True when it (with others) was quarantined as a brigade."""
    from moderation.models import BrigadeCase


    now = timezone.now()
    comment = vote.comment
    target = comment.author_id
    recent = Vote.objects.filter(voter_id=vote.voter_id, value=-1, counted=True, created__gte=now - WINDOW)
    case_id, minuses = statements.one(sql.SCREEN, [BrigadeCase.State.OPEN, target, vote.voter_id,
                                          vote.voter_id, True, statements.time(now - WINDOW)])
    if case_id is not None:
        _quarantine(BrigadeCase.objects.get(pk=case_id), [vote])
        return True
    if minuses <= AUTHOR_MINUSES:  # too few minuses for either rule: the usual case, one statement
        return now - vote.voter.date_joined < YOUNG_AGE and _young_in_step(vote, target, now)
    on_author = list(recent.filter(comment__author_id=target).select_related("comment"))
    if len(on_author) > AUTHOR_MINUSES:
        _open("one-member-against-author",
              f"{vote.voter.login} gave {len(on_author)} minuses to {comment.author.login} within "
              f"{int(WINDOW.total_seconds() // 60)} minutes",
              target, on_author, {"voter": vote.voter.login, "minuses": len(on_author),
                                  "threshold": AUTHOR_MINUSES, "minutes": WINDOW.total_seconds() / 60})
        return True
    in_thread = list(recent.filter(comment__article_id=comment.article_id).select_related("comment"))
    if len(in_thread) > THREAD_MINUSES and len(in_thread) >= THREAD_MINUS_SHARE * Vote.objects.filter(
            voter_id=vote.voter_id, counted=True, created__gte=now - WINDOW,
            comment__article_id=comment.article_id).count():
        _open("one-member-in-thread",
              f"{vote.voter.login} gave {len(in_thread)} minuses in one discussion within "
              f"{int(WINDOW.total_seconds() // 60)} minutes",
              target, in_thread, {"voter": vote.voter.login, "minuses": len(in_thread),
                                  "article": comment.article_id, "threshold": THREAD_MINUSES})
        return True
    return now - vote.voter.date_joined < YOUNG_AGE and _young_in_step(vote, target, now)


class _VoteIds:
    __slots__ = ("id", "comment_id", "voter_id")

    def __init__(self, id, comment_id, voter_id):
        self.id, self.comment_id, self.voter_id = id, comment_id, voter_id


def _young_in_step(vote: Vote, target: int, now) -> bool:
    """Young accounts that minused the same comments of one author within STEP_WINDOW: at
    least two comments each minused by YOUNG_VOTERS of them, and the voters who minused two
    or more of those comments number YOUNG_VOTERS or more."""
    # Read as bare ids first: nearly always nothing is found, and only a case loads votes.
    rows = [_VoteIds(*r) for r in statements.rows(sql.YOUNG, [True, statements.time(now - STEP_WINDOW), target,
                                                    statements.time(now - YOUNG_AGE)])]
    by_comment: dict[int, set[int]] = {}
    for v in rows:
        by_comment.setdefault(v.comment_id, set()).add(v.voter_id)
    shared = {cid for cid, voters in by_comment.items() if len(voters) >= YOUNG_VOTERS}
    if len(shared) < 2:
        return False
    hits: dict[int, int] = {}
    for v in rows:
        if v.comment_id in shared:
            hits[v.voter_id] = hits.get(v.voter_id, 0) + 1
    voters = {voter for voter, n in hits.items() if n >= 2}
    if len(voters) < YOUNG_VOTERS:
        return False
    caught = list(Vote.objects.filter(pk__in=[v.id for v in rows if v.voter_id in voters])
                  .select_related("comment", "voter").order_by("id"))
    author = vote.comment.author.login
    _open("young-accounts-in-step",
          f"{len(voters)} accounts younger than {int(YOUNG_AGE.total_seconds() // 3600)} hours gave "
          f"{len(caught)} minuses to the same comments of {author} within "
          f"{int(STEP_WINDOW.total_seconds() // 60)} minutes",
          target, caught, {"voters": sorted({v.voter.login for v in caught}), "minuses": len(caught),
                           "shared_comments": sorted(shared), "threshold_voters": YOUNG_VOTERS})
    return True


def _open(kind: str, summary: str, target: int, votes: list[Vote], evidence: dict) -> None:
    from moderation.actions import log
    from moderation.models import BrigadeCase

    evidence["comments"] = sorted({v.comment_id for v in votes})
    case = BrigadeCase.objects.create(kind=kind, summary=summary[:300], target_id=target, evidence=evidence)
    _quarantine(case, votes)
    log(None, "quarantine-votes", member=case.target, note=f"case {case.pk}: {summary}")


def _quarantine(case, votes: list[Vote]) -> None:
    from discussion.actions import do_count_vote

    for v in votes:
        if v.counted:
            do_count_vote(v, False)
    case.votes.add(*votes)
