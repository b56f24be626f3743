"""Ranks by standing: stored, updated by the actions that change them, shown beside the login
on comments and on the profile, and reaching pages already cached."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from curation import tasks as curation_tasks
from curation.models import Rank, Standing
from curation.ranks import do_update_standing, rank_for
from discussion import actions

# The rank is worked out after commit (a task): these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ranks(db):
    Rank.objects.all().delete()
    return [Rank.objects.create(name="Recruit"),
            Rank.objects.create(name="Private", min_rating=0, min_days=0, min_comments=2),
            Rank.objects.create(name="Sergeant", min_rating=5, min_days=10, min_comments=2)]


def _rank_on_page(html: str, comment) -> str | None:
    head = html.split(f'id="c{comment.pk}"')[1].split("</header>")[0]
    found = re.findall(r'data-rank="([^"]*)"', head)
    assert len(found) <= 1 and '<span class="rank"' not in head  # on the name's link, once
    return found[0] if found else None


def test_the_thresholds_all_count(ranks):
    assert rank_for(0, 0, 0, ranks).name == "Recruit"
    assert rank_for(100, 0, 2, ranks).name == "Private"  # rating without time is not enough
    assert rank_for(5, 11, 2, ranks).name == "Sergeant"
    assert rank_for(5, 11, 1, ranks).name == "Recruit"  # nor time and rating without comments kept up


def test_posting_moves_the_rank_and_the_cached_page_shows_it(ranks, article, alice, bob, post):
    first = post(alice, article, "one")
    assert Standing.objects.get(member=alice).rank.name == "Recruit"
    assert _rank_on_page(Client().get(article.get_absolute_url()).content.decode(), first) == "Recruit"
    post(alice, article, "two")  # two comments kept up: Private
    assert Standing.objects.get(member=alice).rank.name == "Private"
    html = Client().get(article.get_absolute_url()).content.decode()
    assert _rank_on_page(html, first) == "Private"
    profile = Client().get(f"/members/{alice.login}/").content.decode()
    assert '<dd class="rank-name">Private</dd>' in profile


def test_a_removed_comment_no_longer_counts(ranks, article, alice, moderator, post):
    from moderation import actions as moderation_actions

    post(alice, article, "one")
    second = post(alice, article, "two")
    assert Standing.objects.get(member=alice).rank.name == "Private"
    moderation_actions.hide(moderator, second, "spam")
    assert Standing.objects.get(member=alice).rank.name == "Recruit"


def test_time_and_votes_promote_through_the_daily_run(ranks, article, alice, bob, make_member, post):
    a, b = post(alice, article, "one"), post(alice, article, "two")
    voters = [make_member(f"v{i}") for i in range(5)]
    for v in voters:
        actions.vote(v, a, 1)
    type(alice).objects.filter(pk=alice.pk).update(date_joined=timezone.now() - timedelta(days=11))
    # The votes that met Sergeant's rating came before the days: time alone waits for the daily run.
    assert Standing.objects.get(member=alice).rank.name == "Private"
    call_command("update_ranks", stdout=io.StringIO())
    assert Standing.objects.get(member=alice).rank.name == "Sergeant"
    assert _rank_on_page(Client().get(article.get_absolute_url()).content.decode(), b) == "Sergeant"
    assert do_update_standing(alice.pk) is False  # idempotent


def test_a_renamed_rank_reaches_cached_pages(ranks, article, alice, post):
    said = post(alice, article, "one")
    assert _rank_on_page(Client().get(article.get_absolute_url()).content.decode(), said) == "Recruit"
    recruit = Rank.objects.get(name="Recruit")
    recruit.name = "Novice"
    recruit.save()
    assert _rank_on_page(Client().get(article.get_absolute_url()).content.decode(), said) == "Novice"


def test_the_default_ranks_read_in_the_reader_s_language_and_an_operator_s_own_as_written(ranks, article, alice,
                                                                                         bob, post):
    said = post(alice, article, "one")  # Recruit, a default name
    Rank.objects.create(name="Ветеран", min_rating=-100, min_days=0, min_comments=1_000_000)
    url = article.get_absolute_url()
    russian, english = Client(HTTP_ACCEPT_LANGUAGE="ru"), Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(2):  # drawn, then kept: each language's page keeps its own
        ru, en = russian.get(url).content.decode(), english.get(url).content.decode()
        assert _rank_on_page(ru, said) == "Новобранец" and 'data-rank="Recruit"' not in ru
        assert _rank_on_page(en, said) == "Recruit" and "Новобранец" not in en
    assert '<dd class="rank-name">Новобранец</dd>' in russian.get(f"/members/{alice.login}/").content.decode()
    profile = english.get(f"/members/{alice.login}/").content.decode()
    assert '<dd class="rank-name">Recruit</dd>' in profile and "Новобранец" not in profile
    # A name the operator wrote has no entry in the catalogues: shown as written, in both.
    Rank.objects.filter(name="Recruit").update(name="Old hand")
    Standing.objects.filter(member=alice).update(rank=Rank.objects.get(name="Ветеран"))
    actions.author_changed(alice.pk)
    for client in (russian, english):
        assert _rank_on_page(client.get(url).content.decode(), said) == "Ветеран"
    Standing.objects.filter(member=alice).update(rank=Rank.objects.get(name="Old hand"))
    actions.author_changed(alice.pk)
    for client in (russian, english):
        assert _rank_on_page(client.get(url).content.decode(), said) == "Old hand"


def test_every_default_rank_has_its_russian_name():
    import importlib

    from django.utils import translation

    from curation.ranks import DEFAULT_NAMES
    from discussion.render import rank_shown

    defaults = importlib.import_module("curation.migrations.0003_default_ranks").DEFAULTS
    assert [str(n) for n in DEFAULT_NAMES] == [name for name, *_ in defaults]  # every one marked
    with translation.override("ru"):
        russian = [rank_shown(name) for name, *_ in defaults]
    assert all(r and r != name for r, (name, *_) in zip(russian, defaults, strict=True))
    assert len(set(russian)) == len(defaults)
    assert [rank_shown(name, "en") for name, *_ in defaults] == [name for name, *_ in defaults]


def test_no_rank_without_ranks_and_none_for_deleted_accounts(db, article, alice, post):
    Rank.objects.all().delete()
    said = post(alice, article, "one")
    assert _rank_on_page(Client().get(article.get_absolute_url()).content.decode(), said) is None
    assert not Standing.objects.exists()


# --- votes move ranks ----------------------------------------------------------------------------

@pytest.fixture
def by_rating(db):
    Rank.objects.all().delete()
    return [Rank.objects.create(name="Recruit"), Rank.objects.create(name="Trusted", min_rating=2)]


def _vote(client: Client, comment, value: int) -> None:
    assert client.post(f"/comments/{comment.pk}/vote/", {"value": value, "mode": "set"}).status_code in (200, 302)


def _clients(make_member, n: int) -> list[Client]:
    made = []
    for i in range(n):
        c = Client()
        c.force_login(make_member(f"voter{i}"))
        made.append(c)
    return made


def test_a_vote_over_a_ranks_rating_raises_the_rank_and_one_back_under_lowers_it(by_rating, make_article, alice,
                                                                                  bob, post, make_member):
    here, elsewhere = make_article(), make_article()
    said, other = post(alice, here, "one"), post(alice, elsewhere, "two")
    voters = _clients(make_member, 2)
    reader = Client()
    member = Client()
    member.force_login(bob)
    for who in (reader, member):  # the pages kept, to be re-rendered
        assert _rank_on_page(who.get(here.get_absolute_url()).content.decode(), said) == "Recruit"
        assert _rank_on_page(who.get(elsewhere.get_absolute_url()).content.decode(), other) == "Recruit"
    _vote(voters[0], said, 1)  # rating 1: under Trusted's 2
    assert Standing.objects.get(member=alice).rank.name == "Recruit"
    _vote(voters[1], said, 1)  # 2: Trusted
    assert Standing.objects.get(member=alice).rank.name == "Trusted"
    for who in (reader, member):  # every thread showing her comments has a new version
        assert _rank_on_page(who.get(here.get_absolute_url()).content.decode(), said) == "Trusted"
        assert _rank_on_page(who.get(elsewhere.get_absolute_url()).content.decode(), other) == "Trusted"
    _vote(voters[1], said, -1)  # back to 0
    assert Standing.objects.get(member=alice).rank.name == "Recruit"
    assert _rank_on_page(reader.get(elsewhere.get_absolute_url()).content.decode(), other) == "Recruit"


def test_a_vote_crossing_nothing_enqueues_nothing_and_reads_nothing_more(by_rating, article, alice, bob, post,
                                                                          make_member, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import core.tasks
    from curation import ranks
    from discussion.actions import voting

    said = post(alice, article, "one")
    voters = [make_member(f"v{i}") for i in range(4)]
    enqueued = []
    monkeypatch.setattr(core.tasks, "enqueue_once_on_commit", lambda task, *args: enqueued.append((task.name, args)))
    ranks.thresholds()  # kept, as after the first vote of a process

    def queries(voter, value) -> int:
        with CaptureQueriesContext(connection) as ctx:
            actions.vote(voter, said, value)
        return len(ctx.captured_queries)

    with_hook = queries(voters[0], 1)  # 0 → 1: crosses nothing
    actions.vote(voters[0], said, 0)  # 1 → 0: nor does this
    assert enqueued == []
    monkeypatch.setattr(voting, "RATING_MOVED", [])
    without = queries(voters[1], 1)  # 0 → 1 again, no one listening
    assert with_hook == without  # the hook costs no query
    monkeypatch.setattr(voting, "RATING_MOVED", [curation_tasks.rating_moved])
    actions.vote(voters[2], said, 1)  # 1 → 2: Trusted's threshold
    assert len(enqueued) == 1 and "update_standing" in enqueued[0][0] and enqueued[0][1] == (alice.pk,)


def test_thresholds_are_read_again_when_a_rank_changes(by_rating):
    from curation import ranks

    assert ranks.thresholds() == (0, 2)
    assert ranks.crosses(1, 2) and ranks.crosses(2, 1) and not ranks.crosses(2, 5) and not ranks.crosses(0, 1)
    trusted = Rank.objects.get(name="Trusted")
    trusted.min_rating = 4
    trusted.save()
    assert ranks.thresholds() == (0, 4)
    trusted.delete()
    assert ranks.thresholds() == (0,)


def test_a_moderator_releasing_quarantined_votes_moves_the_rank(by_rating, article, alice, post, make_member):
    from django.db import transaction

    from discussion.models import Vote

    said = post(alice, article, "one")
    held = [Vote.objects.create(comment=said, voter=make_member(f"q{i}"), value=1, counted=False) for i in range(2)]
    assert Standing.objects.get(member=alice).rank.name == "Recruit"
    with transaction.atomic():
        for v in held:
            actions.do_count_vote(Vote.objects.select_related("comment").get(pk=v.pk), True)
    assert Standing.objects.get(member=alice).rank.name == "Trusted"
    assert _rank_on_page(Client().get(article.get_absolute_url()).content.decode(), said) == "Trusted"
    with transaction.atomic():  # quarantined again (a brigade after all)
        actions.do_count_vote(Vote.objects.select_related("comment").get(pk=held[0].pk), False)
    assert Standing.objects.get(member=alice).rank.name == "Recruit"


def test_a_post_that_moves_no_rank_enqueues_nothing(ranks, article, alice, bob, post, monkeypatch):
    import core.tasks

    post(alice, article, "one")  # Recruit, stored by the task
    enqueued = []
    monkeypatch.setattr(core.tasks, "enqueue_once_on_commit", lambda task, *args: enqueued.append((task.name, args)))
    post(alice, article, "two")  # two comments kept up: Private — enqueued
    assert [(name.rsplit(".", 1)[-1], args) for name, args in enqueued if "standing" in name] == [
        ("update_standing", (alice.pk,))]
    curation_tasks.update_standing.call(alice.pk)
    enqueued.clear()
    post(alice, article, "three")  # still Private (Sergeant needs rating and days): nothing
    post(bob, article, "bob's first")  # bob has no standing yet and earns Recruit: enqueued
    assert [args for name, args in enqueued if "standing" in name] == [(bob.pk,)]
    Rank.objects.all().delete()
    Standing.objects.filter(member=bob).delete()
    enqueued.clear()
    post(bob, article, "no ranks at all")  # no rank earned and none stored: nothing
    assert [args for name, args in enqueued if "standing" in name] == []


def test_many_posts_in_one_transaction_enqueue_one_rank_update_per_author(ranks, article, alice, bob, monkeypatch):
    """A bulk load (500 comments in a transaction) asks for each author's rank once: the run
    after commit sees every comment of theirs. Before, each comment while the stored rank was
    stale enqueued another run (a 10,000-comment seed left 12,000 for the worker)."""
    from django.db import transaction

    enqueued = []
    real = type(curation_tasks.update_standing).enqueue
    monkeypatch.setattr(type(curation_tasks.update_standing), "enqueue",
                        lambda self, *args, **kw: enqueued.append(args) or real(self, *args, **kw))
    with transaction.atomic():
        for i in range(5):
            actions.do_post(alice, article, actions.check_import(article, f"alice {i}", None))
        actions.do_post(bob, article, actions.check_import(article, "bob", None))
    assert sorted(enqueued) == sorted([(alice.pk,), (bob.pk,)])
    assert Standing.objects.get(member=alice).rank.name == "Private"  # the one run saw all five
    assert Standing.objects.get(member=bob).rank.name == "Recruit"
