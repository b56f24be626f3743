"""Reading the publication: listings, states, the article, feeds and the read API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom.models import Article, Author, Tag


@pytest.fixture
def published(make_article):
    author = Author.objects.create(name="Anna V", slug="anna-v")
    a = make_article(title="Bridge closes", body="One.\n\n> Quoted words.\n>\n> — said the engineer.\n\nTwo.",
                     author=author, lead="The lead")
    tag = Tag.objects.create(name="Rivers", slug="rivers")
    a.tags.add(tag)
    return a


def test_front_section_tag_author_pages(client, published, make_article):
    make_article(title="Secret draft", state=Article.State.DRAFT)
    make_article(title="Tomorrow", state=Article.State.SCHEDULED, published_at=timezone.now() + timedelta(days=1))
    front = client.get("/").content.decode()
    assert "Bridge closes" in front and "Secret draft" not in front and "Tomorrow" not in front
    assert "0 views" in front and "0 comments" in front
    for url in ("/section/news/", "/tag/rivers/", "/author/anna-v/"):
        html = client.get(url).content.decode()
        assert "Bridge closes" in html, url
        assert html.count("<h1") == 1
    assert client.get("/section/nope/").status_code == 404


def test_scheduled_articles_appear_at_their_time(client, make_article):
    a = make_article(title="Later", state=Article.State.SCHEDULED, published_at=timezone.now() + timedelta(hours=1))
    assert client.get(a.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=a.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert client.get(a.get_absolute_url()).status_code == 200


def test_editors_preview_drafts(client, make_article, make_member):
    from django.contrib.auth.models import Permission

    draft = make_article(title="Draft", state=Article.State.DRAFT)
    editor = make_member("editor")
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(editor)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_article_body_has_anchors_and_attributed_quotations(client, published):
    html = client.get(published.get_absolute_url()).content.decode()
    assert '<figure class="quotation"><blockquote>' in html
    assert "<figcaption" in html and "— said the engineer." in html
    assert html.count('<p id="p-') >= 3
    assert html.count("<h1") == 1


def test_one_view_is_one_view(client, published):
    Article.objects.filter(pk=published.pk).update(views=1)
    html = client.get(published.get_absolute_url()).content.decode()
    assert "1 view<" in html and "1 views" not in html


def test_views_are_counted(client, published):
    from newsroom import viewcount

    for _ in range(55):
        client.get(published.get_absolute_url())
    assert "0 views" in client.get(published.get_absolute_url()).content.decode()  # not written yet
    assert viewcount.flush() == 56
    published.refresh_from_db()
    assert published.views == 56
    assert "56 views" in client.get(published.get_absolute_url()).content.decode()


def test_pagination(client, make_article):
    for i in range(45):
        make_article(title=f"Story {i}", published_at=timezone.now() - timedelta(minutes=i))
    assert "Story 0" in client.get("/").content.decode()
    page3 = client.get("/?page=3").content.decode()
    assert "Story 44" in page3 and "Page 3 of 3" in page3
    for bad in ("999", "-1", "abc", "1' OR '1'='1"):
        assert client.get("/", {"page": bad}).status_code == 200


def test_atom_feeds(client, published):
    feed = client.get("/feed/")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    assert b"Bridge closes" in feed.content
    assert b"Bridge closes" in client.get("/section/news/feed/").content


def test_read_api(client, published, alice, post):
    c = post(alice, published, "first")
    post(alice, published, "reply", parent=c)
    data = client.get("/api/v1/articles/").json()
    assert data["count"] == 1 and data["results"][0]["slug"] == published.slug
    one = client.get(f"/api/v1/articles/{published.slug}/").json()
    assert one["comment_count"] == 2 and "figure" in one["body_html"]
    tree = client.get(f"/api/v1/articles/{published.slug}/comments/").json()["comments"]
    top = tree[0]
    assert set(top) >= {"id", "number", "parent", "author", "created", "edited", "body_html", "plus",
                        "minus", "children"}
    assert top["number"] == "1" and top["children"][0]["number"] == "1.1"
    assert top["author"] == {"login": "alice", "real_name": "Alice Liddell", "presence": "offline",
                             "rating": 0, "deleted": False}
    assert top["created"].endswith("+03:00")
    assert client.get("/api/v1/articles/missing/comments/").status_code == 404


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/articles/{slug}/comments/" in doc["paths"]
    assert "children" in doc["components"]["schemas"]["Comment"]["properties"]


def test_an_edited_or_withdrawn_article_leaves_the_page_cache_at_once(
        client, published, django_capture_on_commit_callbacks):
    from core import pagecache
    from newsroom.actions import do_save_article

    client.get(published.get_absolute_url())
    assert pagecache.lookup("page", published.slug, "oldest:1:en") is not None
    published.title = "A corrected headline"
    with django_capture_on_commit_callbacks(execute=True):
        do_save_article(published)
    assert pagecache.lookup("page", published.slug, "oldest:1:en") is None
    assert "A corrected headline" in client.get(published.get_absolute_url()).content.decode()
    published.state = published.State.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        do_save_article(published)
    assert pagecache.lookup("page", published.slug, "oldest:1:en") is None
    assert client.get(published.get_absolute_url()).status_code == 404


def test_the_article_read_by_one_statement_agrees_with_the_orm(published, make_article, make_member):
    from django.http import Http404

    from newsroom import views

    published.author.member = make_member("anna")  # the author's member is read with it
    published.author.save()
    published.tags.add(Tag.objects.create(name="Arctic", slug="arctic"))  # tags by name
    for obj in (published, make_article(title="No author, no tags")):
        narrow = views.published_article(obj.slug)
        full = Article.objects.select_related("section", "author").get(pk=obj.pk)
        for f in Article._meta.concrete_fields:
            assert getattr(narrow, f.attname) == getattr(full, f.attname), f.attname
        assert (narrow.section.name, narrow.section.get_absolute_url()) == (full.section.name,
                                                                           full.section.get_absolute_url())
        assert (narrow.author and (narrow.author.name, narrow.author.get_absolute_url())) == \
            (full.author and (full.author.name, full.author.get_absolute_url()))
        assert (narrow.author and narrow.author.member_id) == (full.author and full.author.member_id)
        assert not narrow._state.adding and narrow.published_at.tzinfo is not None
        assert [(t.pk, t.name, t.get_absolute_url()) for t in views.article_tags(narrow)] == \
            [(t.pk, t.name, t.get_absolute_url()) for t in full.tags.order_by("name")]
    draft = make_article(state=Article.State.DRAFT)
    later = make_article(state=Article.State.SCHEDULED, published_at=timezone.now() + timedelta(hours=1))
    for hidden in (draft.slug, later.slug, "no-such-article"):
        with pytest.raises(Http404):
            views.published_article(hidden)
