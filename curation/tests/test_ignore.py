"""The ignore list: a member slot only. The ignoring member's page collapses the ignored
author's comments to one line (replies kept); no other member's page, nor the anonymous
one, carries anything of it — through Django and through the ASGI front's caches."""

import pytest
from django.test import Client

from curation import actions
from curation.ignoring import is_ignoring
from curation.models import Ignore


def _client(member=None) -> Client:
    c = Client()
    if member is not None:
        c.force_login(member)
    return c


def _rule(author) -> str:
    """The member style's rule that collapses `author`'s comments to their numbers."""
    return f'li[data-author="{author.pk}"]:not(:target)>header>.num::after'


@pytest.fixture
def scene(alice, bob, article, post):
    rude = post(alice, article, "Rude words")
    reply = post(bob, article, "A calm reply", parent=rude)
    return rude, reply


def test_ignoring_from_the_comment_collapses_it_for_that_member_alone(scene, alice, bob, make_member, article):
    rude, reply = scene
    carol = make_member("carol")
    bob_client = _client(bob)
    page = bob_client.get(f"/comments/{rude.pk}/").content.decode()
    assert f'href="/members/{alice.login}/ignore/"' in page  # on the action page of Alice's comment
    confirm = bob_client.get(f"/members/{alice.login}/ignore/", HTTP_REFERER=f"http://testserver{article.get_absolute_url()}")
    assert confirm.status_code == 200 and 'value="ignore"' in confirm.content.decode()
    r = bob_client.post(f"/members/{alice.login}/ignore/", {"action": "ignore", "next": article.get_absolute_url()})
    assert r.status_code == 302 and r["Location"] == article.get_absolute_url()
    assert is_ignoring(bob, alice) and not is_ignoring(alice, bob)
    html = bob_client.get(article.get_absolute_url()).content.decode()
    assert _rule(alice) in html and f'li[data-author="{alice.pk}"]:not(:target)>:not(header,ol)' in html
    # The stand-in is the style's words after the comment's number, which is the link that
    # shows it (:target); nothing of it is in the shared thread; the replies stay in place.
    assert '#thread{--ignored-words:" Comment by a member you ignore' in html
    assert f'<a href="#c{rude.pk}" class="num">1.</a>' in html and 'class="ign"' not in html
    assert f'id="c{reply.pk}"' in html and "A calm reply" in html
    assert _rule(bob) not in html
    # Nobody else's page carries it.
    for other in (None, alice, carol):
        other_html = _client(other).get(article.get_absolute_url()).content.decode()
        assert _rule(alice) not in other_html and ":not(:target)" not in other_html
        assert "--ignored-words" not in other_html


def test_unignore_from_the_settings_list(scene, alice, bob, article):
    actions.ignore(bob, alice)
    c = _client(bob)
    settings_page = c.get("/account/").content.decode()
    assert 'href="/account/ignored/"' in settings_page
    listing = c.get("/account/ignored/").content.decode()
    assert f'href="/members/{alice.login}/"' in listing and 'value="unignore"' in listing
    r = c.post(f"/members/{alice.login}/ignore/", {"action": "unignore", "next": "/account/ignored/"})
    assert r.status_code == 302 and r["Location"] == "/account/ignored/"
    assert not Ignore.objects.exists()
    assert _rule(alice) not in c.get(article.get_absolute_url()).content.decode()
    again = c.post(f"/members/{alice.login}/ignore/", {"action": "unignore"}, HTTP_ACCEPT="application/json")
    assert again.status_code == 409 and again.json()["error"] == "not_ignored"


def test_ignoring_from_the_profile(alice, bob):
    profile = _client(bob).get(f"/members/{alice.login}/").content.decode()
    assert f"/members/{alice.login}/ignore/" in profile
    assert "/ignore/" not in _client(alice).get(f"/members/{alice.login}/").content.decode()  # not oneself
    assert "/ignore/" not in _client().get(f"/members/{alice.login}/").content.decode()  # nor visitors


def test_bad_ignores_are_refused_with_a_reason(alice, bob, make_member):
    c = _client(bob)
    r = c.post(f"/members/{bob.login}/ignore/", {"action": "ignore"})
    assert r.status_code == 400 and "cannot ignore yourself" in r.content.decode()
    r = c.post(f"/members/{alice.login}/ignore/", {"action": "what"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 400 and r.json()["error"] == "bad_action"
    assert c.post("/members/nobody-here/ignore/", {"action": "ignore"}).status_code == 404
    gone = make_member("gone", is_deleted=True)
    assert c.post(f"/members/{gone.login}/ignore/", {"action": "ignore"}).status_code == 404
    c.post(f"/members/{alice.login}/ignore/", {"action": "ignore"})
    r = c.post(f"/members/{alice.login}/ignore/", {"action": "ignore"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 409 and r.json()["error"] == "already"
    assert Ignore.objects.count() == 1
    visitor = Client().post(f"/members/{alice.login}/ignore/", {"action": "ignore"})
    assert visitor.status_code == 302 and "/signin/" in visitor["Location"]
    assert Ignore.objects.count() == 1


def test_a_moderators_word_and_the_pinned_note_stay_when_their_author_is_ignored(
        article, post, alice, bob, moderator, editor):
    """Moderators cannot be ignored in their moderator notes: the note on an edited comment
    and an editor's pinned note are not the ignored member's comments and stay shown."""
    from moderation import actions as moderation_actions

    said = post(alice, article, "A claim")
    moderation_actions.edit(moderator, said, "A claim, mended", "a personal detail removed")
    note = post(editor, article, "Editors' note")
    actions.pin(editor, note)
    actions.ignore(bob, moderator)
    actions.ignore(bob, editor)
    html = _client(bob).get(article.get_absolute_url()).content.decode()
    assert "edited by a moderator" in html and 'id="pinned"' in html
    assert _rule(moderator) in html and '.picks [data-author' in html
    assert f'.picks [data-author="{editor.pk}"]' in html  # their picks listed, not the pinned note
    assert 'class="pinned" id="pinned" data-author' not in html


def test_a_member_one_ignores_notifies_nothing(alice, bob, make_member, article, post, django_capture_on_commit_callbacks):
    """Replies, quotes and mentions by an ignored member tell the one who ignores them nothing;
    others are still told."""
    from curation.ignoring import ignoring_sender
    from curation.models import Ignore
    from notify.models import Notification
    from notify.rules import BLOCKS

    assert ignoring_sender in BLOCKS
    carol = make_member("carol")
    Ignore.objects.create(member=alice, ignored=bob)
    with django_capture_on_commit_callbacks(execute=True):
        first = post(alice, article, "Alice speaks")
        second = post(carol, article, "Carol speaks")
    with django_capture_on_commit_callbacks(execute=True):
        post(bob, article, "@alice @carol Bob answers both", parent=first)
        post(bob, article, "Bob answers Carol", parent=second)
    assert not Notification.objects.filter(recipient=alice, actor=bob).exists()
    assert Notification.objects.filter(recipient=carol, actor=bob).exists()
