"""Page generations with Redis: each worker keeps a copy, kept current by announcements."""

import time
from unittest import mock

import pytest
from django.conf import settings

from core import pagecache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="generations are watched only with Redis "
                                                             "(the PostgreSQL + Redis pass)")


def _until(check, seconds=5.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def other_worker():
    """A second watcher, as another worker process holds: it sees only what is announced."""
    w = pagecache.Watcher()
    w._start()
    assert _until(lambda: w.live), "the watcher did not subscribe"
    yield w


def test_another_workers_change_reaches_this_copy(other_worker):
    article = 987_001
    gen = pagecache.generation(article)
    other_worker.learn(article, gen, other_worker.epoch)
    assert other_worker.get(article) == gen
    pagecache.raise_generation(article)  # a change committed in "this" worker
    assert _until(lambda: other_worker.get(article) == gen + 1)
    # a value read before the announcement arrived never lowers the copy
    other_worker.learn(article, gen, other_worker.epoch)
    assert other_worker.get(article) == gen + 1


def test_a_lost_subscription_empties_the_copy_and_lookups_read_redis(other_worker):
    import redis

    article = 987_002
    other_worker.learn(article, pagecache.generation(article), other_worker.epoch)
    assert other_worker.get(article) is not None
    epoch = other_worker.epoch
    r = redis.Redis.from_url(settings.REDIS_URL)
    r.client_kill_filter(_type="pubsub")  # the connection drops, as when Redis restarts
    assert _until(lambda: other_worker.epoch != epoch)
    # Whatever was read under the old subscription is gone, and is not kept if it arrives late.
    other_worker.learn(article, 5, epoch)
    assert other_worker.known.get(article) is None
    assert _until(lambda: other_worker.live)  # it subscribes again by itself, and follows changes again
    gen = pagecache.generation(article)
    other_worker.learn(article, gen, other_worker.epoch)
    pagecache.raise_generation(article)
    assert _until(lambda: other_worker.get(article) == gen + 1)


def test_a_value_is_read_again_after_max_age(other_worker, monkeypatch):
    article = 987_003
    other_worker.learn(article, 3, other_worker.epoch)
    assert other_worker.get(article) == 3
    monkeypatch.setattr(pagecache.Watcher, "MAX_AGE", 0.0)
    time.sleep(0.01)
    assert other_worker.get(article) is None


def test_a_raised_generation_reads_back_through_the_cache():
    """The generation is raised by a script in Redis: the cache reads the same integer."""
    from django.core.cache import cache

    article = 987_003
    cache.delete(pagecache._gen_key(article))
    pagecache.raise_generation(article)  # a missing key starts at 1
    pagecache.raise_generation(article)
    assert cache.get(pagecache._gen_key(article)) == 2
    pagecache.watcher.forget(article)
    assert pagecache.generation(article) == 2


def test_pages_and_threads_reach_the_shared_cache_after_the_response(client, article, alice, post):
    """Written behind the response: another worker finds them once the writes are done."""
    from core.cache import later
    from discussion import page

    post(alice, article, "first words")
    article.refresh_from_db()
    assert client.get(article.get_absolute_url()).status_code == 200
    later.flush()
    pagecache._near.clear()
    pagecache.watcher.reset()
    page._local.clear()  # what another worker holds: nothing of its own
    hit = pagecache.lookup("page", article.slug, "oldest:1:en")
    assert hit is not None and b"first words" in hit[1]
    # the thread, too, is read from Redis, not rendered again
    with mock.patch.object(page.render, "render_thread_bytes", side_effect=AssertionError("rendered again")):
        parts = page.shared_parts(article, "oldest", 1)
    assert b"first words" in b"".join(parts[0].parts)


def test_writes_behind_are_dropped_not_queued_without_end_when_redis_lags():
    from core.cache import Later

    stuck = Later(size=2)
    stuck.thread = mock.Mock(is_alive=lambda: True)  # a writer that never takes anything
    for i in range(5):
        stuck.set(f"k{i}", b"x", 5)  # returns at once, whatever the cache does
    assert stuck.queue.qsize() == 2


def test_writes_behind_wait_for_the_response_to_leave():
    from django.core.cache import cache

    from core.cache import Later

    writer = Later()
    writer.HOLD = 30  # as if no request ever finished: only release() lets it write
    cache.delete("later-probe")
    writer.set("later-probe", b"rendered", 5)
    time.sleep(0.2)
    assert cache.get("later-probe") is None  # the response is still on its way
    writer.release()  # request_finished
    assert _until(lambda: cache.get("later-probe") == b"rendered")
    # A response that left nothing to write releases nothing: the next request's write still
    # waits for that request's own end (released, it would be written while the request ran).
    writer.release()
    writer.set("later-probe", b"rendered again", 5)
    time.sleep(0.2)
    assert cache.get("later-probe") == b"rendered"
    writer.release()
    assert _until(lambda: cache.get("later-probe") == b"rendered again")
    # Flushed (tests, benchmarks), what comes next waits for its response as before.
    writer.flush()
    writer.call("probe", cache.set, "later-probe", b"called", 5)
    time.sleep(0.2)
    assert cache.get("later-probe") == b"rendered again"
    writer.release()
    assert _until(lambda: cache.get("later-probe") == b"called")


def test_every_request_uses_the_one_connection_pool_of_the_process():
    """Django keeps a cache backend per async context (per request under ASGI); they share
    one client, so a request does not open a connection to Redis."""
    import contextvars

    from django.core.cache import caches

    first, second = (contextvars.Context().run(lambda: caches["default"]) for _ in range(2))
    assert first is not second  # two requests' backends
    assert first._cache is second._cache
    assert first._cache.get_client(write=True).connection_pool is second._cache.get_client().connection_pool
