"""The live stream as the ASGI front serves it: only a well-formed event id is replayed from
or echoed back, every response carries the security headers, and one address holds at most
VECHE_SSE_STREAMS_PER_ADDRESS streams."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings

from config.settings import hardening
from core import pagecache
from live import stream
from live.broker import get_broker, well_formed_id

PROD = {k: getattr(hardening, k) for k in dir(hardening) if k.isupper()}
SECURITY = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
            "cross-origin-opener-policy", "permissions-policy")


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(stream, "HEARTBEAT_SECONDS", 0.05)
    stream.streams.open.clear()
    yield
    stream.streams.open.clear()


@pytest.fixture
def slug(article):
    pagecache.SLUGS.put(article.slug, article.pk)  # the front finds it without a database thread
    return article.slug


class Reader:
    """One request to the ASGI application, kept open until `leave()`."""

    def __init__(self, path: str, query: bytes = b"", headers=(), client: str = "127.0.0.1",
                 scheme: str = "http"):
        self.scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
                      "query_string": query, "headers": [(b"host", b"testserver"), *headers],
                      "scheme": scheme, "server": ("testserver", 80), "client": (client, 5000),
                      "http_version": "1.1", "asgi": {"version": "3.0"}, "root_path": ""}
        self.sent: list[dict] = []
        self.left = None
        self.task = None

    async def start(self):
        from config.asgi import application

        self.left = asyncio.Event()
        self.task = asyncio.ensure_future(application(self.scope, self.receive, self.send))
        for _ in range(100):
            if self.sent:
                break
            await asyncio.sleep(0.01)

    async def receive(self):
        await self.left.wait()
        return {"type": "http.disconnect"}

    async def send(self, message):
        self.sent.append(message)

    async def leave(self):
        self.left.set()
        await asyncio.wait_for(self.task, 5)

    @property
    def status(self) -> int:
        return self.sent[0]["status"]

    @property
    def headers(self) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self.sent[0]["headers"]}

    @property
    def text(self) -> str:
        return b"".join(m.get("body", b"") for m in self.sent[1:]).decode()


def read(path: str, seconds: float = 0.2, **kw) -> Reader:
    async def go():
        reader = Reader(path, **kw)
        await reader.start()
        await asyncio.sleep(seconds)
        await reader.leave()
        return reader

    return async_to_sync(go)()


@pytest.mark.parametrize("value", ["1-1", "1700000000000-0", "18446744073709551615-42"])
def test_well_formed_ids(value):
    assert well_formed_id(value)


@pytest.mark.parametrize("value", ["", "x", "1", "1-", "-1", "1-1\n", "1-1\nevent: x", "1-1 ", "١-١", "1-1-1",
                                   "1" * 21 + "-1", "1-1\r\ndata: {}"])
def test_malformed_ids(value):
    assert not well_formed_id(value)


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["query", "header"])
def test_an_injected_last_id_reaches_nothing_of_the_stream(slug, where):
    evil = "x\nevent: comment.new\ndata: {\"html\":\"<img src=x onerror=alert(1)>\"}\n\nid: 9"
    if where == "query":
        from urllib.parse import quote

        r = read(f"/articles/{slug}/events/", query=b"last=" + quote(evil).encode())
    else:
        r = read(f"/articles/{slug}/events/", headers=[(b"last-event-id", evil.replace("\n", "\\n").encode())])
    assert r.status == 200
    assert "comment.new" not in r.text and "onerror" not in r.text and "resync" not in r.text
    assert r.text.startswith("retry: ")


@pytest.mark.django_db
def test_a_well_formed_stale_id_is_told_to_resync_with_that_id(slug):
    r = read(f"/articles/{slug}/events/", query=b"last=1-1")
    assert "event: resync" in r.text and "id: 1-1\n" in r.text


@pytest.mark.django_db
def test_a_well_formed_recent_id_gets_what_was_missed(slug, article):
    broker = get_broker()
    first = broker.publish({"type": "presence", "article": article.pk, "n": 1})
    broker.publish({"type": "presence", "article": article.pk, "n": 2})
    r = read(f"/articles/{slug}/events/", headers=[(b"last-event-id", first.encode())])
    assert '"n":2' in r.text and '"n":1' not in r.text and "resync" not in r.text


def test_a_frame_keeps_its_id_and_type_on_one_line_each():
    text = stream.frame({"id": "1-1\nevent: x", "type": "presence\r\ndata: y", "article": 1})
    assert text.splitlines()[:2] == ["id: 1-1event: x", "event: presencedata: y"]
    assert text.count("\n\n") == 1 and text.endswith("\n\n")


@pytest.mark.django_db
def test_the_stream_carries_the_security_headers(slug):
    r = read(f"/articles/{slug}/events/")
    assert r.status == 200 and r.headers["content-type"].startswith("text/event-stream")
    assert all(name in r.headers for name in SECURITY)
    missing = read("/articles/no-such-article/events/")
    assert missing.status == 404 and all(name in missing.headers for name in SECURITY)


@pytest.mark.django_db
@override_settings(**PROD)
def test_the_stream_carries_hsts_over_https_behind_the_proxy(slug):
    r = read(f"/articles/{slug}/events/", headers=[(b"x-forwarded-proto", b"https")])
    assert r.status == 200 and r.headers["strict-transport-security"].startswith("max-age=63072000")
    r = read(f"/articles/{slug}/events/", scheme="https")
    assert r.headers["strict-transport-security"].startswith("max-age=63072000")


@pytest.mark.django_db
@override_settings(VECHE_SSE_STREAMS_PER_ADDRESS=3, VECHE_TRUSTED_PROXY_HOPS=0)
def test_one_address_holds_at_most_the_limit_of_streams(slug):
    path = f"/articles/{slug}/events/"

    async def go():
        held = [Reader(path, client="10.0.0.1") for _ in range(3)]
        for r in held:
            await r.start()
        assert [r.status for r in held] == [200, 200, 200]
        # The fourth from the same address is refused, with a reason, at once; a forwarded
        # header claiming another address changes nothing without trusted proxies.
        for headers in ((), [(b"x-forwarded-for", b"192.0.2.7")]):
            extra = Reader(path, client="10.0.0.1", headers=[(b"accept", b"application/json"), *headers])
            await extra.start()
            assert extra.status == 429 and extra.task.done()
            assert b'"too_many_streams"' in extra.sent[1]["body"] and b"at most 3" in extra.sent[1]["body"]
            assert int(dict(extra.headers)["retry-after"]) >= 0
            assert all(name in extra.headers for name in SECURITY)
        # Another address is not affected.
        other = Reader(path, client="10.0.0.2")
        await other.start()
        assert other.status == 200
        # A stream that ends gives its place back.
        await held[0].leave()
        again = Reader(path, client="10.0.0.1")
        await again.start()
        assert again.status == 200
        for r in (*held[1:], other, again):
            await r.leave()

    async_to_sync(go)()
    assert stream.streams.open == {}


@pytest.mark.django_db
@override_settings(VECHE_SSE_STREAMS_PER_ADDRESS=1, VECHE_TRUSTED_PROXY_HOPS=1)
def test_behind_a_trusted_proxy_the_forwarded_address_counts(slug):
    path = f"/articles/{slug}/events/"

    async def go():
        a = Reader(path, client="10.0.0.1", headers=[(b"x-forwarded-for", b"198.51.100.1")])
        b = Reader(path, client="10.0.0.1", headers=[(b"x-forwarded-for", b"198.51.100.2")])
        c = Reader(path, client="10.0.0.1", headers=[(b"x-forwarded-for", b"6.6.6.6, 198.51.100.1")])
        for r in (a, b, c):
            await r.start()
        assert (a.status, b.status, c.status) == (200, 200, 429)
        for r in (a, b):
            await r.leave()

    async_to_sync(go)()


@pytest.mark.django_db
def test_the_stream_has_one_handler_and_django_says_so(client, article):
    """The front serves the stream (live.stream); Django's route only names the address."""
    r = client.get(f"/articles/{article.slug}/events/", {"last": "x\nevent: y"})
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
    assert b"event:" not in r.content and stream.streams.open == {}
