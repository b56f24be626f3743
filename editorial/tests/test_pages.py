"""What readers see of article images: the lead on cards, the article page, feeds and link
previews; images in the body by reference; responsive markup (srcset, sizes, width/height,
lazy below the fold); and the page rendered anew when an image changes."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from core import pagecache
from editorial import actions
from editorial.models import ArticleImage
from editorial.tests.conftest import jpeg_with_location, png
from newsroom.actions import do_save_article
from newsroom.models import Article


def add(editor, article, data=None, name="a.jpg", **kw):
    """Add an image and make its versions (the task run after the commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        image = actions.do_add_image(editor, article, SimpleUploadedFile(name, data or jpeg_with_location((1200, 800))),
                                     alt=kw.pop("alt", "Soldiers at the bridge"), **kw)
    image.refresh_from_db()
    return image


def body_of(html: str) -> str:
    return re.search(r'<div class="story-body" id="story-body"[^>]*>(.*?)</div>\n', html, re.S).group(1)


@pytest.fixture
def illustrated(editor, make_article):
    article = make_article(title="Bridge", body="Intro.\n\n![](image:0)\n\nMiddle.")
    lead = add(editor, article, is_lead=True, caption="The bridge at dawn", credit="A. Photographer")
    inner = add(editor, article, png((900, 500)), "map.png", alt="Map of the river")
    article.body = f"Intro.\n\n![map](image:{inner.pk})\n\nMiddle.\n\n![gone](image:999999)\n\nEnd."
    do_save_article(article)
    return article, lead, inner


def test_the_article_page_shows_the_lead_above_the_fold_and_body_images_lazily(client, illustrated):
    article, lead, inner = illustrated
    html = client.get(article.get_absolute_url()).content.decode()
    lead_figure = re.search(rf'<figure class="image" id="image-{lead.pk}">.*?</figure>', html, re.S).group(0)
    assert 'loading="lazy"' not in lead_figure  # the first thing seen: loaded at once
    assert 'width="1200" height="800"' in lead_figure and 'alt="Soldiers at the bridge"' in lead_figure
    assert 'type="image/webp"' in lead_figure and "sizes=" in lead_figure
    assert "The bridge at dawn" in lead_figure and '<cite class="image-credit">A. Photographer</cite>' in lead_figure
    body = body_of(html)
    inner_figure = re.search(rf'<figure class="image" id="image-{inner.pk}">.*?</figure>', body, re.S).group(0)
    assert 'loading="lazy"' in inner_figure and 'width="900" height="500"' in inner_figure
    srcset = re.search(r'<img [^>]*srcset="([^"]+)"', inner_figure).group(1)
    assert [c.split()[1] for c in srcset.split(", ")] == ["320w", "640w", "900w"]
    assert all(c.startswith("/media/images/") for c in srcset.split(", "))
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)"', inner_figure)
    assert webp and webp.group(1).count(".webp") == 3 and webp.group(2) == "(max-width: 44rem) 100vw, 42rem"
    # A reference to an image this article does not have shows nothing, nor its number.
    assert "999999" not in body and "gone" not in body and "image:" not in body


def test_og_image_and_feeds_carry_the_lead(client, illustrated):
    article, lead, _ = illustrated
    html = client.get(article.get_absolute_url()).content.decode()
    og = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert og.startswith("http://127.0.0.1:8000/media/images/") and og.endswith("/1200.jpg")
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    feed = client.get("/feed/").content.decode()
    enclosure = re.search(r'<link href="([^"]+)" length="(\d+)" rel="enclosure" type="([^"]+)"/>', feed)
    assert enclosure and enclosure.group(1) == og and enclosure.group(3) == "image/jpeg"
    assert int(enclosure.group(2)) == next(r["bytes"] for r in lead.renditions if og.endswith(r["name"]))
    section_feed = client.get("/section/news/feed/").content.decode()
    assert og in section_feed


