"""Preview before posting and edit history, through the HTTP client, with what must not be
shown or written."""

import pytest
from django.test import Client

from discussion import actions
from discussion.models import Comment, CommentRevision
from moderation import actions as moderation_actions


def _client(member=None) -> Client:
    c = Client()
    if member is not None:
        c.force_login(member)
    return c


def _post_url(article) -> str:
    return f"/articles/{article.slug}/comments/"


# --- preview ---------------------------------------------------------------------------------

def test_the_preview_button_shows_what_will_be_posted_and_posts_nothing(article, alice, bob, post):
    quoted = post(bob, article, "The quoted words")
    text = f"> [quote=c{quoted.pk}]\n> The quoted words\n\n**Strong** point :wink: <script>alert(1)</script>"
    r = _client(alice).post(_post_url(article), {"body": text, "preview": "1", "idempotency_key": "a" * 32})
    assert r.status_code == 200
    html = r.content.decode()
    expected = actions.check_post(alice, article, text).body_html  # what posting would store
    assert expected in html and "<strong>Strong</strong>" in expected
    assert "<script>alert(1)" not in html
    assert 'name="body"' in html and "**Strong** point" in html  # the text stays in the form
    assert Comment.objects.filter(author=alice).count() == 0


def test_the_preview_endpoint_answers_the_script(article, alice):
    c = _client(alice)
    r = c.post(f"/articles/{article.slug}/comments/preview/", {"body": "*a*"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 200 and r.json()["html"] == actions.check_post(alice, article, "*a*").body_html
    empty = c.post(f"/articles/{article.slug}/comments/preview/", {"body": "  "}, HTTP_ACCEPT="application/json")
    assert empty.status_code == 400 and empty.json()["error"] == "empty"
    long = c.post(f"/articles/{article.slug}/comments/preview/", {"body": "x" * 10_001})
    assert long.status_code == 400 and long.json()["error"] == "too_long"
    assert not Comment.objects.exists()


def test_visitors_get_no_preview_and_drafts_none(article, alice, make_article):
    from newsroom.models import Article

    r = Client().post(f"/articles/{article.slug}/comments/preview/", {"body": "hello"})
    assert r.status_code == 401 and "html" not in r.json()
    draft = make_article(state=Article.State.DRAFT)
    assert _client(alice).post(f"/articles/{draft.slug}/comments/preview/", {"body": "x"}).status_code == 404
    assert Client().get(f"/articles/{article.slug}/comments/preview/").status_code == 405


def test_the_preview_has_its_own_rate_limit(article, alice, settings, monkeypatch):
    from moderation import limits

    settings.VECHE_RATE_LIMITS = True
    monkeypatch.setattr(limits, "PREVIEW", limits.Limit("preview", 2, 600, "Enough previews."))
    c = _client(alice)
    url = f"/articles/{article.slug}/comments/preview/"
    assert [c.post(url, {"body": "x"}).status_code for _ in range(3)] == [200, 200, 429]
    # Posting is not held back by the previews.
    assert c.post(_post_url(article), {"body": "posted"}, HTTP_ACCEPT="application/json").status_code == 201


# --- edit history ----------------------------------------------------------------------------

@pytest.fixture
def edited(alice, article, post, moderator):
    c = post(alice, article, "First words, call 555-1234")
    actions.edit_comment(alice, c, "Second words, call 555-1234")
    moderation_actions.edit(moderator, c, "Second words, call [removed]", "no phone numbers")
    return c


def test_every_edit_keeps_the_text_it_replaced(edited, alice, moderator):
    revs = list(CommentRevision.objects.filter(comment=edited))
    assert [r.body for r in revs] == ["First words, call 555-1234", "Second words, call 555-1234"]
    assert [r.by_moderator for r in revs] == [False, True]
    assert revs[0].replaced_by == alice and revs[1].replaced_by == moderator


@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_moderators_see_the_versions_and_their_diff(role, request, edited):
    html = _client(request.getfixturevalue(role)).get(f"/moderation/comments/{edited.pk}/history/").content.decode()
    assert "First words, call 555-1234" in html and "Second words, call [removed]" in html
    assert '<span class="d del">-First words, call 555-1234</span>' in html
    assert '<span class="d add">+Second words, call 555-1234</span>' in html
    assert "edited by the moderator mod" in html


@pytest.mark.parametrize("role", ["anonymous", "member", "author"])
def test_revisions_are_not_readable_by_non_moderators(role, edited, article, alice, bob):
    who = {"anonymous": None, "member": bob, "author": alice}[role]
    r = _client(who).get(f"/moderation/comments/{edited.pk}/history/")
    assert r.status_code == (302 if who is None else 403)
    page = _client(who).get(article.get_absolute_url()).content.decode()
    assert "555-1234" not in page and "First words" not in page
    assert "edited by a moderator" in page and '<span class="edited mod-note">' in page
    assert "<time datetime=" in page.split('class="edited mod-note"')[1].split("</span>")[0]
    api = _client(who).get(f"/api/v1/articles/{article.slug}/comments/").content.decode()
    assert "555-1234" not in api and "First words" not in api


def test_readers_see_edited_with_its_time(alice, article, post):
    c = post(alice, article, "words")
    assert 'class="edited"' not in Client().get(article.get_absolute_url()).content.decode()
    actions.edit_comment(alice, c, "better words")
    html = Client().get(article.get_absolute_url()).content.decode()
    part = html.split('<span class="edited">')[1].split("</span>")[0]
    assert part.startswith("edited <time datetime=")


def test_text_removed_for_good_leaves_no_earlier_version(edited, moderator):
    """A removal that destroys the text destroys its earlier versions too: the history shows
    none of them, to moderators either."""
    from discussion import actions

    actions.do_set_status(edited, Comment.Status.REMOVED, "illegal", destroy_text=True)
    assert not CommentRevision.objects.filter(comment=edited).exists()
    html = _client(moderator).get(f"/moderation/comments/{edited.pk}/history/").content.decode()
    assert "555-1234" not in html
