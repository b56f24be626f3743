"""The discussion through HTTP: plain forms without JavaScript, JSON for the page's script."""

import pytest
from django.test import Client

from discussion.models import Comment, Vote

JSON = {"HTTP_ACCEPT": "application/json"}


def test_visitor_sees_the_sign_in_line_and_member_sees_the_form(client, alice, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Dear reader, to leave comments on the publication, you must" in html
    assert 'id="comment-form"' not in html
    client.force_login(alice)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="comment-form"' in html and "Dear reader" not in html


def test_posting_with_a_plain_form_redirects_to_the_comment(client, alice, article):
    client.force_login(alice)
    r = client.post(f"/articles/{article.slug}/comments/", {"body": "Plain form :smile:", "idempotency_key": "a" * 32})
    c = Comment.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"#c{c.pk}")
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'id="c{c.pk}"' in page and 'alt="smile"' in page


def test_replying_without_javascript(client, alice, bob, article, post):
    parent = post(alice, article, "Parent words")
    client.force_login(bob)
    form = client.get(f"/comments/{parent.pk}/reply/").content.decode()
    assert "Reply to alice" in form and 'name="parent"' in form
    quoted = client.get(f"/comments/{parent.pk}/reply/?quote=1").content.decode()
    assert f"&gt; [quote=c{parent.pk}]\n&gt; Parent words" in quoted
    r = client.post(f"/comments/{parent.pk}/reply/", {"body": "A reply", "parent": parent.pk})
    reply = Comment.objects.get(body="A reply")
    assert r.status_code == 302 and reply.parent_id == parent.pk


def test_bad_input_gets_a_form_error_and_writes_nothing(client, alice, article):
    client.force_login(alice)
    r = client.post(f"/articles/{article.slug}/comments/", {"body": "   "})
    assert r.status_code == 400 and "The comment is empty" in r.content.decode()
    r = client.post(f"/articles/{article.slug}/comments/", {"body": "x" * 10_001})
    assert r.status_code == 400 and "at most 10,000 characters" in r.content.decode()
    r = client.post(f"/articles/{article.slug}/comments/", {"body": "hi", "parent": 999999}, **JSON)
    assert r.status_code == 400 and r.json()["error"] == "no_parent"
    assert not Comment.objects.exists()


def test_json_posting_returns_the_fragment(client, alice, article):
    client.force_login(alice)
    r = client.post(f"/articles/{article.slug}/comments/", {"body": "via fetch"}, **JSON)
    assert r.status_code == 201
    data = r.json()
    assert data["number"] == 1 and data["depth"] == 0 and f'id="c{data["id"]}"' in data["html"]
    assert "\x00" not in data["html"]


def test_signed_out_post_keeps_the_draft_through_sign_in(client, alice, article):
    r = client.post(f"/articles/{article.slug}/comments/", {"body": "My careful draft"})
    assert r.status_code == 302 and r["Location"].startswith("/signin/?next=")
    assert not Comment.objects.exists()
    r = client.post("/signin/", {"username": "ALICE", "password": "correct horse battery",
                                 "next": article.get_absolute_url()})
    assert r.status_code == 302
    page = client.get(article.get_absolute_url()).content.decode()
    assert "My careful draft</textarea>" in page


def test_a_post_without_csrf_token_is_refused(alice, article):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(alice)
    r = csrf_client.post(f"/articles/{article.slug}/comments/", {"body": "forged"})
    assert r.status_code == 403
    r = csrf_client.post("/comments/1/vote/", {"value": 1})
    assert r.status_code == 403
    assert not Comment.objects.exists()


