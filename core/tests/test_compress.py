"""Compressed answers: negotiation, cached pages compressed once and dropped with the plain
ones, Django's answers, and the live stream left alone."""

import gzip

import brotli
import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.tests.test_front import _executor_connections_closed  # noqa: F401
from core import compress, pagecache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("header", "chosen"), [
    ("br, gzip", "br"), ("gzip, deflate, br;q=0.5", "br"), ("gzip", "gzip"), ("x-gzip", "gzip"),
    ("br;q=0, gzip", "gzip"), ("br;q=0, gzip;q=0", None), ("identity", None), ("", None),
    ("*", "br"), ("*;q=0", None), ("*, br;q=0", "gzip"), ("deflate, compress", None),
    ("gzip;q=nonsense", None), ("BR", "br"), ("  gzip ; q=0.001 ", "gzip"),
])
def test_the_encoding_is_negotiated(header, chosen):
    assert compress.accepted(header) == chosen


def _get(path: str, accept: str, method: str = "GET"):
    import asyncio

    from asgiref.sync import async_to_sync

    from config.asgi import application

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"testserver"), *([(b"accept-encoding", accept.encode())] if accept else [])],
             "scheme": "http", "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
             "http_version": "1.1", "asgi": {"version": "3.0"}, "root_path": ""}
    sent = []
    asked = []

    async def receive():
        if not asked:
            asked.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays until the answer is sent

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers: dict[str, str] = {}
    for k, v in start["headers"]:  # repeated headers (Vary) joined as a client reads them
        name = k.decode().lower()
        headers[name] = f"{headers[name]}, {v.decode()}" if name in headers else v.decode()
    return start["status"], headers, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def _plain(headers: dict, body: bytes) -> bytes:
    encoding = headers.get("content-encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


@pytest.fixture
def long_page(alice, bob, article, post):
    for i in range(20):
        post(alice if i % 2 else bob, article, f"Comment number {i} with enough words to be worth compressing.")
    return article


def test_a_cached_page_is_served_compressed_once_ready_and_plain_to_those_who_refuse(long_page):
    url = long_page.get_absolute_url()
    status, first, body = _get(url, "br")  # rendered by Django (compressed on the fly), kept plain
    assert status == 200 and first.get("content-encoding") == "br" and "Accept-Encoding" in first["vary"]
    plain = _plain(first, body)
    pagecache.compressor.flush()
    for accept, encoding in (("br", "br"), ("gzip", "gzip"), ("identity", None), ("", None), ("br;q=0, gzip;q=0", None)):
        status, headers, body = _get(url, accept)
        assert status == 200 and headers.get("content-encoding") == encoding, accept
        assert "Accept-Encoding" in headers["vary"] and int(headers["content-length"]) == len(body)
        assert _plain(headers, body).replace(b" ", b"")[:200] == plain.replace(b" ", b"")[:200]
        assert b"Comment number 19" in _plain(headers, body)
    status, headers, body = _get(url, "br", method="HEAD")
    assert status == 200 and headers["content-encoding"] == "br" and body == b""


def test_a_changed_discussion_drops_both_forms(long_page, alice, post):
    url = long_page.get_absolute_url()
    _get(url, "br")
    pagecache.compressor.flush()
    assert b"A brand new comment" not in _plain(*_get(url, "br")[1:])
    post(alice, long_page, "A brand new comment")
    for accept in ("br", "gzip", ""):
        _status, headers, body = _get(url, accept)
        assert b"A brand new comment" in _plain(headers, body), accept
    pagecache.compressor.flush()
    for accept in ("br", "gzip"):
        _status, headers, body = _get(url, accept)
        assert headers.get("content-encoding") == accept and b"A brand new comment" in _plain(headers, body)


def test_small_answers_and_the_stream_are_not_compressed(client, long_page):
    r = client.get("/api/v1/openapi.json", HTTP_ACCEPT_ENCODING="br")
    assert r["Content-Encoding"] == "br" and "Accept-Encoding" in r["Vary"]
    r = client.get("/robots.txt", HTTP_ACCEPT_ENCODING="gzip")
    assert r.status_code == 200 and not r.has_header("Content-Encoding")  # under MIN_BYTES
    from live import stream

    assert "content-encoding" not in {k.decode().lower() for k, _v in stream.security.raw(False)}
    assert not compress.compressible("text/event-stream")


@given(st.lists(st.tuples(st.binary(max_size=3000), st.booleans()), max_size=8))
def test_parts_deflated_apart_and_values_stored_join_into_one_gzip_body(pieces):
    import gzip
    import zlib

    from core.compress import deflate_part, gzip_joined

    plain = [data for data, _ in pieces]
    coded = [deflate_part(data) if deflate else None for data, deflate in pieces]
    body = gzip_joined(plain, coded)
    assert gzip.decompress(body) == b"".join(plain)
    assert zlib.decompressobj(wbits=31).decompress(body) == b"".join(plain)


def test_a_stored_value_longer_than_one_block_and_a_value_kept_out_of_compression():
    import gzip
    import os

    from core.compress import deflate_part, gzip_joined

    secret = os.urandom(70_000) + b"csrf-token-value"
    page = b"<p>shared text</p>" * 5000
    body = gzip_joined([page, secret, page], [deflate_part(page), None, deflate_part(page)])
    assert gzip.decompress(body) == page + secret + page
    # As it is, in two stored blocks (65,535 bytes at most each): no compression context holds it.
    assert secret[:65_535] in body and secret[65_535:] in body
