"""The ASGI front's own answers — a cached page, a cached comments JSON, a member page filled
in the front, a live stream, a refusal before Django — are counted, logged and carry an
X-Request-ID like Django's; a request the front passes to Django is counted once."""

import asyncio
import logging

import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from django.urls import resolve

from config.asgi import application  # imported now: its django.setup() sets up logging anew
from core import pagecache
from live import stream
from live.broker import get_broker
from ops import front as ops_front
from ops import logs
from ops.requestid import WELL_FORMED
from ops.tests.helpers import value


@pytest.fixture(autouse=True)
def _executor_connections_closed(request):
    """The front reads in the event loop's executor threads, whose database connections
    outlive a test; on PostgreSQL they would keep the test database from being dropped."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql" and request.node.get_closest_marker("django_db"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def asgi(path: str, headers=(), method: str = "GET") -> tuple[int, dict, bytes]:
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"testserver"), *headers], "scheme": "http", "server": ("testserver", 80),
             "client": ("127.0.0.1", 5000), "http_version": "1.1", "asgi": {"version": "3.0"}, "root_path": ""}
    sent, asked = [], []

    async def receive():
        if not asked:
            asked.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, body


def from_front(headers: dict) -> bool:
    return headers.get("cache-control") in ("no-cache", "private, no-cache") and "set-cookie" not in headers


def request_lines(caplog) -> list[logging.LogRecord]:
    logs.lines.flush()  # request lines are written by a thread of their own
    return [r for r in caplog.records if r.name == "veche.requests"]


def counted(route: str, status: str = "200") -> float:
    return value("veche_http_requests_total", route=route, method="GET", status=status)


def test_the_fronts_route_names_are_the_urlconfs():
    assert resolve("/articles/some-slug/").view_name == ops_front.ARTICLE
    assert resolve("/api/v1/articles/some-slug/comments/").view_name == ops_front.API
    assert resolve("/articles/some-slug/events/").view_name == ops_front.EVENTS


@pytest.mark.django_db
def test_a_cached_page_from_the_front_is_counted_logged_and_carries_its_id(article, caplog):
    Client().get(article.get_absolute_url())  # Django renders it and keeps it for the front
    hits, misses = (value("veche_page_cache_lookups_total", kind="page", result=r) for r in ("hit", "miss"))
    before = counted("newsroom:article")
    caplog.set_level(logging.INFO, logger="veche.requests")
    logs.lines.flush()
    caplog.clear()
    status, headers, _ = asgi(article.get_absolute_url(), [(b"x-request-id", b"lb-7f3a.9_Z")])
    assert status == 200 and from_front(headers)
    assert headers["x-request-id"] == "lb-7f3a.9_Z"
    assert value("veche_page_cache_lookups_total", kind="page", result="hit") == hits + 1
    assert value("veche_page_cache_lookups_total", kind="page", result="miss") == misses
    assert counted("newsroom:article") == before + 1  # once, not once more by anything else
    [line] = request_lines(caplog)
    assert (line.request_id, line.route, line.method, line.status, line.member) == (
        "lb-7f3a.9_Z", "newsroom:article", "GET", 200, None)
    assert article.slug not in line.getMessage()


@pytest.mark.django_db
@pytest.mark.parametrize("given", [b"", b"x" * 65, b"has space", b"line\nbreak", b"<script>", b"caf\xc3\xa9",
                                   b"a,b", b"id;drop"])
def test_a_malformed_request_id_is_replaced(article, given):
    Client().get(article.get_absolute_url())
    status, headers, _ = asgi(article.get_absolute_url(), [(b"x-request-id", given)])
    assert from_front(headers)
    assert WELL_FORMED.fullmatch(headers["x-request-id"]) and headers["x-request-id"] != given.decode("latin-1")


@pytest.mark.django_db
def test_cached_comments_json_from_the_front_is_counted_as_api(article):
    Client().get(f"/api/v1/articles/{article.slug}/comments/")
    hits, before = value("veche_page_cache_lookups_total", kind="api", result="hit"), counted(ops_front.API)
    status, headers, _ = asgi(f"/api/v1/articles/{article.slug}/comments/")
    assert status == 200 and from_front(headers) and WELL_FORMED.fullmatch(headers["x-request-id"])
    assert value("veche_page_cache_lookups_total", kind="api", result="hit") == hits + 1
    assert counted(ops_front.API) == before + 1


@pytest.mark.django_db(transaction=True)  # Django answers in another thread
def test_a_request_the_front_passes_on_is_counted_once_by_django(article, caplog):
    before = counted("newsroom:front")
    caplog.set_level(logging.INFO, logger="veche.requests")
    logs.lines.flush()
    caplog.clear()
    status, headers, _ = asgi("/", [(b"x-request-id", b"abc-123")])
    assert status == 200 and headers["x-request-id"] == "abc-123"
    assert counted("newsroom:front") == before + 1
    assert [(r.route, r.request_id) for r in request_lines(caplog)] == [("newsroom:front", "abc-123")]


@pytest.mark.django_db  # no query; without it, run after the browser tests, async_to_sync finds
def test_a_body_refused_by_the_front_is_counted_and_logged(caplog):  # their event loop running
    before = value("veche_http_requests_total", route="unmatched", method="POST", status="413")
    caplog.set_level(logging.INFO, logger="veche.requests")
    logs.lines.flush()
    caplog.clear()
    status, headers, _ = asgi("/articles/x/comments/", [(b"content-length", b"999999999")], method="POST")
    assert status == 413 and WELL_FORMED.fullmatch(headers["x-request-id"])
    assert value("veche_http_requests_total", route="unmatched", method="POST", status="413") == before + 1
    assert [(r.route, r.status) for r in request_lines(caplog)] == [("unmatched", 413)]


@pytest.mark.django_db(transaction=True)  # the front reads the member in a worker thread
def test_a_member_page_filled_by_the_front_is_a_member_hit_logged_with_the_member(alice, article, caplog):
    client = Client()
    client.force_login(alice)
    client.get("/")
    client.get(article.get_absolute_url())  # Django renders the member page, keeps its skeleton
    cookies = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    hits = value("veche_page_cache_lookups_total", kind="member", result="hit")
    caplog.set_level(logging.INFO, logger="veche.requests")
    logs.lines.flush()
    caplog.clear()
    status, headers, body = asgi(article.get_absolute_url(), [(b"cookie", cookies.encode())])
    assert status == 200 and from_front(headers) and f'data-me="{alice.pk}"'.encode() in body
    assert value("veche_page_cache_lookups_total", kind="member", result="hit") == hits + 1
    [line] = request_lines(caplog)
    assert line.route == "newsroom:article" and line.member == alice.pk
    assert client.cookies["sessionid"].value not in line.getMessage()


@pytest.fixture
def slug(article):
    pagecache.SLUGS.put(article.slug, article.pk)
    stream.streams.open.clear()
    yield article.slug
    stream.streams.open.clear()


@pytest.mark.django_db
def test_a_live_stream_is_open_while_it_is_open_and_its_events_are_counted(slug, article, monkeypatch):
    monkeypatch.setattr(stream, "HEARTBEAT_SECONDS", 0.05)
    opened, events, before = value("veche_sse_streams_open"), value("veche_sse_events_sent_total"), \
        counted(ops_front.EVENTS)
    path = f"/articles/{slug}/events/"
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"testserver")], "scheme": "http", "server": ("testserver", 80),
             "client": ("127.0.0.1", 5000), "http_version": "1.1", "asgi": {"version": "3.0"}, "root_path": ""}
    sent = []

    async def go():
        left = asyncio.Event()

        async def receive():
            await left.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        task = asyncio.ensure_future(application(scope, receive, send))
        while not sent:
            await asyncio.sleep(0.01)
        open_now = value("veche_sse_streams_open")
        get_broker().publish({"type": "presence", "article": article.pk, "n": 1})
        get_broker().publish({"type": "presence", "article": article.pk, "n": 2})
        await asyncio.sleep(0.3)
        left.set()
        await asyncio.wait_for(task, 5)
        return open_now

    open_now = async_to_sync(go)()
    assert open_now == opened + 1
    assert value("veche_sse_streams_open") == opened
    assert value("veche_sse_events_sent_total") == events + 2  # keep-alives are not events
    assert counted(ops_front.EVENTS) == before + 1
    assert any((b"x-request-id", v) for k, v in sent[0]["headers"] if k == b"x-request-id")


@pytest.mark.django_db
def test_a_stream_refused_opens_nothing(db):
    opened, before = value("veche_sse_streams_open"), counted(ops_front.EVENTS, "404")
    status, headers, _ = asgi("/articles/no-such-article/events/")
    assert status == 404 and WELL_FORMED.fullmatch(headers["x-request-id"])
    assert value("veche_sse_streams_open") == opened
    assert counted(ops_front.EVENTS, "404") == before + 1
