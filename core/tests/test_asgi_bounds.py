"""The ASGI application's bounds, called as a server would call it: a body past the limit is
refused before it is read (on its Content-Length at once, without one as soon as the bytes
pass the limit), and whatever answers carry the security headers."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import override_settings

from config.settings import hardening

LIMIT = 256 * 1024
TEN_MB = 10 * 2**20
PROD = {k: getattr(hardening, k) for k in dir(hardening) if k.isupper()}
SECURITY = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
            "cross-origin-opener-policy", "permissions-policy")


class Body:
    """A receive() that would yield `total` bytes in `chunk`-byte messages, counting what was taken."""

    def __init__(self, total: int, chunk: int = 64 * 1024):
        self.total, self.chunk, self.taken, self.calls = total, chunk, 0, 0

    async def __call__(self):
        self.calls += 1
        if self.taken >= self.total and self.calls > 1:
            await asyncio.Event().wait()  # the client stays until it is answered
        piece = min(self.chunk, self.total - self.taken)
        self.taken += piece
        return {"type": "http.request", "body": b"x" * piece, "more_body": self.taken < self.total}


def call(method: str, path: str, receive, headers: list[tuple[bytes, bytes]] = (), scheme: str = "http"):
    from config.asgi import application

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"testserver"), *headers], "scheme": scheme,
             "server": ("testserver", 80), "client": ("127.0.0.1", 5000), "http_version": "1.1",
             "asgi": {"version": "3.0"}, "root_path": ""}
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, body


def test_the_limit_is_djangos_own():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == LIMIT


@pytest.mark.django_db
def test_a_declared_ten_megabyte_body_is_refused_before_a_byte_of_it_is_read():
    body = Body(TEN_MB)
    status, headers, content = call("POST", "/signin/", body, [(b"content-length", str(TEN_MB).encode()),
                                                               (b"content-type", b"application/x-www-form-urlencoded")])
    assert status == 413 and body.taken == 0 and body.calls == 0
    assert b"too large" in content and b"10,485,760 bytes" in content
    assert headers["connection"] == "close"  # the unread rest is not taken as another request
    assert all(name in headers for name in SECURITY)


@pytest.mark.django_db
def test_an_undeclared_body_is_cut_off_as_soon_as_it_passes_the_limit():
    body = Body(TEN_MB)
    status, headers, content = call("POST", "/signin/", body, [(b"transfer-encoding", b"chunked"),
                                                               (b"accept", b"application/json")])
    assert status == 413 and json.loads(content)["error"] == "too_large"
    assert LIMIT < body.taken <= LIMIT + body.chunk  # not one message past the limit
    assert body.taken < TEN_MB
    assert all(name in headers for name in SECURITY)


@pytest.mark.django_db
def test_a_get_with_a_body_is_bounded_too():
    body = Body(TEN_MB)
    status, _headers, _content = call("GET", "/", body)
    assert status == 413 and body.taken <= LIMIT + body.chunk


@pytest.mark.django_db
def test_a_body_within_the_limit_reaches_django(alice):
    form = b"username=alice&password=correct+horse+battery"
    sent = []

    async def receive():
        if not sent:
            sent.append(1)
            return {"type": "http.request", "body": form, "more_body": False}
        await asyncio.Event().wait()

    status, headers, _content = call("POST", "/signin/", receive, [
        (b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", str(len(form)).encode())])
    assert status == 302  # Django's CSRF check sent the visitor to sign in: the body reached Django
    assert all(name in headers for name in SECURITY)


@pytest.mark.django_db
@override_settings(**PROD)
def test_answers_of_the_front_and_of_django_carry_hsts_over_https(article):
    for method, path, headers in (
        ("POST", "/signin/", [(b"content-length", str(TEN_MB).encode())]),  # the front's 413
        ("GET", "/no/such/page/", []),  # Django's 404
        ("GET", f"/articles/{article.slug}/", []),  # a page
    ):
        status, got, _ = call(method, path, Body(0), [*headers, (b"x-forwarded-proto", b"https")])
        assert got["strict-transport-security"].startswith("max-age=63072000"), (path, status)
        assert all(name in got for name in SECURITY), (path, status)


@pytest.mark.django_db
def test_an_answer_django_makes_outside_its_middleware_gets_the_headers_from_the_front(monkeypatch):
    """Django's handler refuses some requests (a body it cannot decode) before any middleware
    runs; the front adds the security headers those answers lack."""
    from django.http import HttpResponseBadRequest

    from config.asgi import Handler

    monkeypatch.setattr(Handler, "create_request", lambda self, scope, body: (None, HttpResponseBadRequest()))
    status, headers, _ = call("GET", "/", Body(0))
    assert status == 400 and all(name in headers for name in SECURITY)
