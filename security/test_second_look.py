"""What a second look at the fixes found: each test failed before its fix."""

import pytest
from django.core.cache import cache

from discussion import actions
from discussion.models import Comment
from moderation import actions as moderation_actions
from moderation import limits

RIGHT = "correct horse battery"


@pytest.fixture
def noted(alice, article, post, moderator):
    c = post(alice, article, "words a moderator changes")
    moderation_actions.edit(moderator, c, "changed words", "NoteForAliceZq")
    return c


def _private(response) -> bool:
    return "private" in response.get("Cache-Control", "")


def test_what_django_renders_for_a_member_is_private(client, alice, article, post, noted):
    held = post(alice, article, "held words")
    actions.do_set_status(held, Comment.Status.HELD)
    client.force_login(alice)
    for path in (article.get_absolute_url(), f"/articles/{article.slug}/thread/",
                 f"/comments/{held.pk}/reply/", f"/api/v1/articles/{article.slug}/comments/",
                 f"/comments/{noted.pk}/report/"):
        r = client.get(path)
        assert r.status_code == 200 and _private(r), path
        assert "Cookie" in r.get("Vary", ""), path


def test_what_every_visitor_gets_is_not_marked_private(client, article, post, bob):
    post(bob, article, "public words")
    for path in (article.get_absolute_url(), "/", f"/api/v1/articles/{article.slug}/comments/"):
        r = client.get(path)
        assert r.status_code == 200 and not _private(r), path


def test_the_admins_password_change_is_the_sites(client, make_member):
    staff = make_member("staffer", password=RIGHT, is_staff=True, is_superuser=True)
    client.force_login(staff)
    r = client.post("/admin/password_change/", {"old_password": "a guess", "new_password1": "x" * 20,
                                                "new_password2": "x" * 20})
    assert r.status_code == 302 and r["Location"] == "/account/password/"
    staff.refresh_from_db()
    assert staff.check_password(RIGHT)  # nothing was checked or changed there


def test_a_right_old_password_with_mismatched_new_ones_does_not_lock(client, alice, settings):
    settings.VECHE_RATE_LIMITS = True
    client.force_login(alice)
    for _ in range(limits.SIGNIN_ACCOUNT.count + 2):
        r = client.post("/account/password/", {"old_password": RIGHT, "new_password1": "one new phrase here",
                                               "new_password2": "another new phrase"})
        assert r.status_code == 200
    client.logout()
    r = client.post("/signin/", {"username": "alice", "password": RIGHT})
    assert r.status_code == 302  # signed in: the attempts were no guesses


def test_wrong_old_passwords_still_count_toward_the_lock(client, alice, settings):
    settings.VECHE_RATE_LIMITS = True
    client.force_login(alice)
    for _ in range(limits.SIGNIN_ACCOUNT.count):
        client.post("/account/password/", {"old_password": "a guess", "new_password1": "one new phrase here",
                                           "new_password2": "one new phrase here"})
    client.logout()
    assert client.post("/signin/", {"username": "alice", "password": RIGHT}).status_code == 429


def test_a_reply_under_a_held_comment_waits_with_it(client, alice, bob, article, post):
    parent = post(alice, article, "HeldParentZq")
    actions.do_set_status(parent, Comment.Status.HELD)
    reply = actions.post_comment(alice, article, f"> [quote=c{parent.pk}]\n> HeldParentZq\n\nmore", parent.pk)
    assert reply.status == Comment.Status.HELD
    article.refresh_from_db()
    assert article.comment_count == 0
    client.force_login(bob)
    assert client.get(f"/comments/{reply.pk}/reply/").status_code == 404
    assert "HeldParentZq" not in client.get("/members/alice/").content.decode()
    assert "HeldParentZq" not in client.get(article.get_absolute_url()).content.decode()


def test_the_queue_counts_a_reported_held_comment_once(client, moderator, alice, bob, article, post):
    c = post(alice, article, "reported, then held")
    moderation_actions.report(bob, c, "spam", "")
    actions.do_set_status(c, Comment.Status.HELD)
    client.force_login(moderator)
    r = client.get("/moderation/")
    assert r.context["more"] == 0 and "more waits" not in r.content.decode()


def test_a_stream_does_not_open_on_an_article_taken_back_to_draft(article):
    from asgiref.sync import async_to_sync

    from core import pagecache
    from live import stream
    from newsroom.models import Article

    pagecache.SLUGS.put(article.slug, article.pk)  # the front once served it
    Article.objects.filter(pk=article.pk).update(state=Article.State.DRAFT)
    cache.clear()
    assert async_to_sync(stream.article_id_for)(article.slug) is None
