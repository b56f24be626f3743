"""Picks and pins through the HTTP client, for every role and comment status, and on the
cached pages: a pick shows for every reader at once."""

import pytest
from django.test import Client

from core.errors import ActionError
from curation import actions
from curation.models import Pick, Pin
from curation.signals import comment_picked
from discussion import actions as discussion_actions
from discussion.models import Comment
from moderation import actions as moderation_actions
from moderation.models import LogEntry

MARK = "Editors’ pick"
STRIP = 'id="picks"'


def _client(member=None) -> Client:
    c = Client()
    if member is not None:
        c.force_login(member)
    return c


def _page(article, member=None) -> str:
    r = _client(member).get(article.get_absolute_url())
    assert r.status_code == 200
    return r.content.decode()


def _pick_url(comment) -> str:
    return f"/comments/{comment.pk}/pick/"


@pytest.fixture
def said(alice, article, post):
    return post(alice, article, "Worth reading: the depot was moved in March.")


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_and_moderators_pick_and_every_reader_sees_it(role, request, said, article, bob, alice):
    curator = request.getfixturevalue(role)
    heard = []

    def receiver(sender, comment, picked_by, **kw):
        heard.append((comment.pk, picked_by.pk))

    comment_picked.connect(receiver)
    try:
        assert MARK not in _page(article) and STRIP not in _page(article)
        r = _client(curator).post(_pick_url(said), {"action": "pick", "note": "clear and sourced"})
        assert r.status_code == 302 and r["Location"].endswith(f"#c{said.pk}")
    finally:
        comment_picked.disconnect(receiver)
    assert Pick.objects.filter(comment=said, picked_by=curator).exists()
    assert heard == [(said.pk, curator.pk)]  # the author is to be notified
    entry = LogEntry.objects.get(action="pick")
    assert entry.comment_id == said.pk and entry.moderator_id == curator.pk and entry.note == "clear and sourced"
    for reader in (None, bob, alice, curator):
        html = _page(article, reader)
        assert MARK in html and STRIP in html and f'href="#c{said.pk}"' in html
        assert f'<li id="c{said.pk}" class="comment picked"' in html


@pytest.mark.parametrize("role", ["anonymous", "member", "author"])
def test_members_authors_and_visitors_cannot_pick(role, said, article, alice, bob):
    who = {"anonymous": None, "member": bob, "author": alice}[role]
    c = _client(who)
    for method in (c.get, c.post):
        r = method(_pick_url(said), {"action": "pick"})
        if who is None:
            assert r.status_code == 302 and "/signin/" in r["Location"]
        else:
            assert r.status_code == 403
    assert not Pick.objects.exists() and not LogEntry.objects.filter(action="pick").exists()
    assert MARK not in _page(article, who)
    # Nor through the action itself.
    if who is not None:
        with pytest.raises(ActionError):
            actions.pick(who, said)


def test_the_pick_link_shows_to_curators_only(said, article, bob, editor, moderator):
    """The link is on the comment's action page, for curators alone; the thread has none."""
    link = f'href="/comments/{said.pk}/pick/"'
    for curator in (editor, moderator):
        c = Client()
        c.force_login(curator)
        assert link in c.get(f"/comments/{said.pk}/").content.decode()
    for reader in (bob, None):
        c = Client()
        if reader is not None:
            c.force_login(reader)
        assert link not in c.get(f"/comments/{said.pk}/").content.decode()
        assert link not in _page(article, reader)
    assert link not in _page(article, editor)


@pytest.mark.parametrize("status", ["held", "removed", "deleted"])
def test_a_comment_not_every_reader_sees_cannot_be_picked(status, said, article, moderator, alice):
    if status == "deleted":
        discussion_actions.delete_comment(alice, said)
    else:
        discussion_actions.do_set_status(said, status)
    r = _client(moderator).post(_pick_url(said), {"action": "pick"})
    assert r.status_code == 409
    assert "every reader can see" in r.content.decode()
    assert not Pick.objects.exists()
    assert STRIP not in _page(article)


def test_a_comment_on_a_draft_cannot_be_picked(make_article, alice, post, editor):
    from newsroom.models import Article

    draft = make_article(state=Article.State.DRAFT)
    # Members cannot post on a draft; a comment left from before it was taken back can be there.
    c = Comment.objects.create(article=draft, author=alice, body="early", body_html="<p>early</p>")
    r = _client(editor).post(_pick_url(c), {"action": "pick"})
    assert r.status_code == 409 and not Pick.objects.exists()


def test_a_picked_comment_hidden_later_leaves_the_strip_and_returns_when_restored(said, article, moderator):
    actions.pick(moderator, said)
    assert STRIP in _page(article)
    moderation_actions.hide(moderator, said, "spam")
    html = _page(article)
    assert STRIP not in html and MARK not in html
    moderation_actions.restore(moderator, said)
    html = _page(article)
    assert STRIP in html and MARK in html


