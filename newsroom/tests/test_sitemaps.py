"""Sitemaps, the news sitemap and robots.txt through the test client: published articles only,
lastmod from the article and its public discussion, absolute addresses from VECHE_SITE_URL,
and every URL that is not for crawlers kept out of them."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from discussion import actions
from discussion.models import Comment
from newsroom.models import Article, Author, Section, Tag
from newsroom.tests.seo_helpers import SITE

pytestmark = pytest.mark.usefixtures("site_url")

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


@pytest.fixture
def site_url():
    with override_settings(VECHE_SITE_URL=SITE, VECHE_SITE_NAME="The Veche Gazette"):
        yield


def xml(client, path, **query):
    r = client.get(path, query)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/xml")
    assert "public" in r["Cache-Control"] and "max-age=300" in r["Cache-Control"]
    return ET.fromstring(r.content)


def urls(client, path) -> dict[str, str | None]:
    """loc → lastmod of a sitemap."""
    root = xml(client, path)
    return {u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS)
            for u in root.findall("s:url", NS)}


def stamp(moment) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


@pytest.fixture
def publication(make_article):
    now = timezone.now()
    anna = Author.objects.create(name="Anna V", slug="anna-v")
    ghost = Author.objects.create(name="Only drafts", slug="ghost")
    rivers = Tag.objects.create(name="Rivers", slug="rivers")
    secret = Tag.objects.create(name="Secret", slug="secret")
    Section.objects.create(name="Empty", slug="empty")
    shown = make_article(title="Shown", slug="shown", author=anna, published_at=now - timedelta(hours=3))
    shown.tags.add(rivers)
    old = make_article(title="Old", slug="old", published_at=now - timedelta(days=5))
    due = make_article(title="Due", slug="due", state=Article.State.SCHEDULED, published_at=now - timedelta(hours=1))
    draft = make_article(title="Draft", slug="draft", author=ghost, section="Drafts", state=Article.State.DRAFT)
    draft.tags.add(secret)
    future = make_article(title="Future", slug="future", state=Article.State.SCHEDULED,
                          published_at=now + timedelta(hours=1), section="Drafts")
    future.tags.add(secret)
    return {"shown": shown, "old": old, "due": due, "draft": draft, "future": future}


def test_the_index_names_every_sitemap_by_its_absolute_address(client, publication):
    root = xml(client, "/sitemap.xml")
    locs = [s.findtext("s:loc", namespaces=NS) for s in root.findall("s:sitemap", NS)]
    assert locs == [f"{SITE}/sitemap-{n}.xml" for n in ("articles", "sections", "tags", "authors", "members")]
    for name in ("articles", "sections", "tags", "authors", "members"):
        assert client.get(f"/sitemap-{name}.xml").status_code == 200
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-articles.xml", {"p": "x"}).status_code == 404


def test_only_published_articles_sections_tags_and_authors_are_listed(client, publication):
    articles = urls(client, "/sitemap-articles.xml")
    assert set(articles) == {f"{SITE}/articles/{s}/" for s in ("shown", "old", "due")}
    for slug in ("draft", "future"):
        assert not any(slug in loc for loc in articles)
    assert set(urls(client, "/sitemap-sections.xml")) == {f"{SITE}/section/news/"}  # not Empty, not Drafts
    assert set(urls(client, "/sitemap-tags.xml")) == {f"{SITE}/tag/rivers/"}
    assert set(urls(client, "/sitemap-authors.xml")) == {f"{SITE}/author/anna-v/"}


def test_an_article_s_lastmod_is_its_own_or_its_latest_public_comment(client, publication, alice, bob, post):
    shown, old = publication["shown"], publication["old"]
    loc = f"{SITE}/articles/shown/"
    assert urls(client, "/sitemap-articles.xml")[loc] == stamp(shown.published_at)
    spoken = post(alice, shown, "Words")
    spoken_at = timezone.now() - timedelta(hours=1)
    Comment.objects.filter(pk=spoken.pk).update(created=spoken_at)
    assert urls(client, "/sitemap-articles.xml")[loc] == stamp(spoken_at)
    # A comment nobody else may read moves nothing: held, removed, deleted.
    before = urls(client, "/sitemap-articles.xml")
    for status in (Comment.Status.HELD, Comment.Status.REMOVED, Comment.Status.DELETED):
        c = post(bob, shown, f"{status} words")
        Comment.objects.filter(pk=c.pk).update(status=status, created=timezone.now() + timedelta(minutes=5))
        assert urls(client, "/sitemap-articles.xml") == before, status
    # An edit of a public comment is a change of the discussion.
    edited_at = timezone.now() - timedelta(minutes=30)
    Comment.objects.filter(pk=spoken.pk).update(edited=edited_at)
    assert urls(client, "/sitemap-articles.xml")[loc] == stamp(edited_at)
    assert urls(client, "/sitemap-articles.xml")[f"{SITE}/articles/old/"] == stamp(old.published_at)
    # The index's lastmod of the articles is the latest of them all: here, that edit.
    root = xml(client, "/sitemap.xml")
    assert root.find("s:sitemap", NS).findtext("s:lastmod", namespaces=NS) == stamp(edited_at)


def test_a_comment_on_a_draft_moves_no_lastmod(client, publication, alice, post):
    draft = publication["draft"]
    Article.objects.filter(pk=draft.pk).update(state=Article.State.PUBLISHED)
    actions.post_comment(alice, Article.objects.get(pk=draft.pk), "On a draft soon")
    Article.objects.filter(pk=draft.pk).update(state=Article.State.DRAFT)
    root = xml(client, "/sitemap.xml")
    assert root.find("s:sitemap", NS).findtext("s:lastmod", namespaces=NS) == stamp(publication["due"].published_at)


def test_the_news_sitemap_holds_the_last_two_days(client, publication, make_article):
    make_article(title="Fish & </title> <chips>", slug="fish")
    root = xml(client, "/sitemap-news.xml")
    items = {u.findtext("s:loc", namespaces=NS): u.find("news:news", NS) for u in root.findall("s:url", NS)}
    assert set(items) == {f"{SITE}/articles/{s}/" for s in ("shown", "due", "fish")}  # not old, draft, future
    news = items[f"{SITE}/articles/shown/"]
    assert news.findtext("news:publication/news:name", namespaces=NS) == "The Veche Gazette"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:publication_date", namespaces=NS) == stamp(publication["shown"].published_at)
    assert news.findtext("news:title", namespaces=NS) == "Shown"
    assert items[f"{SITE}/articles/fish/"].findtext("news:title", namespaces=NS) == "Fish & </title> <chips>"


def test_sitemaps_for_members_say_the_same(client, publication, alice):
    anonymous = client.get("/sitemap-articles.xml").content
    client.force_login(alice)
    r = client.get("/sitemap-articles.xml")
    assert r.content == anonymous and "public" in r["Cache-Control"]


# --- robots.txt ------------------------------------------------------------------------

def rules(text: str) -> list[tuple[bool, str]]:
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() in ("allow", "disallow") and value.strip():
            found.append((key.strip().lower() == "allow", value.strip()))
    return found


def allowed(robots: list[tuple[bool, str]], path: str) -> bool:
    """RFC 9309: the longest matching rule wins, an allow on a tie; * is any characters."""
    best = (-1, True)
    for allow, pattern in robots:
        regex = "".join(".*" if ch == "*" else re.escape(ch) for ch in pattern.rstrip("$"))
        matches = re.match(regex + ("$" if pattern.endswith("$") else ""), path)
        if matches and (len(pattern) > best[0] or (len(pattern) == best[0] and allow)):
            best = (len(pattern), allow)
    return best[1]


# What crawlers may read: the publication's pages, its feeds, its rules, what they read to
# find them, and member profiles (each of which says itself whether it may be indexed:
# accounts/tests/test_profile_seo.py). Every other URL — forms, a member's own pages,
# moderation, the admin, the APIs, comment actions, the live stream — must be kept from them.
PUBLIC = {"newsroom:front", "newsroom:feed", "newsroom:section", "newsroom:section-feed", "newsroom:tag",
          "newsroom:author", "newsroom:article", "newsroom:sitemap", "newsroom:sitemap-news",
          "newsroom:sitemap-section", "moderation-rules", "robots", "accounts:signup",
          "accounts:profile", "media"}  # media: article images


def _samples(patterns, prefix="", namespace=""):
    """(name, an address it answers) of every URL pattern of the site, nested ones included."""
    for p in patterns:
        route = str(p.pattern)
        if route.startswith("^"):  # a regular expression (the admin's): its literal start
            route = re.split(r"[\\(\[?*+$]", route[1:], maxsplit=1)[0]
        route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "7" if m.group(1) in ("pk", "id") else "some-slug", route)
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _samples(p.url_patterns, prefix + route, ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else f"{prefix + route}", "/" + prefix + route


def test_robots_keeps_crawlers_to_the_publication(client):
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r["Content-Type"] == "text/plain; charset=utf-8"
    assert "public" in r["Cache-Control"]
    text = r.content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in text and f"Sitemap: {SITE}/sitemap-news.xml" in text
    robots = rules(text)
    samples = list(_samples(get_resolver().url_patterns))
    assert len(samples) > 40  # the admin's patterns are walked too
    for name, path in samples:
        if name in PUBLIC:
            assert allowed(robots, path), (name, path)
        else:
            assert not allowed(robots, path), (name, path)
    for path in ("/articles/some-slug/?p=2", "/articles/some-slug/?order=newest", "/static/veche/site.css",
                 "/section/news/?page=3", "/signup/", "/members/alice/", "/members/Bob%20Smith/"):
        assert allowed(robots, path), path
    assert "Disallow: /members/\n" not in text  # profiles say noindex themselves
    for path in ("/members/alice/ignore/", "/members/alice/comments/feed/",
                 "/comments/7/report/", "/articles/x/comments/", "/articles/x/thread/?p=2",
                 "/articles/x/events/", "/api/v1/articles/x/comments/", "/admin/", "/moderation/",
                 "/password-reset/", "/account/", "/signin/?next=/", "/search/?q=x"):
        assert not allowed(robots, path), path


def test_the_profiles_listed_are_those_that_ask_to_be_indexed(client, publication, make_member, post):
    """Exactly the profiles that do not say noindex: their member opted in, the account is
    live, and it lists a public comment; last modified at the latest public comment."""
    from accounts.actions import do_set_profile_indexable

    shown, draft = publication["shown"], publication["draft"]
    found = {name: make_member(name) for name in ("found", "private", "silent", "held", "gone", "drafty", "off")}
    for name, member in found.items():
        if name != "private":
            do_set_profile_indexable(member, True)
    said = post(found["found"], shown, "Public words")
    at = timezone.now() - timedelta(hours=2)
    Comment.objects.filter(pk=said.pk).update(created=at)
    post(found["private"], shown, "Not to be found")
    held = post(found["held"], shown, "Held words")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.HELD)
    post(found["off"], shown, "Then an administrator switched the account off")
    type(found["off"]).objects.filter(pk=found["off"].pk).update(is_active=False)
    post(found["gone"], shown, "Then deleted the account")
    type(found["gone"]).objects.filter(pk=found["gone"].pk).update(is_deleted=True)
    Article.objects.filter(pk=draft.pk).update(state=Article.State.PUBLISHED)
    post(found["drafty"], Article.objects.get(pk=draft.pk), "On a draft soon")
    Article.objects.filter(pk=draft.pk).update(state=Article.State.DRAFT)
    assert urls(client, "/sitemap-members.xml") == {f"{SITE}/members/found/": stamp(at)}
    edited = timezone.now() - timedelta(minutes=5)  # an edit changes the profile's text
    Comment.objects.filter(pk=said.pk).update(edited=edited)
    assert urls(client, "/sitemap-members.xml") == {f"{SITE}/members/found/": stamp(edited)}
    index = xml(client, "/sitemap.xml")
    assert [s.findtext("s:lastmod", namespaces=NS) for s in index.findall("s:sitemap", NS)
            if s.findtext("s:loc", namespaces=NS).endswith("-members.xml")] == [stamp(edited)]
    for name in ("private", "silent", "held", "gone", "drafty", "off"):  # each says noindex on its page
        assert 'content="noindex' in client.get(f"/members/{name}/").content.decode(), name
    assert 'content="noindex' not in client.get("/members/found/").content.decode()
