"""Vote brigades are caught and quarantined; honest heated discussions raise no alarm."""

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from discussion import actions as discussion_actions
from discussion.models import Comment, Vote
from moderation import actions, brigades
from moderation.models import BrigadeCase


def comments_by(author, article, n):
    return [discussion_actions.do_post(author, article, discussion_actions.check_import(article, f"by {author.login} {i}", None))
            for i in range(n)]


@pytest.fixture
def old(make_member):
    def make(login):
        return make_member(login, date_joined=timezone.now() - timedelta(days=100))
    return make


def test_the_11th_minus_to_one_author_opens_a_case(old, article):
    target, voter = old("target"), old("steelworker")
    cs = comments_by(target, article, 12)
    for c in cs[:10]:
        discussion_actions.vote(voter, c, -1)
    assert not BrigadeCase.objects.exists()
    assert sum(Comment.objects.filter(author=target).values_list("minus", flat=True)) == 10
    discussion_actions.vote(voter, cs[10], -1)
    case = BrigadeCase.objects.get()
    assert case.kind == "one-member-against-author" and case.votes.count() == 11
    assert case.evidence["voter"] == "steelworker" and case.evidence["minuses"] == 11
    # The votes are kept but no longer count.
    assert Vote.objects.filter(voter=voter).count() == 11
    assert sum(Comment.objects.filter(author=target).values_list("minus", flat=True)) == 0
    target.refresh_from_db()
    assert target.rating == 0
    # A further minus on the same author is quarantined at once.
    discussion_actions.vote(voter, cs[11], -1)
    assert case.votes.count() == 12 and Comment.objects.get(pk=cs[11].pk).minus == 0


def test_minuses_spread_over_time_are_honest(old, article):
    target, voter = old("target"), old("critic")
    cs = comments_by(target, article, 15)
    for i, c in enumerate(cs):
        discussion_actions.vote(voter, c, -1)
        Vote.objects.filter(comment=c, voter=voter).update(created=timezone.now() - timedelta(minutes=11 * (15 - i)))
    assert not BrigadeCase.objects.exists()


def test_the_16th_minus_in_one_thread_opens_a_case(old, article):
    voter = old("thread-bomber")
    authors = [old(f"a{i}") for i in range(4)]
    cs = [c for a in authors for c in comments_by(a, article, 4)]
    for c in cs[:15]:
        discussion_actions.vote(voter, c, -1)
    assert not BrigadeCase.objects.exists()
    discussion_actions.vote(voter, cs[15], -1)
    assert BrigadeCase.objects.get().kind == "one-member-in-thread"


def test_young_accounts_voting_in_step_are_caught(make_member, old, article):
    target = old("target")
    cs = comments_by(target, article, 3)
    young = [make_member(f"fresh{i}") for i in range(4)]
    for v in young[:3]:
        for c in cs[:2]:
            discussion_actions.vote(v, c, -1)
    assert not BrigadeCase.objects.exists()
    discussion_actions.vote(young[3], cs[0], -1)
    assert not BrigadeCase.objects.exists()  # one minus each is not yet "in step"
    discussion_actions.vote(young[3], cs[1], -1)
    case = BrigadeCase.objects.get()
    assert case.kind == "young-accounts-in-step" and len(case.evidence["voters"]) == 4
    assert Comment.objects.get(pk=cs[0].pk).minus == 0


def test_release_and_discard(old, moderator, article):
    target, voter = old("target"), old("voter")
    cs = comments_by(target, article, 11)
    for c in cs:
        discussion_actions.vote(voter, c, -1)
    case = BrigadeCase.objects.get()
    actions.release_case(moderator, case)
    assert sum(Comment.objects.filter(author=target).values_list("minus", flat=True)) == 11
    # A second brigade, discarded: the votes go.
    voter2 = old("voter2")
    for c in cs:
        discussion_actions.vote(voter2, c, -1)
    case2 = BrigadeCase.objects.get(state="open")
    actions.discard_case(moderator, case2)
    assert not Vote.objects.filter(voter=voter2).exists()
    assert sum(Comment.objects.filter(author=target).values_list("minus", flat=True)) == 11
    target.refresh_from_db()
    assert target.rating == -11


def test_the_queue_shows_cases_with_evidence(client, old, moderator, article):
    target, voter = old("target"), old("voter")
    for c in comments_by(target, article, 11):
        discussion_actions.vote(voter, c, -1)
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    assert "voter gave 11 minuses to target within 10 minutes" in html
    case = BrigadeCase.objects.get()
    r = client.post(f"/moderation/cases/{case.pk}/", {"decision": "release"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "released"


def test_a_heated_but_honest_discussion_raises_no_alarm(old, make_member, article):
    """40 members argue over 120 comments; each votes as they read: pluses and minuses on many
    authors, now and then a run of minuses on one opponent, but within normal bounds."""
    rng = random.Random(2021)
    members = [old(f"m{i}") for i in range(30)] + [make_member(f"new{i}") for i in range(10)]
    comments = []
    for i in range(120):
        author = rng.choice(members)
        parent = rng.choice(comments) if comments and rng.random() < 0.7 else None
        comments.append(discussion_actions.do_post(
            author, article, discussion_actions.check_import(article, f"point {i}", parent)))
    for voter in members:
        for c in rng.sample(comments, 25):
            if c.author_id != voter.pk:
                discussion_actions.vote(voter, c, -1 if rng.random() < 0.55 else 1)
    cases = _debug_cases()
    assert cases == [], cases
    assert brigades.AUTHOR_MINUSES == 10


def test_the_seed_discussion_raises_no_alarm(seed_path, make_member, old):
    call_command("import-page", str(seed_path), "--keep-open")
    rng = random.Random(14)
    readers = [old(f"reader{i}") for i in range(8)] + [make_member(f"young{i}") for i in range(4)]
    for c in Comment.objects.all():
        for r in rng.sample(readers, 6):
            discussion_actions.vote(r, c, 1 if rng.random() < 0.5 else -1)
    assert not BrigadeCase.objects.exists()


def _debug_cases():
    return list(BrigadeCase.objects.values_list("kind", "summary"))
