"""Two sites on one Redis — a newsroom's staging and production, or two publications of one
house — each with its own database: neither serves the other's pages, pushes the other's
comments live, or runs the other's tasks. Both are made alike, so their articles and
comments have the same ids, the case where keys named by ids alone would collide."""

import time

import pytest
import redis

from e2e.httpclient import Session
from e2e.live_helpers import EventStream, Member
from e2e.server import Server, environment, prepare, scaleout

pytestmark = pytest.mark.skipif(
    not scaleout(), reason="needs PostgreSQL and Redis: runs in the PostgreSQL + Redis pass")
SLUG = "heating-prices-what-the-new-tariff-formula-changes"
PATHS = (f"/articles/{SLUG}/", f"/api/v1/articles/{SLUG}/comments/", f"/articles/{SLUG}/comments/feed/")


def get(base: str, path: str) -> tuple[int, str]:
    return Session(base).get(path)  # anonymous: the pages every reader shares


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    envs = []
    for name in ("a", "b"):
        var = tmp_path_factory.mktemp(f"veche-site-{name}")
        env = environment(var, db_name=f"veche_e2e_site_{name}")
        env["VECHE_REDIS_URL"] = env["VECHE_REDIS_URL"].rsplit("/", 1)[0] + "/11"
        prepare(env, None)  # empties that Redis database: both made before either serves
        envs.append(env)
    servers = []
    try:
        for env in envs:
            servers.append(Server(env))
        yield servers
    finally:
        for server in servers:
            server.kill()


def test_a_comment_on_one_site_is_never_shown_pushed_or_worked_on_by_another(two_sites, browser):
    a, b = two_sites
    # Both pages read, so both sites keep them.
    for site in (a, b):
        for path in PATHS:
            assert get(site.url, path)[0] == 200, path
    stream_b = EventStream(b.url, SLUG, timeout=3)
    stream_a = EventStream(a.url, SLUG, timeout=5)
    writer = Member(browser, a.url, "site-a")
    try:
        made = writer.comment(SLUG, "Written on site A only")
        # Site A shows it, live, on its page, in its comments JSON and feed (read first, so
        # that A keeps them) …
        assert stream_a.next_of("comment.new")["comment"] == made["id"]
        for path in PATHS:
            status, body = get(a.url, path)
            assert status == 200 and "Written on site A only" in body, path
        # … site B, whose article has the same id, does not, and its readers' stream says
        # nothing of it.
        for path in PATHS:
            status, body = get(b.url, path)
            assert status == 200, path
            assert "Written on site A only" not in body, path
        with pytest.raises(TimeoutError):
            while True:
                event = stream_b.next_event()
                assert event["type"] not in ("comment.new", "comment.changed", "count"), event
    finally:
        stream_a.close()
        stream_b.close()
        writer.close()
    # Each site's tasks wait in a queue of its own (the post above enqueued some on A).
    client = redis.Redis.from_url(a.env["VECHE_REDIS_URL"])
    queues = {q.decode() for q in client.smembers("rq:queues")}
    assert "rq:queue:veche-veche_e2e_site_a" in queues, queues
    assert queues <= {"rq:queue:veche-veche_e2e_site_a", "rq:queue:veche-veche_e2e_site_b"}, queues
    deadline = time.monotonic() + 10
    while client.llen("rq:queue:veche-veche_e2e_site_a") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.llen("rq:queue:veche-veche_e2e_site_a") == 0, "site A's own worker runs its tasks"
