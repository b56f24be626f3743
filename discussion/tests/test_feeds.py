"""Atom feeds of comments: what they list (public comments only, each linking to its
permalink), what they never list, and that the cached feed is the one a render from nothing
gives after every change."""

from datetime import timedelta

import pytest
from django.utils import timezone

from discussion import actions
from discussion.page import clear_caches

FEEDS = ("article", "member", "site")


def feed_url(kind, article, member):
    return {"article": f"/articles/{article.slug}/comments/feed/",
            "member": f"/members/{member.login}/comments/feed/",
            "site": "/comments/feed/"}[kind]


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return response.content.decode()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return run


@pytest.mark.parametrize("kind", FEEDS)
def test_a_visible_comment_is_an_entry_linking_to_its_permalink(client, alice, article, post, kind):
    c = post(alice, article, "Worth *reading*")
    body = fetch(client, feed_url(kind, article, alice))
    assert f'href="http://testserver/articles/{article.slug}/#c{c.pk}"' in body
    assert "Worth &lt;em&gt;reading&lt;/em&gt;" in body  # the rendered text, escaped in the XML
    assert "<feed" in body and "alice" in body


@pytest.mark.parametrize("kind", FEEDS)
@pytest.mark.parametrize("status", ["held", "removed", "deleted"])
def test_a_comment_not_visible_is_never_listed(client, alice, article, post, kind, status):
    shown = post(alice, article, "Still here")
    gone = post(alice, article, "Not for feeds")
    if status == "deleted":
        actions.delete_comment(alice, gone)
    else:
        actions.do_set_status(gone, status, "spam" if status == "removed" else "")
    body = fetch(client, feed_url(kind, article, alice))
    assert f"#c{shown.pk}" in body
    assert f"#c{gone.pk}" not in body and "Not for feeds" not in body


@pytest.mark.parametrize("kind", ["member", "site"])
@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_comments_of_an_unpublished_article_are_never_listed(client, alice, make_article, post, kind, state):
    public = make_article()
    hidden = make_article()
    post(alice, public, "On a published article")
    secret = post(alice, hidden, "On a soon hidden article")
    hidden.state = state
    hidden.published_at = timezone.now() + timedelta(days=1)
    hidden.save()
    clear_caches()
    body = fetch(client, feed_url(kind, public, alice))
    assert "On a published article" in body
    assert f"#c{secret.pk}" not in body and "soon hidden" not in body


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_an_unpublished_articles_feed_is_not_found(client, make_article, state):
    a = make_article(state=state, published_at=timezone.now() + timedelta(days=1))
    assert client.get(f"/articles/{a.slug}/comments/feed/").status_code == 404


def test_unknown_member_and_article_are_not_found(client, db):
    assert client.get("/members/nobody/comments/feed/").status_code == 404
    assert client.get("/articles/nothing/comments/feed/").status_code == 404


def test_a_members_feed_lists_only_their_comments(client, alice, bob, article, post):
    post(alice, article, "Alice speaks")
    post(bob, article, "Bob speaks")
    body = fetch(client, f"/members/{alice.login}/comments/feed/")
    assert "Alice speaks" in body and "Bob speaks" not in body


@pytest.mark.parametrize("kind", FEEDS)
def test_the_cached_feed_follows_every_change(client, alice, moderator, article, post, on_commit, kind):
    url = feed_url(kind, article, alice)
    first = on_commit(post, alice, article, "First")
    fetch(client, url)  # cached now
    second = on_commit(post, alice, article, "Second")
    body = fetch(client, url)
    assert f"#c{second.pk}" in body
    on_commit(actions.edit_comment, alice, second, "Second, edited")
    assert "Second, edited" in fetch(client, url)
    on_commit(actions.do_set_status, first, "removed", "spam")
    served = fetch(client, url)
    assert f"#c{first.pk}" not in served
    clear_caches()
    assert served == fetch(client, url)  # what a render from nothing gives


def test_the_article_page_links_its_comments_feed(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert (f'<link rel="alternate" type="application/atom+xml" title="Comments on “{article.title}”" '
            f'href="/articles/{article.slug}/comments/feed/">') in page