def test_unpick_is_undone_the_same_way_and_logged(said, article, moderator, editor, bob):
    actions.pick(editor, said)
    assert MARK in _page(article)
    assert _client(bob).post(_pick_url(said), {"action": "unpick"}).status_code == 403
    assert Pick.objects.exists()
    r = _client(moderator).post(_pick_url(said), {"action": "unpick"})
    assert r.status_code == 302
    assert not Pick.objects.exists() and LogEntry.objects.filter(action="unpick", moderator=moderator).exists()
    html = _page(article)
    assert MARK not in html and STRIP not in html
    again = _client(moderator).post(_pick_url(said), {"action": "unpick"})
    assert again.status_code == 409 and "not picked" in again.content.decode()


def test_picking_twice_and_a_bad_action_are_refused_with_a_reason(said, moderator):
    c = _client(moderator)
    assert c.post(_pick_url(said), {"action": "pick"}).status_code == 302
    r = c.post(_pick_url(said), {"action": "pick"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 409 and r.json()["error"] == "already_picked"
    r = c.post(_pick_url(said), {"action": "explode"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 400 and r.json()["error"] == "bad_action"
    assert Pick.objects.count() == 1


def test_an_editor_pins_a_note_of_their_own(article, post, editor, moderator, alice):
    note = post(editor, article, "Editors’ note: the figures were corrected at 14:00.")
    other = post(alice, article, "Not an editor's note")
    page = _client(editor).get(_pick_url(note)).content.decode()
    assert 'value="pin"' in page
    assert 'value="pin"' not in _client(editor).get(_pick_url(other)).content.decode()
    # A moderator who is not an editor, and an editor on someone else's comment, cannot.
    mod_note = post(moderator, article, "A moderator's word")
    assert _client(moderator).post(_pick_url(mod_note), {"action": "pin"}).status_code == 403
    assert _client(editor).post(_pick_url(other), {"action": "pin"}).status_code == 403
    assert not Pin.objects.exists()
    assert _client(editor).post(_pick_url(note), {"action": "pin"}).status_code == 302
    html = _page(article)
    assert 'id="pinned"' in html and "the figures were corrected" in html.split('id="pinned"')[1].split("</div>")[0]
    assert LogEntry.objects.filter(action="pin", moderator=editor).exists()
    # One pin per article: another note replaces it.
    second = post(editor, article, "A later note")
    actions.pin(editor, second)
    assert list(Pin.objects.values_list("comment_id", flat=True)) == [second.pk]
    assert _client(editor).post(_pick_url(second), {"action": "unpin"}).status_code == 302
    assert not Pin.objects.exists() and 'id="pinned"' not in _page(article)


def test_the_strip_and_marks_equal_a_render_from_nothing(said, article, moderator, bob):
    """The served (cached) page after a pick is the page rendered with every cache emptied."""
    from discussion.page import clear_caches

    _page(article), _page(article, bob)  # both kinds kept
    actions.pick(moderator, said)
    served_anon, served_member = _page(article), _page(article, bob)
    clear_caches()
    fresh_anon = _page(article)
    assert MARK in served_anon and served_anon.count(MARK) == fresh_anon.count(MARK)
    assert STRIP in served_member


def test_a_pick_and_an_unpick_reach_open_pages_live(said, article, moderator, bob, django_capture_on_commit_callbacks):
    """A page left open hears a "resync" after the commit and reloads the thread fragment, which
    carries the strip as the page draws it (discussion.decor.ABOVE): it appears, then goes."""
    from live.broker import get_broker

    fragment = f"/articles/{article.slug}/thread/"
    for reader in (None, bob):
        data = _client(reader).get(fragment).json()
        assert data["picks"] == ""  # nothing picked yet: no strip
    broker = get_broker()
    published = []
    original = broker.publish
    broker.publish = lambda event: published.append(event) or original(event)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert _client(moderator).post(_pick_url(said), {"action": "pick"}).status_code == 302
        assert [e["type"] for e in published if e.get("article") == article.pk].count("resync") == 1
        for reader in (None, bob):
            data = _client(reader).get(fragment).json()
            assert STRIP in data["picks"] and f'href="#c{said.pk}"' in data["picks"]
            assert "the depot was moved in March" in data["picks"]
            assert MARK in data["html"]
            page_strip = _page(article, reader).split('<aside class="picks"')[1].split("</aside>")[0]
            assert page_strip in data["picks"]  # the same strip the page draws
        ru = Client(HTTP_ACCEPT_LANGUAGE="ru").get(fragment).json()["picks"]
        assert "Выбор редакции" in ru  # in the reader's language
        published.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert _client(moderator).post(_pick_url(said), {"action": "unpick"}).status_code == 302
        assert [e["type"] for e in published if e.get("article") == article.pk].count("resync") == 1
    finally:
        broker.publish = original
    for reader in (None, bob):
        data = _client(reader).get(fragment).json()
        assert data["picks"] == "" and MARK not in data["html"]


def test_no_event_and_no_strip_change_when_a_pick_is_refused(said, article, bob,
                                                              django_capture_on_commit_callbacks):
    from live.broker import get_broker

    broker = get_broker()
    published = []
    original = broker.publish
    broker.publish = lambda event: published.append(event) or original(event)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert _client(bob).post(_pick_url(said), {"action": "pick"}).status_code == 403
    finally:
        broker.publish = original
    assert not [e for e in published if e.get("type") == "resync"]
    assert _client().get(f"/articles/{article.slug}/thread/").json()["picks"] == ""
