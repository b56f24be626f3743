"""A cached page past its TTL is remade by one reader while the others get it; a page of an
older generation is never served (core.pagecache.STALE)."""

import time

import pytest

from core import pagecache

VARIANT = "oldest:1:en"


@pytest.fixture
def kept(db):
    article, slug = 424_242, "stale-page"
    gen = pagecache.generation(article)
    body = b"<!doctype html>" + b"x" * 2000
    pagecache.store("page", article, slug, gen, VARIANT, body, "text/html; charset=utf-8")
    pagecache.compressor.flush()
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