def test_votes_by_form_toggle_and_by_json(client, alice, bob, article, post):
    c = post(alice, article, "vote")
    client.force_login(bob)
    r = client.post(f"/comments/{c.pk}/vote/", {"value": "1"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert (c.plus, c.minus) == (1, 0)
    client.post(f"/comments/{c.pk}/vote/", {"value": "1"})  # the same button again takes it back
    c.refresh_from_db()
    assert (c.plus, c.minus) == (0, 0)
    r = client.post(f"/comments/{c.pk}/vote/", {"value": "-1", "mode": "set"}, **JSON)
    assert r.json() == {"id": c.pk, "plus": 0, "minus": 1, "mine": -1}
    r = client.post(f"/comments/{c.pk}/vote/", {"value": "abc"}, **JSON)
    assert r.status_code == 400
    client.force_login(alice)
    r = client.post(f"/comments/{c.pk}/vote/", {"value": "1"}, **JSON)
    assert r.status_code == 403 and "own comment" in r.json()["message"]
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200


def test_the_viewer_sees_their_marks(client, alice, bob, article, post):
    c = post(alice, article, "mine")
    other = post(bob, article, "theirs")
    Vote.objects.create(comment=other, voter=alice, value=1)
    client.force_login(alice)
    html = client.get(article.get_absolute_url()).content.decode()
    # Their own comment: no vote buttons (its Edit and Delete are added by the script, and on
    # its action page); the comment they voted for: their +1 marked; nothing else marked.
    assert f"#c{c.pk}>button{{display:none}}" in html and f"#c{other.pk}>button" not in html
    assert f"#c{other.pk}>.plus" in html and f"#c{c.pk}>.plus" not in html and f"#c{other.pk}>.minus" not in html
    assert f'"{other.pk}": 1' in html  # the JSON for the script


def test_edit_and_delete_pages(client, alice, bob, article, post):
    c = post(alice, article, "draft words")
    client.force_login(bob)
    assert client.get(f"/comments/{c.pk}/edit/").status_code == 403
    assert client.post(f"/comments/{c.pk}/edit/", {"body": "hacked"}).status_code == 403
    assert client.post(f"/comments/{c.pk}/delete/").status_code == 403
    client.force_login(alice)
    assert client.get(f"/comments/{c.pk}/edit/", **JSON).json()["body"] == "draft words"
    r = client.post(f"/comments/{c.pk}/edit/", {"body": "better words"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.body == "better words" and c.edited
    r = client.post(f"/comments/{c.pk}/delete/", **JSON)
    assert r.json()["status"] == "deleted"


def test_get_never_changes_state(client, alice, bob, article, post):
    c = post(alice, article, "x")
    client.force_login(bob)
    for url in (f"/comments/{c.pk}/vote/", f"/articles/{article.slug}/comments/"):
        assert client.get(url).status_code == 405
    client.get(f"/comments/{c.pk}/delete/")
    c.refresh_from_db()
    assert c.status == "visible" and not Vote.objects.exists()


@pytest.mark.parametrize("order", ["oldest", "newest", "best", "'; DROP TABLE x;--"])
def test_orders_and_bad_orders(client, alice, article, post, order):
    post(alice, article, "x")
    assert client.get(article.get_absolute_url(), {"order": order}).status_code == 200


def test_the_narrow_reads_of_posting_and_voting_agree_with_the_orm(alice, bob, article, post):
    """Posting and voting read their article and comment by written-out statements: every
    field they fill, and every field loaded later on demand, equals the ORM's."""
    from django.http import Http404

    from discussion import views
    from newsroom.models import Article

    c = post(alice, article, "words")
    for narrow, full in ((views._post_target(article.slug), Article.objects.select_related("section").get(pk=article.pk)),
                         (views._vote_target(c.pk), Comment.objects.get(pk=c.pk))):
        loaded = set(narrow.__dict__) & {f.attname for f in type(full)._meta.concrete_fields}
        assert loaded and len(loaded) < len(type(full)._meta.concrete_fields)  # some fields only
        for f in type(full)._meta.concrete_fields:  # loaded or fetched on access, all equal
            assert getattr(narrow, f.attname) == getattr(full, f.attname), f.attname
    assert views._post_target(article.slug).section.premoderated == article.section.premoderated
    # The article's author comes along (a new comment's "author" badge), with or without a member.
    from newsroom.models import Author

    for member in (alice, None):
        article.author = Author.objects.create(name=f"Writer {member}", slug=f"writer-{member}", member=member)
        article.save()
        narrow = views._post_target(article.slug)
        assert (narrow.author_id, narrow.author.member_id) == (article.author_id, member and member.pk)
    assert views._vote_target(c.pk).get_absolute_url() == c.get_absolute_url()
    article.state = Article.State.DRAFT
    article.save()
    for narrow in (lambda: views._post_target(article.slug), lambda: views._vote_target(c.pk)):
        with pytest.raises(Http404):
            narrow()
