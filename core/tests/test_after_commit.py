"""Redis writes that follow a commit go together, once per request."""

import pytest

from core import breaker
from core.cache import after_commit

pytestmark = pytest.mark.django_db(transaction=True)


def _redis_or_skip(settings):
    if not settings.REDIS_URL:
        pytest.skip("the gathered writes are Redis's (the PostgreSQL + Redis pass)")


def test_a_vote_sends_its_page_generation_and_live_event_in_one_round_trip(settings, client, alice, bob, article,
                                                                         post, monkeypatch):
    import redis.client

    from core import pagecache
    from live.broker import get_broker

    _redis_or_skip(settings)
    target = post(alice, article, "vote on me")
    before = pagecache.generation(article.pk)
    broker = get_broker()
    last = broker.redis.xrevrange(broker.STREAM, count=1)
    since = last[0][0].decode() if last else "0-0"
    single, pipelines = [], []
    real_single, real_pipeline = redis.client.Redis.execute_command, redis.client.Pipeline.execute
    monkeypatch.setattr(redis.client.Redis, "execute_command",
                        lambda self, *a, **k: single.append(a[0]) or real_single(self, *a, **k))
    monkeypatch.setattr(redis.client.Pipeline, "execute",
                        lambda self, *a, **k: pipelines.append([c[0][0] for c in self.command_stack])
                        or real_pipeline(self, *a, **k))
    client.force_login(bob)
    single.clear()
    r = client.post(f"/comments/{target.pk}/vote/", "value=1", content_type="application/x-www-form-urlencoded",
                    HTTP_ACCEPT="application/json")
    assert r.status_code == 200 and r.json()["plus"] == 1
    assert "XADD" not in single and "EVALSHA" not in single  # neither sent on its own
    assert len(pipelines) == 1 and {"EVALSHA", "XADD"} <= set(pipelines[0])  # the generation and the events, together
    monkeypatch.undo()
    assert pagecache.generation(article.pk) > before
    events = broker.since(article.pk, since) or []
    assert any(e["type"] == "comment.vote" and e["comment"] == target.pk and e["plus"] == 1 for e in events)


def test_outside_a_request_each_write_goes_at_once(settings, alice, article, post):
    from core import pagecache

    _redis_or_skip(settings)
    assert not after_commit.gathering()
    before = pagecache.generation(article.pk)
    post(alice, article, "written by a command, not a request")
    assert pagecache.generation(article.pk) > before


def test_a_failed_pipeline_is_each_writes_own_failure(settings, alice, article, post, monkeypatch):
    """Redis away when the gathered writes leave: the pages fall back to expiring, the live
    stream marks itself down for a moment, and the request that made them is not failed."""
    import redis.client

    from core import pagecache
    from live.broker import get_broker

    _redis_or_skip(settings)
    pagecache.generation(article.pk)
    get_broker()  # started before Redis goes away
    breaker.redis.reset()

    def refuse(self, *a, **k):
        raise redis.exceptions.ConnectionError("gone")

    monkeypatch.setattr(redis.client.Pipeline, "execute", refuse)
    with after_commit.gathered():
        post(alice, article, "while Redis is away")
    assert not breaker.redis.closed
    assert pagecache.watcher.known.get(article.pk) is None  # forgotten: the next reader asks Redis
    breaker.redis.reset()
