"""The follow button is a member slot: filled per member by the ASGI front too, never shared."""

import re

import pytest
from django.test import Client

from config.tests.test_front import _executor_connections_closed, asgi_get, from_front, signed_in  # noqa: F401
from core import pagecache

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_front_fills_each_members_follow_button(alice, bob, article, post):
    from notify import actions

    pagecache.SLUGS.clear()
    post(alice, article, "Alice speaks")
    actions.follow(alice, article.pk)
    alice_client, alice_cookies = signed_in(alice)
    assert "Following · stop" in alice_client.get(article.get_absolute_url()).content.decode()  # Django: skeleton kept
    _, bob_cookies = signed_in(bob)
    status, headers, html = asgi_get(article.get_absolute_url(), bob_cookies)
    assert status == 200 and from_front(headers)
    assert "Follow this discussion" in html and "Following · stop" not in html
    status, headers, html = asgi_get(article.get_absolute_url(), alice_cookies)
    assert from_front(headers) and "Following · stop" in html
    # its form carries a token Django accepts, and it works
    token = re.search(r'class="inline follow-form"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
                      html).group(1)
    poster = Client(enforce_csrf_checks=True)
    poster.cookies.load(alice_cookies)
    r = poster.post(f"/follow/{article.pk}/", {"do": "unfollow", "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    assert not actions.is_following(alice.pk, article.pk)
    # anonymous: no button at all
    status, headers, html = asgi_get(article.get_absolute_url())
    assert "follow-form" not in html and "\x00" not in html


def test_unread_count_goes_live_to_online_members_only_and_names_no_count(alice, bob, make_member, article, post,
                                                                          monkeypatch):
    from accounts import presence
    from live import events

    sent = []
    monkeypatch.setattr(events, "_send", lambda event: sent.append(event))
    carol = make_member("carol")
    presence.touch(alice)
    first = post(alice, article, "Alice speaks")
    post(carol, article, "Carol speaks")  # offline: follows by commenting, is told, not named
    post(bob, article, "Bob answers", parent=first)
    notify_events = [e for e in sent if e["type"] == "notify.unread"]
    named = {m for e in notify_events for m in e["members"]}
    assert alice.pk in named and carol.pk not in named and bob.pk not in named
    assert all(set(e) == {"type", "article", "members"} for e in notify_events)
