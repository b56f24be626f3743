"""Privileges that come with standing, all settings: minus votes, the weight of a report,
new accounts' links held for review."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from discussion.models import Comment, Vote
from moderation import policy


def _client(member=None) -> Client:
    c = Client()
    if member is not None:
        c.force_login(member)
    return c


def _vote(member, comment, value):
    return _client(member).post(f"/comments/{comment.pk}/vote/", {"value": value, "mode": "set"},
                                HTTP_ACCEPT="application/json")


def test_minus_votes_unlock_with_age_or_rating(settings, article, post, alice, make_member):
    settings.VECHE_MINUS_AFTER_DAYS, settings.VECHE_MINUS_MIN_RATING = 3, 10
    said = post(alice, article, "a claim")
    fresh = make_member("fresh")
    r = _vote(fresh, said, -1)
    assert r.status_code == 403 and r.json()["error"] == "minus_locked" and "3 days" in r.json()["message"]
    assert _vote(fresh, said, 1).status_code == 200  # a plus counts now
    assert not Vote.objects.filter(voter=fresh, value=-1).exists()
    old = make_member("old", date_joined=timezone.now() - timedelta(days=4))
    rated = make_member("rated", rating=10)
    assert _vote(old, said, -1).status_code == 200 and _vote(rated, said, -1).status_code == 200
    said.refresh_from_db()
    assert (said.plus, said.minus) == (1, 2)


def test_minus_votes_are_open_to_all_when_the_settings_are_zero(article, post, alice, make_member):
    said = post(alice, article, "a claim")
    assert _vote(make_member("fresh"), said, -1).status_code == 200


def test_a_report_from_a_member_in_good_standing_weighs_more(settings, article, post, alice, make_member, moderator):
    from moderation import actions
    from moderation.views import _queue_items

    settings.VECHE_GOOD_STANDING_DAYS, settings.VECHE_GOOD_STANDING_RATING = 30, 5
    first, second = post(alice, article, "first"), post(alice, article, "second")
    trusted = make_member("trusted", rating=5, date_joined=timezone.now() - timedelta(days=31))
    newcomer = make_member("newcomer", rating=50)  # a high rating alone is not standing
    assert policy.in_good_standing(trusted) and not policy.in_good_standing(newcomer)
    assert policy.report_weight(trusted) > policy.report_weight(newcomer)
    actions.report(newcomer, first, "spam")
    actions.report(trusted, second, "spam")
    comments, *_ = _queue_items()
    assert [c.pk for c in comments] == [second.pk, first.pk]


@pytest.mark.parametrize("text,held", [("see https://example.org/x", True), ("see [this](/x)", True),
                                        ("see www.example.org", True), ("no link here", False)])
def test_new_accounts_links_are_held_for_review(text, held, settings, article, make_member):
    settings.VECHE_LINKS_HELD_DAYS = 2
    fresh = make_member("fresh")
    r = _client(fresh).post(f"/articles/{article.slug}/comments/", {"body": text}, HTTP_ACCEPT="application/json")
    assert r.status_code == 201
    assert Comment.objects.get(author=fresh).status == ("held" if held else "visible")
    # Not shown to others meanwhile.
    assert (text in Client().get(article.get_absolute_url()).content.decode()) is not held


def test_older_accounts_links_are_not_held(settings, article, make_member):
    settings.VECHE_LINKS_HELD_DAYS = 2
    old = make_member("old", date_joined=timezone.now() - timedelta(days=3))
    _client(old).post(f"/articles/{article.slug}/comments/", {"body": "https://example.org"})
    assert Comment.objects.get(author=old).status == "visible"
