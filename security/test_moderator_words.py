"""What a moderator says about a comment — the note of an edit, the reason of a removal — is
for the comment's author (and the moderators, in their log). Readers see only that a
moderator edited or removed it: the shared, cached thread never carries the words, nor the
JSON API, nor a live event."""

import pytest

from discussion import live
from moderation import actions as moderation_actions

NOTE, REASON = "NoteZqPhone", "ReasonZqRude"
WORDS = (NOTE, REASON)


@pytest.fixture
def said(alice, bob, moderator, article, post):
    edited = post(alice, article, "call me at 555-1234")
    moderation_actions.edit(moderator, edited, "call me [number removed]", NOTE)
    removed = post(alice, article, "something rude")
    post(bob, article, "A reply to it.", parent=removed)
    moderation_actions.hide(moderator, removed, "insult", REASON)
    return edited, removed


def _pages(client, article):
    for url in (article.get_absolute_url(), f"/api/v1/articles/{article.slug}/comments/",
                f"/articles/{article.slug}/thread/", article.get_absolute_url() + "?order=newest"):
        r = client.get(url)
        assert r.status_code == 200, url
        yield url, r.content.decode()


def test_readers_see_that_a_moderator_acted_but_not_what_they_said(client, said, article, bob, alice):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "edited by a moderator" in html and "Comment removed by a moderator." in html
    for role in ("visitor", "member", "member again after the author"):
        if role == "member":
            client.force_login(bob)
        if role.endswith("after the author"):
            client.force_login(alice)
            assert NOTE in client.get(article.get_absolute_url()).content.decode()
            client.force_login(bob)
        for url, text in _pages(client, article):
            for words in WORDS:
                assert words not in text, (role, url, words)


def test_the_author_reads_them_on_the_thread(client, said, article, alice):
    client.force_login(alice)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"edited by a moderator: {NOTE}" in html
    assert f"Reason: Insult: {REASON}" in html
    # Twice: the page made for the author is theirs alone, not a skeleton kept for members.
    assert f"edited by a moderator: {NOTE}" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["moderator", "editor"])
def test_moderators_read_them_in_the_log(client, said, request, who):
    client.force_login(request.getfixturevalue(who))
    html = client.get("/moderation/log/").content.decode()
    assert NOTE in html and REASON in html


def test_live_events_do_not_carry_them(monkeypatch, alice, moderator, article, post):
    sent = []
    monkeypatch.setattr(live, "publish_on_commit", sent.append)

    def built():  # as after the commit
        events = [e.build() if isinstance(e, live.LazyEvent) else e for e in sent]
        sent.clear()
        for e in events:
            for words in WORDS:
                assert words not in str(e), e
        return {e["type"]: e for e in events}

    c = post(alice, article, "call me at 555-1234")
    assert "comment.new" in built()
    moderation_actions.edit(moderator, c, "call me [number removed]", NOTE)
    assert "edited by a moderator" in built()["comment.edit"]["html"]
    moderation_actions.hide(moderator, c, "insult", REASON)
    assert "removed by a moderator" in built()["comment.remove"]["html"]


@pytest.mark.django_db(transaction=True)
def test_the_front_never_serves_the_shared_skeleton_to_the_author(said, article, alice, bob):
    """The ASGI front fills the member skeleton kept from one member's page for others: it
    must not be the author's page, and the author must get theirs from Django."""
    from config.tests.test_front import asgi_get, from_front, signed_in
    from core import pagecache

    pagecache.SLUGS.clear()
    bob_client, bob_cookies = signed_in(bob)
    assert NOTE not in bob_client.get(article.get_absolute_url()).content.decode()  # the skeleton is kept
    status, headers, html = asgi_get(article.get_absolute_url(), bob_cookies)
    assert status == 200 and from_front(headers) and NOTE not in html
    alice_client, alice_cookies = signed_in(alice)
    status, headers, html = asgi_get(article.get_absolute_url(), alice_cookies)
    assert status == 200 and not from_front(headers)
    assert f"edited by a moderator: {NOTE}" in html and f"Reason: Insult: {REASON}" in html
    status, headers, html = asgi_get(article.get_absolute_url(), bob_cookies)
    assert NOTE not in html and REASON not in html