def test_an_article_without_images_has_none_of_their_markup(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "og:image" not in html and "<picture" not in html and "summary_large_image" not in html
    assert "enclosure" not in client.get("/feed/").content.decode()
    assert "card-image" not in client.get("/").content.decode()


def test_cards_show_the_lead_the_first_at_once_the_later_lazily(client, editor, make_article):
    articles = [make_article(title=f"Story {n}") for n in range(4)]
    for a in articles:
        add(editor, a, is_lead=True)
    for url in ("/", "/section/news/"):
        html = client.get(url).content.decode()
        cards = re.findall(r'<article class="card with-image">.*?</article>', html, re.S)
        assert len(cards) == 4, url
        for n, card in enumerate(cards):
            img = re.search(r"<img [^>]+>", card).group(0)
            assert "srcset=" in img and 'sizes="(max-width: 40rem) 100vw, 20rem"' in img
            assert 'width="1200" height="800"' in img
            assert ('loading="lazy"' in img) == (n >= 2), (url, n)


def test_an_image_of_another_article_is_not_shown(client, editor, make_article):
    other = make_article(title="Other")
    theirs = add(editor, other)
    mine = make_article(title="Mine", body=f"Text.\n\n![x](image:{theirs.pk})")
    assert "<figure" not in mine.body_html and "<img" not in client.get(mine.get_absolute_url()).content.decode().split('id="story-body"')[1].split("</div>")[0]


def test_a_draft_articles_images_are_not_on_the_front(client, editor, make_article):
    draft = make_article(title="Secret", state=Article.State.DRAFT)
    image = add(editor, draft, is_lead=True)
    html = client.get("/").content.decode()
    assert image.folder not in html and "Secret" not in html
    assert image.folder not in client.get("/feed/").content.decode()


def test_an_image_change_renders_the_article_anew(client, editor, article, django_capture_on_commit_callbacks):
    article.body = "One.\n\n![x](image:1)"  # no image 1 yet
    do_save_article(article)
    client.get(article.get_absolute_url())
    generation = pagecache.generation(article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        image = add(editor, article, is_lead=True)
    assert pagecache.generation(article.pk) != generation  # the cached pages are left behind
    article.body = f"One.\n\n![x](image:{image.pk})"
    do_save_article(article)
    served = client.get(article.get_absolute_url()).content.decode()
    assert f'id="image-{image.pk}"' in body_of(served)
    generation = pagecache.generation(article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_update_image(editor, image, alt="Changed words", caption="", credit="", is_lead=True)
    assert pagecache.generation(article.pk) != generation
    served = client.get(article.get_absolute_url()).content.decode()
    assert "Changed words" in served and "Soldiers at the bridge" not in served
    # What is served is what a render from nothing makes.
    fresh = Article.objects.get(pk=article.pk)
    do_save_article(fresh)
    assert body_of(served) == fresh.body_html
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_delete_image(editor, ArticleImage.objects.get(pk=image.pk))
    served = client.get(article.get_absolute_url()).content.decode()
    assert "<picture" not in served and "og:image" not in served


def test_media_are_served_in_embedded_mode(client, editor, article, settings):
    image = add(editor, article)
    for fmt, mime in (("WEBP", "image/webp"), ("JPEG", "image/jpeg")):
        name = next(r["name"] for r in image.renditions if r["format"] == fmt)
        response = client.get(f"/media/{name}")
        assert response.status_code == 200 and response["Content-Type"] == mime
        assert "immutable" in response["Cache-Control"]
    assert client.get("/media/../../etc/passwd").status_code == 404
    settings.VECHE_SERVE_MEDIA = False
    assert client.get(f"/media/{name}").status_code == 404



def test_the_leads_statement_makes_the_images_the_orm_makes(illustrated, editor, make_article):
    """Provider.leads reads by a written-out statement: each lead is made from the image the
    ORM reads (its JSON renditions converted alike: their text would break the versions), the
    first `eager` at once; no other image is taken for a lead, and an article without one has
    none."""
    from editorial.figures import PROVIDER, lead

    article, _lead, _inner = illustrated
    second = make_article(title="Second")
    add_lead = add(editor, second, png((640, 480)), "s.png", alt="Second lead", is_lead=True)
    bare = make_article(title="Without a picture")
    got = PROVIDER.leads([second.pk, bare.pk, article.pk], eager=1)
    assert set(got) == {second.pk, article.pk}  # the bare article has none; the inner image is no lead
    for pk, eager in ((second.pk, True), (article.pk, False)):
        orm = ArticleImage.objects.get(article_id=pk, is_lead=True)
        assert got[pk] == lead(orm, eager=eager)
    assert got[second.pk].alt == add_lead.alt and 'loading="lazy"' in str(got[article.pk].page_html)
    assert 'loading="lazy"' not in str(got[second.pk].page_html)
    assert PROVIDER.leads([], eager=0) == {}


def test_an_article_page_reads_its_tags_and_lead_ahead_and_shows_what_it_shows_without(client, editor, illustrated,
                                                                                      monkeypatch):
    """On PostgreSQL the page's tags and lead image go in one round trip (core.statements.ahead),
    each taken where it is asked; the page is the one drawn without reading ahead."""
    from contextlib import contextmanager

    from django.db import connection

    from core import statements
    from discussion.page import clear_caches
    from newsroom.models import Tag

    article = illustrated[0]
    article.tags.add(Tag.objects.create(name="Bridges", slug="bridges"))
    blocks = []
    real = statements.ahead

    @contextmanager
    def spy(reads, using=None):
        with real(reads, using) as left:
            yield left
            blocks.append((len(reads), None if left is None else dict(left)))

    def page() -> str:
        clear_caches()
        html = client.get(article.get_absolute_url()).content.decode()
        # A fresh key each page, and the second it was drawn in.
        return re.sub(r'name="idempotency_key" value="\w+"|data-now="\d+"', "", html)

    monkeypatch.setattr(statements, "ahead", spy)
    ahead = page()
    assert 'href="/tag/bridges/"' in ahead and "The bridge at dawn" in ahead
    # The page's block (the tags, the lead image) around the discussion's own (its rows, their
    # authors, the decor's three), which ends first; everything read ahead was taken.
    assert [n for n, _left in blocks] == [5, 2]
    assert [left for _n, left in blocks] == [{} if connection.vendor == "postgresql" else None] * 2
    monkeypatch.setattr(statements, "ahead", contextmanager(lambda reads, using=None: (yield None)))
    assert page() == ahead
