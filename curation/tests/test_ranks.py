"""Ranks by standing: stored, updated by the actions that change them, shown beside the login
on comments and on the profile, and reaching pages already cached."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

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
    found = re.search(r'<span class="rank" title="[^"]+">([^<]+)</span>', head)
    return found.group(1) if found else None


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
    assert Standing.objects.get(member=alice).rank.name == "Private"  # votes alone do not re-rank
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


def test_no_rank_without_ranks_and_none_for_deleted_accounts(db, article, alice, post):
    Rank.objects.all().delete()
    said = post(alice, article, "one")
    assert _rank_on_page(Client().get(article.get_absolute_url()).content.decode(), said) is None
    assert not Standing.objects.exists()
