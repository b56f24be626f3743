"""A cached page past its TTL is remade by one reader while the others get it; a page of an
older generation is never served (core.pagecache.STALE)."""

import time

import pytest

from core import pagecache
from core.cache import later as cache_writes

VARIANT = "oldest:1:en"


@pytest.fixture
def kept(db):
    article, slug = 424_242, "stale-page"
    gen = pagecache.generation(article)
    body = b"<!doctype html>" + b"x" * 2000
    pagecache.store("page", article, slug, gen, VARIANT, body, "text/html; charset=utf-8")
    pagecache.compressor.flush()
    # Its copy in Redis is written once a response has left (core.cache.later); stored outside
    # a request, as here, it would be written within Later.HOLD: done now, as a server's would be.
    cache_writes.flush()
    yield article, slug, body
    pagecache._near.clear()
    pagecache._remaking.clear()


def _body(slug):
    hit = pagecache.lookup("page", slug, VARIANT)
    return None if hit is None else hit[1]


def test_a_fresh_page_is_served_to_every_reader(kept):
    _article, slug, body = kept
    assert [_body(slug) for _ in range(5)] == [body] * 5
    assert pagecache.lookup("page", slug, VARIANT)[3], "its compressed forms are kept with it"


def test_past_its_ttl_one_reader_remakes_it_and_the_others_get_the_kept_page(kept, monkeypatch):
    article, slug, body = kept
    later = time.time() + pagecache.TTL + 1
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert _body(slug) is None  # the first reader goes to Django and remakes it
    # Not every reader arriving now: the others are served what is kept.
    assert [_body(slug) for _ in range(20)] == [body] * 20
    new = body + b"<!-- remade -->"
    pagecache.store("page", article, slug, pagecache.generation(article), VARIANT, new, "text/html")
    assert [_body(slug) for _ in range(3)] == [new] * 3  # fresh again: no one is sent to Django


def test_a_claim_that_came_to_nothing_lapses(kept, monkeypatch):
    _article, slug, body = kept
    later = time.time() + pagecache.TTL + 1
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert _body(slug) is None
    assert _body(slug) == body
    pagecache._remaking.clear()  # as after REMAKE_CLAIM seconds: the remaking request failed
    assert _body(slug) is None  # another reader takes it up


def test_a_stale_page_is_never_served_past_its_generation(kept):
    article, slug, _body_kept = kept
    pagecache.raise_generation(article)
    assert [_body(slug) for _ in range(3)] == [None] * 3  # every reader: a changed discussion


def test_past_ttl_and_stale_nothing_is_served(kept, monkeypatch, settings):
    article, slug, _b = kept
    if settings.REDIS_URL:  # the shared copy: Redis forgets it by then
        import redis
        from django.core.cache import cache

        key = cache.make_key(pagecache._key("page", article, pagecache.generation(article), VARIANT))
        assert 0 < redis.Redis.from_url(settings.REDIS_URL).ttl(key) <= pagecache.TTL + pagecache.STALE
        cache.delete(pagecache._key("page", article, pagecache.generation(article), VARIANT))
    later = time.monotonic() + pagecache.TTL + pagecache.STALE + 1
    monkeypatch.setattr("core.memo.time.monotonic", lambda: later)
    assert [_body(slug) for _ in range(3)] == [None] * 3


def test_a_deleted_article_leaves_its_kept_pages(db, make_article, monkeypatch, django_capture_on_commit_callbacks):
    from django.test import Client

    article = make_article()
    client = Client()
    assert client.get(article.get_absolute_url()).status_code == 200  # kept for anonymous readers
    assert pagecache.lookup("page", article.slug, VARIANT) is not None
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert pagecache.lookup("page", article.slug, VARIANT) is None
    later = time.time() + pagecache.TTL + 1
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert [_body(article.slug) for _ in range(3)] == [None] * 3  # nor stale, to anyone


def test_a_copy_taken_late_in_its_life_does_not_outlive_it(kept, monkeypatch):
    _article, slug, body = kept
    key = pagecache._key("page", _article, pagecache.generation(_article), VARIANT)
    entry = pagecache._near.get(key)
    pagecache._near.put(key, entry)  # as a worker does with a copy read from Redis: its memo clock starts again
    later = time.time() + pagecache.TTL + pagecache.STALE + 1
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert [_body(slug) for _ in range(3)] == [None] * 3


@pytest.mark.parametrize("kind", ["page", "api"])
def test_a_page_is_not_answered_at_an_address_it_was_not_made_for(kept, kind):
    """A renamed article: SLUGS still leads its old slug to the article, whose page (or
    comments JSON) is now made at the new address — the old one is Django's to answer (not
    found), not the kept answer's; and the old slug is forgotten."""
    article, slug, body = kept
    pagecache.raise_generation(article)  # the rename's change
    renamed = body + b"<!-- at its new address -->"
    pagecache.store(kind, article, "renamed-page", pagecache.generation(article), VARIANT, renamed, "text/html")
    pagecache.compressor.flush()
    assert pagecache.lookup(kind, "renamed-page", VARIANT)[1] == renamed
    assert pagecache.SLUGS.get(slug) == article  # the old slug is still known...
    assert pagecache.lookup(kind, slug, VARIANT) is None  # ...but nothing is answered there
    assert pagecache.SLUGS.get(slug) is None  # and it is forgotten
    assert pagecache.lookup(kind, "renamed-page", VARIANT)[1] == renamed


def test_an_entry_that_names_no_slug_is_not_answered(kept):
    """One kept by an earlier release (four items): it cannot say which address it was made
    for, so it is remade rather than answered at any slug that leads to its article."""
    article, slug, body = kept
    key = pagecache._key("page", article, pagecache.generation(article), VARIANT)
    entry = pagecache._near.get(key)
    pagecache._near.put(key, entry[:4])
    assert pagecache.lookup("page", slug, VARIANT) is None


def test_slugs_are_learned_again_after_a_minute(kept, monkeypatch):
    """A slug given to another article since is not led to the first one for long (the view
    log's counting reads SLUGS too)."""
    article, slug, _body_kept = kept
    assert pagecache.SLUGS.get(slug) == article
    from types import SimpleNamespace

    from core import memo

    later = time.monotonic() + pagecache.SLUGS_SECONDS + 1
    monkeypatch.setattr(memo, "time", SimpleNamespace(monotonic=lambda: later))
    assert pagecache.SLUGS.get(slug) is None
