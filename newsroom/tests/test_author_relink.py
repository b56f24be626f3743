"""An author re-linked to another member in the admin moves the "Author" badge on every
discussion of their articles: it leaves the old member's comments and reaches the new one's,
on the pages served from the caches as on the page rendered from nothing."""

import pytest
from django.test import Client

from config.tests.test_front import _executor_connections_closed, signed_in  # noqa: F401
from config.tests.test_invalidation import _from_nothing, _served
from config.tests.test_review_caches import _badges_of
from conftest import fresh_content_types
from core import pagecache
from newsroom.actions import do_save_article
from newsroom.models import Article, Author

pytestmark = pytest.mark.django_db(transaction=True)  # the front reads in its own threads


def _admin(make_member) -> Client:
    fresh_content_types()  # the admin logs each change under the Author's content type
    boss = make_member("boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(boss)
    return client


def _change(client: Client, author: Author, member) -> None:
    response = client.post(f"/admin/newsroom/author/{author.pk}/change/", {
        "name": author.name, "slug": author.slug, "bio": author.bio, "member": member.pk if member else ""})
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def byline(article, make_member):
    writer = make_member("writer")
    author = Author.objects.create(name="A. Writer", slug="writer", member=writer)
    article.author = author
    do_save_article(article)
    return author, writer


def test_relinking_an_author_moves_the_badge_on_served_pages(article, post, make_member, bob, byline):
    pagecache.SLUGS.clear()
    author, writer = byline
    by_writer, by_bob = post(writer, article, "from the writer"), post(bob, article, "from bob")
    url = article.get_absolute_url()
    _, bob_cookies = signed_in(bob)
    for html in (_served(url), _served(url, bob_cookies)):  # both copies kept before the change
        assert _badges_of(html, by_writer) == ["author"]
        assert _badges_of(html, by_bob) == []
    before = Article.objects.get(pk=article.pk).thread_version

    _change(_admin(make_member), author, bob)

    assert Article.objects.get(pk=article.pk).thread_version > before
    served_anon, served_member = _served(url), _served(url, bob_cookies)
    for html in (served_anon, served_member):
        assert _badges_of(html, by_bob) == ["author"], "the new member has no badge"
        assert _badges_of(html, by_writer) == [], "the old member keeps the badge"
    assert served_anon == _from_nothing(url)
    assert served_member == _from_nothing(url, bob_cookies)


def test_unlinking_and_deleting_an_author_take_the_badge_away(article, post, make_member, byline):
    pagecache.SLUGS.clear()
    author, writer = byline
    said = post(writer, article, "from the writer")
    url = article.get_absolute_url()
    assert _badges_of(_served(url), said) == ["author"]
    admin = _admin(make_member)
    _change(admin, author, None)
    served = _served(url)
    assert _badges_of(served, said) == []
    assert served == _from_nothing(url)

    _change(admin, author, writer)  # linked again: the badge is back
    assert _badges_of(_served(url), said) == ["author"]
    response = admin.post(f"/admin/newsroom/author/{author.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).author_id is None
    served = _served(url)
    assert _badges_of(served, said) == []
    assert served == _from_nothing(url)


def test_saving_an_author_unchanged_moves_no_version(article, make_member, byline):
    author, writer = byline
    before = Article.objects.get(pk=article.pk).thread_version
    _change(_admin(make_member), author, writer)
    assert Article.objects.get(pk=article.pk).thread_version == before
