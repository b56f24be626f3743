"""What the article, front and listing pages say to search engines and link previews: canonical
addresses, descriptions, OpenGraph and Twitter tags, and the JSON-LD NewsArticle with its
public comments — the same for every reader, never a comment that is not public."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from discussion import actions, threads
from discussion.models import Comment
from newsroom import seo
from newsroom.actions import do_save_article
from newsroom.models import Article, Author, Tag
from newsroom.tests.seo_helpers import SITE, ld_text, read

pytestmark = pytest.mark.usefixtures("site_url")

HOSTILE = "</script><script>alert(1)</script>"


@pytest.fixture
def site_url():
    with override_settings(VECHE_SITE_URL=SITE + "/", VECHE_SITE_NAME="The Veche Gazette"):
        yield


@pytest.fixture
def story(make_article):
    author = Author.objects.create(name="Anna V", slug="anna-v")
    a = make_article(title="Bridge closes", slug="bridge", author=author,
                     lead="  The old bridge\ncloses for repairs  on Monday. ")
    a.tags.add(Tag.objects.create(name="Rivers", slug="rivers"))
    return a


def page(client, article, **query):
    r = client.get(article.get_absolute_url(), query)
    assert r.status_code == 200
    return r.content.decode()


def test_an_edit_moves_the_modified_time_and_nothing_else_does(client, story, alice, post):
    from datetime import timedelta

    from newsroom.actions import do_save_article

    published = timezone.localtime(story.published_at).replace(microsecond=0).isoformat()
    post(alice, story, "A comment is not an edit of the article")
    assert read(page(client, story)).one("article:modified_time") == published
    later = timezone.now() + timedelta(minutes=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        story.title = "Bridge closes for a week"
        do_save_article(story)
    head = read(page(client, story))
    edited = timezone.localtime(later).replace(microsecond=0).isoformat()
    assert head.one("article:modified_time") == edited and head.one("article:published_time") == published
    assert head.article["dateModified"] == edited and head.article["datePublished"] == published


def test_article_head_canonical_description_opengraph_and_twitter(client, story):
    head = read(page(client, story))
    url = f"{SITE}/articles/bridge/"
    assert head.canonical == url
    assert head.one("description") == "The old bridge closes for repairs on Monday."
    assert head.one("og:type") == "article"
    assert head.one("og:title") == "Bridge closes"
    assert head.one("og:description") == "The old bridge closes for repairs on Monday."
    assert head.one("og:url") == url
    assert head.one("og:site_name") == "The Veche Gazette"
    published = timezone.localtime(story.published_at).replace(microsecond=0).isoformat()
    assert head.one("article:published_time") == published
    assert head.one("article:modified_time") == published  # never edited: modified when published
    assert head.one("article:section") == "News" and head.one("article:tag") == "Rivers"
    assert head.one("twitter:card") == "summary" and head.one("twitter:title") == "Bridge closes"
    assert "robots" not in head.meta  # a published article is indexed


def test_description_is_plain_text_and_limited(client, make_article):
    long = make_article(lead="word " * 100)
    d = read(page(client, long)).one("description")
    assert len(d) <= seo.DESCRIPTION_CHARS and d.endswith("…") and "  " not in d
    # Without a lead, the text's first words as a reader sees them, without their markup.
    bare = make_article(body="**Strong** words & [a link](https://example.org/)\n\n> a <b>quote</b>", lead="")
    d = read(page(client, bare)).one("description")
    assert d == "Strong words & a link a <b>quote</b>"
    # Blocks keep their words apart, a tag before a comma or inside a word adds no space, and
    # a body whose start is long markup (a link's address, a figure) is read further for its words.
    blocks = make_article(body="One\n\nTwo, **un**believable\n\n" + "[a link](https://example.org/" + "x" * 2000 + ")",
                          lead="")
    d = read(page(client, blocks)).one("description")
    assert d == "One Two, unbelievable a link" and "<" not in d and "example" not in d


def test_markup_words_say_what_strip_tags_says_reading_only_the_start():
    from html import unescape

    from django.utils.html import strip_tags

    from core.markup import render_article

    bodies = ["The council, citing [a new report](https://example.org/r), voted to close the *old* bridge.",
              "**un**believable H<sub>2</sub>O\n\n> a quote\n\n- one\n- two\n\nline  \nbreak",
              "[" + "link " * 3 + "](https://example.org/" + "z" * 3000 + ")\n\nAfter the long link."]
    for body in bodies:
        html = render_article(body)
        whole = " ".join(unescape(strip_tags(html)).split())
        assert seo.markup_words(html, 10_000) == whole
        assert whole.startswith(seo.markup_words(html, 20)) and len(seo.markup_words(html, 20)) > 20
    figure = '<figure><picture><source srcset="' + "https://bucket.example/x.avif 1x, " * 60 + '"></picture></figure>'
    assert seo.markup_words(figure + "<p>The words after a figure.</p>", 160) == "The words after a figure."
    html = "<p>" + "word " * 40 + '<a href="https://example.org/' + "y" * 400 + '">link</a></p>'
    assert seo.markup_words(html, 300) == " ".join(["word"] * 40) + " link"
    assert seo.markup_words(html, 30) == " ".join(["word"] * 40)  # the reading stops in the link's tag: left out
    assert seo.markup_words("<p>a &amp; b</p>\n<p>c&lt;d</p>", 100) == "a & b c<d"
    assert seo.markup_words("", 10) == "" and seo.markup_words(None, 10) == ""


def test_json_ld_news_article_and_comments_validate(client, story, alice, bob, post):
    first = post(alice, story, "First *words*\n\nsecond paragraph")
    reply = post(bob, story, "A reply", parent=first)
    actions.vote(bob, first, 1)
    data = read(page(client, story)).article
    # schema.org NewsArticle: the properties search engines require of it.
    assert data["@context"] == "https://schema.org"
    for prop in ("headline", "datePublished", "dateModified", "author", "publisher", "mainEntityOfPage"):
        assert data[prop], prop
    assert data["headline"] == "Bridge closes"
    assert data["author"] == {"@type": "Person", "name": "Anna V", "url": f"{SITE}/author/anna-v/"}
    assert data["publisher"]["@type"] == "Organization" and data["publisher"]["name"] == "The Veche Gazette"
    assert data["mainEntityOfPage"]["@id"] == f"{SITE}/articles/bridge/"
    assert data["commentCount"] == 2
    comments = data["comment"]
    assert [c["url"] for c in comments] == [f"{SITE}/articles/bridge/#c{first.pk}",
                                            f"{SITE}/articles/bridge/#c{reply.pk}"]
    for c in comments:  # schema.org Comment
        assert c["@type"] == "Comment" and c["author"]["@type"] == "Person"
        assert c["author"]["name"] and c["dateCreated"] and c["text"]
    assert comments[0]["author"]["name"] == "alice"
    assert comments[0]["text"] == "First words second paragraph"
    assert (comments[0]["upvoteCount"], comments[0]["downvoteCount"]) == (1, 0)
    assert comments[0]["dateCreated"] == timezone.localtime(first.created).replace(microsecond=0).isoformat()


def test_an_article_without_author_is_by_the_publication(client, article):
    data = read(page(client, article)).article
    assert data["author"] == {"@type": "Organization", "name": "The Veche Gazette", "url": f"{SITE}/"}


def test_comment_text_is_truncated_and_the_list_limited(client, article, alice, post, monkeypatch):
    from discussion import page as discussion_page

    monkeypatch.setattr(discussion_page, "STRUCTURED_COMMENTS", 3)
    long = post(alice, article, "long " * 400)
    for i in range(4):
        post(alice, article, f"comment {i}")
    data = read(page(client, article)).article
    assert data["commentCount"] == 5 and len(data["comment"]) == 3
    assert data["comment"][0]["url"].endswith(f"#c{long.pk}")
    assert len(data["comment"][0]["text"]) <= seo.COMMENT_TEXT_CHARS


def test_hostile_text_cannot_leave_the_json_ld(client, make_article, make_member, post):
    title = f"Title {HOSTILE} {seo.JSON_LD_SLOT}"  # nor can a title take the JSON-LD's place
    a = make_article(title=title, lead=f"Lead {HOSTILE} & more")
    member = make_member("hostile")
    post(member, a, f"Comment {HOSTILE} & <b>bold</b> {seo.JSON_LD_SLOT} <!--veche:thread-->")
    r = client.get(a.get_absolute_url())
    html = r.content.decode()
    raw = ld_text(html)
    assert "<" not in raw and ">" not in raw and "&" not in raw  # written as \u003C, \u003E, \u0026
    head = read(html)
    data = head.article  # parsed back whole: nothing closed the element early
    assert len(head.json_ld) == 1
    assert data["headline"] == title
    assert data["comment"][0]["text"] == f"Comment {HOSTILE} & <b>bold</b> {seo.JSON_LD_SLOT} <!--veche:thread-->"
    assert head.one("og:title") == title  # an attribute, escaped by the template
    assert "<script>alert(1)" not in html
    # No script runs from the page itself: every <script> is a file of ours or data.
    for s in head.scripts:
        assert s["attrs"].get("src", "").startswith("/static/") or \
            s["attrs"].get("type") in ("application/ld+json", "application/json"), s
    csp = r["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp


@pytest.fixture
def every_status(make_article, alice, bob, moderator, post):
    """A discussion with a comment of every status, each with its own words."""
    a = make_article(title="Every status", slug="every-status")
    shown = post(alice, a, "PUBLIC words")
    removed = post(bob, a, "REMOVED words")
    moderation_delete = post(bob, a, "DESTROYED words")
    deleted = post(alice, a, "DELETED words")
    deleted_with_reply = post(alice, a, "DELETED-PLACEHOLDER words")
    kept_reply = post(bob, a, "REPLY words", parent=deleted_with_reply)
    held = post(alice, a, "HELD words")
    from moderation import actions as moderation_actions

    actions.do_set_status(held, Comment.Status.HELD)
    moderation_actions.hide(moderator, removed, "spam")
    moderation_actions.delete(moderator, moderation_delete, "illegal")
    actions.delete_comment(alice, deleted)
    actions.delete_comment(alice, deleted_with_reply)
    a.refresh_from_db()
    return a, {"public": [shown, kept_reply], "hidden": [removed, moderation_delete, deleted, deleted_with_reply, held]}


SECRETS = ("REMOVED", "DESTROYED", "DELETED", "HELD")


@pytest.mark.parametrize("role", ["visitor", "alice", "bob", "moderator", "editor"])
def test_only_public_comments_are_in_the_json_ld_for_every_reader(client, every_status, role, request):
    article, comments = every_status
    if role != "visitor":
        client.force_login(request.getfixturevalue({"moderator": "moderator", "editor": "editor"}.get(role, role)))
    html = page(client, article)
    raw = ld_text(html)
    data = read(html).article
    for word in SECRETS:
        assert word not in raw, (role, word)
    for c in comments["hidden"]:
        assert f"#c{c.pk}" not in raw, (role, c.status)
    assert [c["url"].rsplit("#c", 1)[1] for c in data["comment"]] == [str(c.pk) for c in comments["public"]]
    assert data["commentCount"] == 2
    for meta in read(html).meta.values():
        assert not any(word in v for v in meta for word in SECRETS)


def test_the_head_is_the_same_for_every_reader(client, every_status, alice, bob, moderator, editor):
    """The anonymous page and the member skeleton are shared: no reader's data in the head —
    even for a member who sees their own held comment, or a moderator who sees every text."""
    article, _ = every_status
    seen = []
    for member in (None, alice, bob, moderator, editor):
        client.logout()
        if member is not None:
            client.force_login(member)
        seen.append(read(page(client, article)).seo())
    assert all(s == seen[0] for s in seen[1:])


def test_comments_on_unpublished_articles_are_never_listed(client, make_article, alice, editor, post):
    a = make_article(title="Taken back", slug="taken-back")
    post(alice, a, "SPOKEN before the draft")
    a.state = Article.State.DRAFT
    do_save_article(a)
    later = make_article(title="Later", slug="later")
    post(alice, later, "SPOKEN before the schedule")
    later.state, later.published_at = Article.State.SCHEDULED, timezone.now() + timedelta(days=1)
    do_save_article(later)
    client.force_login(editor)  # only an editor sees them at all: a preview
    for art in (a, later):
        html = page(client, art)
        head = read(html)
        assert head.one("robots") == "noindex"
        assert head.article["comment"] == [] and "SPOKEN" not in ld_text(html)
    client.logout()
    assert client.get(a.get_absolute_url()).status_code == 404


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(threads, "WHOLE_LIMIT", 5)
    monkeypatch.setattr(threads, "PAGE_ROOTS", 2)


def test_each_discussion_page_is_canonical_to_itself(client, small_pages, alice, bob, article, post):
    roots = [post(alice, article, f"root {i}") for i in range(5)]
    reply = post(bob, article, "reply to root 2", parent=roots[2])
    held = post(bob, article, "HELD on page two", parent=roots[3])
    actions.do_set_status(held, Comment.Status.HELD)
    article.refresh_from_db()
    base = f"{SITE}{article.get_absolute_url()}"
    first = read(page(client, article))
    assert first.canonical == base
    assert any(re.fullmatch(r"\?order=oldest&p=2#comments", h) for h in first.anchors)  # a crawlable link
    html = page(client, article, p=2)
    second = read(html)
    assert second.canonical == f"{base}?p=2" and second.one("og:url") == f"{base}?p=2"
    listed = [c["url"] for c in second.article["comment"]]
    assert listed == [f"{base}?p=2#c{c.pk}" for c in (roots[2], roots[3], reply)]  # oldest first
    assert "HELD" not in ld_text(html)
    assert second.article["commentCount"] == 6
    # The order is a view of the same comments; a page past the end is the last page.
    newest = read(page(client, article, order="newest", p=2))
    assert newest.canonical == f"{base}?p=2"
    # Its structured data says what it shows: the comments of that page, where they are.
    assert [c["url"] for c in newest.article["comment"]] == [
        f"{base}?order=newest&p=2#c{c.pk}" for c in (roots[1], roots[2], reply)]
    newest_first = read(page(client, article, order="newest")).article["comment"]
    assert [c["text"] for c in newest_first] == ["root 3", "root 4"]  # not the held reply
    assert read(page(client, article, p=99)).canonical == f"{base}?p=3"
    assert read(page(client, article, p=1)).canonical == base


def test_a_whole_discussion_has_one_canonical(client, article, alice, post):
    post(alice, article, "only one page")
    assert read(page(client, article, p=3)).canonical == f"{SITE}{article.get_absolute_url()}"


def test_front_and_listings_have_canonical_description_and_opengraph(client, make_article, monkeypatch):
    from newsroom import views

    author = Author.objects.create(name="Anna V", slug="anna-v", bio="Writes about rivers.")
    tag = Tag.objects.create(name="Rivers", slug="rivers")
    for i in range(3):
        make_article(title=f"Story {i}", author=author).tags.add(tag)
    expected = {
        "/": ("The Veche Gazette", "The latest publications of The Veche Gazette and their readers’ discussions."),
        "/section/news/": ("News", "Publications in News."),
        "/tag/rivers/": ("Rivers", "Publications tagged Rivers."),
        "/author/anna-v/": ("Anna V", "Writes about rivers."),
    }
    for path, (title, description) in expected.items():
        head = read(client.get(path).content.decode())
        assert head.canonical == f"{SITE}{path}"
        assert head.one("description") == description and head.one("og:description") == description
        assert head.one("og:title") == title and head.one("og:type") == "website"
        assert head.one("og:url") == f"{SITE}{path}" and head.one("twitter:card") == "summary"
        assert head.json_ld == []
    monkeypatch.setattr(views, "PER_PAGE", 2)
    assert read(client.get("/", {"page": 2}).content.decode()).canonical == f"{SITE}/?page=2"
    assert read(client.get("/section/news/", {"page": 9}).content.decode()).canonical == f"{SITE}/section/news/?page=2"
    assert read(client.get("/", {"page": 1}).content.decode()).canonical == f"{SITE}/"


def test_search_results_are_not_indexed(client, article):
    head = read(client.get("/search/", {"q": "Article"}).content.decode())
    assert head.one("robots") == "noindex" and "canonical" not in head.links
