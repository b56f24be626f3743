"""A comment's action page (/comments/<id>/, the thread's "More"): every action the viewer may
take on the comment, and none they may not — for each role and status. Who may read it at all
is security/test_comment_visibility.py's (it walks this address with the others)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from discussion import actions
from discussion.models import Comment

ALL = {"link": "#c{pk}", "reply": "/comments/{pk}/reply/\"", "quote": "/comments/{pk}/reply/?quote=1",
       "report": "/comments/{pk}/report/", "edit": "/comments/{pk}/edit/", "delete": "/comments/{pk}/delete/",
       "ignore": "/members/alice/ignore/", "pick": "/comments/{pk}/pick/",
       "history": "/moderation/comments/{pk}/history/"}


def _offered(member, comment) -> set[str]:
    c = Client()
    if member is not None:
        c.force_login(member)
    r = c.get(f"/comments/{comment.pk}/")
    assert r.status_code == 200
    assert "no-store" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]  # drawn for one viewer
    html = r.content.decode().split('<ul class="comment-actions">')[1].split("</ul>")[0]
    return {name for name, href in ALL.items() if href.format(pk=comment.pk) in html}


@pytest.fixture
def said(alice, article, post):
    return post(alice, article, "Words worth acting on.")


def test_each_role_is_offered_what_it_may_do(said, alice, bob, moderator, editor):
    common = {"link", "reply", "quote"}
    assert _offered(None, said) == common | {"report"}  # the report form asks a visitor to sign in
    assert _offered(bob, said) == common | {"report", "ignore"}
    assert _offered(alice, said) == common | {"edit", "delete"}  # no report or ignore of oneself
    assert _offered(moderator, said) == common | {"report", "ignore", "pick"}
    assert _offered(editor, said) == common | {"report", "ignore", "pick"}


def test_edit_ends_with_its_window_and_history_is_for_moderators_of_edited_comments(said, alice, bob, moderator):
    actions.edit_comment(alice, said, "Words, corrected.")
    assert "history" in _offered(moderator, said)
    assert "history" not in _offered(bob, said) and "history" not in _offered(alice, said)
    Comment.objects.filter(pk=said.pk).update(created=timezone.now() - timedelta(hours=1))
    assert _offered(alice, said) == {"link", "reply", "quote", "delete"}


def test_a_deleted_comment_offers_moderators_only_its_link(said, alice, moderator):
    actions.delete_comment(alice, said)
    assert _offered(moderator, said) == {"link"}
    assert Client().get(f"/comments/{said.pk}/").status_code == 404


def test_a_held_comment_is_its_authors_to_edit_and_delete(said, alice, bob):
    actions.do_set_status(said, Comment.Status.HELD)
    assert _offered(alice, said) == {"link", "reply", "quote", "edit", "delete"}
    c = Client()
    c.force_login(bob)
    assert c.get(f"/comments/{said.pk}/").status_code == 404


def test_a_deleted_account_cannot_be_ignored(said, alice, bob):
    from accounts import actions as account_actions

    account_actions.do_delete_account(alice)
    said.refresh_from_db()
    assert said.author.is_deleted
    assert _offered(bob, said) == {"link", "reply", "quote", "report"}


def test_the_thread_links_every_comment_to_its_page(said, article):
    html = Client().get(article.get_absolute_url()).content.decode()
    li = html.split(f'<li id="c{said.pk}"')[1].split("</li>")[0]
    assert f'<a href="/comments/{said.pk}/" class="more" rel="nofollow">More</a>' in li
    assert f'<a href="#c{said.pk}" class="num">1.</a>' in li


def test_an_unpublished_article_offers_its_editor_no_reply_report_or_pick(said, article, editor, moderator):
    from newsroom.models import Article

    Article.objects.filter(pk=article.pk).update(state=Article.State.DRAFT)
    offered = _offered(editor, said)
    assert not offered & {"reply", "quote", "report", "pick"}, offered
    assert "link" in offered


def test_a_closed_discussion_offers_no_reply(said, article, bob, moderator):
    from newsroom.models import Article

    Article.objects.filter(pk=article.pk).update(comments_open=False)
    for member in (None, bob, moderator):
        offered = _offered(member, said)
        assert not offered & {"reply", "quote"}, offered
    assert "report" in _offered(bob, said) and "pick" in _offered(moderator, said)


@pytest.mark.parametrize(("status", "note"), [(Comment.Status.REMOVED, "removed by a moderator"),
                                              (Comment.Status.HELD, "awaiting moderation")])
def test_a_moderator_is_told_a_comment_is_not_public(said, moderator, status, note):
    actions.do_set_status(said, status)
    c = Client()
    c.force_login(moderator)
    assert note in c.get(f"/comments/{said.pk}/").content.decode()
    actions.do_set_status(said, Comment.Status.VISIBLE)
    assert note not in c.get(f"/comments/{said.pk}/").content.decode()
