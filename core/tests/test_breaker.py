"""One breaker for "Redis is away": a failure seen by one caller keeps every caller away."""

import pytest

from core import breaker


@pytest.fixture(autouse=True)
def closed():
    breaker.redis.reset()
    yield
    breaker.redis.reset()


def test_a_failure_opens_it_for_a_while(monkeypatch):
    now = {"t": 100.0}
    monkeypatch.setattr(breaker.time, "monotonic", lambda: now["t"])
    assert breaker.redis.closed
    breaker.redis.failed("test", OSError("gone"))
    assert not breaker.redis.closed
    now["t"] += breaker.BREAK_SECONDS + 0.01
    assert breaker.redis.closed


def test_a_cache_failure_keeps_the_live_stream_and_the_generations_away(settings, monkeypatch, article):
    if not settings.REDIS_URL:
        pytest.skip("the shared breaker guards Redis (the PostgreSQL + Redis pass)")
    import redis.client

    from core import pagecache
    from live.broker import get_broker

    broker = get_broker()
    calls = []
    monkeypatch.setattr(broker.redis, "xadd", lambda *a, **k: calls.append("xadd"))
    monkeypatch.setattr(redis.client.Redis, "get", lambda *a, **k: (_ for _ in ()).throw(redis.exceptions.ConnectionError("gone")))
    from django.core.cache import cache

    assert cache.get("anything", "default") == "default"  # the cache saw Redis fail
    assert not breaker.redis.closed
    assert broker.publish({"type": "comment.new", "article": article.pk}) is None
    pagecache.watcher.raise_generation(article.pk)
    assert calls == []  # neither went to Redis while the breaker was open
