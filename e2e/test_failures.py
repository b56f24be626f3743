"""Failures, each with its promise: Redis stops, PostgreSQL restarts, a process is killed."""

import json
import signal
import threading
import time
import uuid

import pytest

from e2e.httpclient import Session
from e2e.live_helpers import EventStream
from e2e.server import Server, environment, prepare, scaleout
from e2e.services import PrivatePostgres, PrivateRedis

SLUG = "why-a-newspaper-should-listen-to-its-comment-section"


def _comments(session: Session, slug: str = SLUG) -> list[dict]:
    status, body = session.get(f"/api/v1/articles/{slug}/comments/")
    assert status == 200, body[:300]
    data = json.loads(body)
    out, stack = [], list(reversed(data["comments"]))
    while stack:
        c = stack.pop()
        out.append(c)
        stack.extend(reversed(c["children"]))
    return out, data["count"]


def test_redis_stops_and_comes_back(tmp_path, browser):
    redis = PrivateRedis()
    env = environment(tmp_path, db_name="veche_e2e_redis", VECHE_REDIS_URL=redis.url)
    prepare(env, None)
    server = Server(env)
    try:
        member = Session(server.url)
        member.sign_up("redis tester")
        stream = EventStream(server.url, SLUG, timeout=30)
        status, _ = member.post(f"/articles/{SLUG}/comments/", {"body": "before the outage"})
        assert status == 302
        stream.next_of("comment.new")

        redis.stop()
        assert member.get(f"/articles/{SLUG}/")[0] == 200
        assert Session(server.url).get(f"/articles/{SLUG}/")[0] == 200  # a new visitor too
        status, _ = member.post(f"/articles/{SLUG}/comments/", {"body": "during the outage"})
        assert status == 302
        comments, count = _comments(member)
        target = next(c for c in comments if c["author"]["login"] != "redis tester")
        status, _ = member.post(f"/comments/{target['id']}/vote/", {"value": "1", "mode": "set"})
        assert status == 302
        comments, count = _comments(member)
        assert any(c["body_html"] == "<p>during the outage</p>" for c in comments)
        assert next(c for c in comments if c["id"] == target["id"])["plus"] == target["plus"] + 1
        assert count == len([c for c in comments if c["status"] == "visible"])

        redis.start()  # same port: Veche finds it again by itself
        time.sleep(3)  # the publisher's 2-second pause after a failure, and the reader's retry
        status, _ = member.post(f"/articles/{SLUG}/comments/", {"body": "after the outage"})
        assert status == 302
        event = stream.next_of("comment.new")  # on the stream that stayed open all along
        assert "after the outage" in event["html"]
        stream.close()
    finally:
        server.kill()
        redis.stop()


@pytest.mark.skipif(not scaleout(), reason="PostgreSQL outages are tested in the PostgreSQL + Redis pass")
def test_postgres_restart_gives_503_then_service_resumes(tmp_path):
    pg = PrivatePostgres()
    env = environment(tmp_path, VECHE_DATABASE_URL=pg.url)
    try:
        prepare(env, None)
        server = Server(env)
        try:
            visitor = Session(server.url)
            assert visitor.get(f"/articles/{SLUG}/")[0] == 200
            assert visitor.get("/")[0] == 200
            pg.stop()
            # A page that needs the database: a clear 503.
            status, body = visitor.get("/?page=1")
            assert status == 503, body[:500]
            assert "Temporarily unavailable" in body
            # An article page already cached for anonymous readers is still served (≤ 5 s old).
            assert visitor.get(f"/articles/{SLUG}/")[0] == 200
            pg.start()
            deadline = time.monotonic() + 15
            status = None
            while time.monotonic() < deadline:
                status, _ = visitor.get("/?page=1")
                if status == 200:
                    break
                time.sleep(0.3)
            assert status == 200
        finally:
            server.kill()
    finally:
        pg.destroy()


def test_sigkill_during_a_burst_loses_no_acknowledged_post_and_retries_store_once(tmp_path):
    env = environment(tmp_path, db_name="veche_e2e_kill")
    prepare(env, None)
    server = Server(env)
    port = server.port
    member = Session(server.url)
    member.sign_up("burst writer")
    posts = [(uuid.uuid4().hex, f"burst {n}") for n in range(80)]
    acknowledged: list[tuple[str, str]] = []
    lock = threading.Lock()

    def worker(chunk):
        for key, body in chunk:
            try:
                status, _ = member.post(f"/articles/{SLUG}/comments/",
                                        {"body": body, "idempotency_key": key}, timeout=5)
            except OSError:
                continue
            if status == 302:
                with lock:
                    acknowledged.append((key, body))

    threads = [threading.Thread(target=worker, args=(posts[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    while len(acknowledged) < 10:
        time.sleep(0.01)
    server.kill(signal.SIGKILL)
    for t in threads:
        t.join(30)
    assert 10 <= len(acknowledged) < len(posts), "the kill should land mid-burst"

    server = Server(env, port=port)
    try:
        comments, count = _comments(member)
        bodies = [c["body_html"] for c in comments]
        for _key, body in acknowledged:
            assert bodies.count(f"<p>{body}</p>") == 1, body
        assert count == len([c for c in comments if c["status"] == "visible"])
        # The form retries every post with its idempotency key: each is stored exactly once.
        for key, body in posts:
            status, _ = member.post(f"/articles/{SLUG}/comments/", {"body": body, "idempotency_key": key})
            assert status == 302
        comments, count = _comments(member)
        bodies = [c["body_html"] for c in comments]
        for _key, body in posts:
            assert bodies.count(f"<p>{body}</p>") == 1, body
        assert count == len([c for c in comments if c["status"] == "visible"])
    finally:
        server.kill()
