"""A real `veche serve` process and its bounds, over plain sockets: bodies past the limit are
refused before they are read, request heads are bounded in size and time, a local client
cannot claim another address through X-Forwarded-For, and one address holds a bounded number
of live streams. (No browser: these are what a hostile client does by hand.)"""

import http.client
import re
import shutil
import socket
import time
import urllib.parse
import urllib.request

import pytest

from e2e.server import Server, environment, prepare

TEN_MB = 10 * 2**20
LIMIT = 256 * 1024


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    var = tmp_path_factory.mktemp("veche-serving")
    env = environment(var, db_name="veche_e2e_serving", VECHE_RATE_LIMITS="1", VECHE_SSE_STREAMS_PER_ADDRESS="2",
                      VECHE_HEADER_TIMEOUT="1", VECHE_BODY_TIMEOUT="2", VECHE_TRUSTED_PROXY_HOPS="0")
    prepare(env, None)
    server = Server(env)
    yield server
    server.kill()
    shutil.rmtree(var, ignore_errors=True)


def connect(server, source: str = "127.0.0.1") -> socket.socket:
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10, source_address=(source, 0))
    return s


def response(s: socket.socket) -> bytes:
    out = b""
    try:
        while chunk := s.recv(65536):
            out += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return out


def head_of(raw: bytes) -> tuple[int, dict[str, str]]:
    lines = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    return int(lines[0].split()[1]), {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in lines[1:])}


def a_slug(server) -> str:
    page = urllib.request.urlopen(server.url + "/", timeout=10).read().decode()
    return re.search(r'href="/articles/([^/"]+)/"', page).group(1)


def test_a_declared_ten_megabytes_are_refused_at_once(served):
    s = connect(served)
    started = time.monotonic()
    s.sendall(b"POST /signin/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              b"Content-Length: %d\r\n\r\n" % TEN_MB)
    raw = response(s)  # not one byte of the body was sent
    status, headers = head_of(raw)
    assert status == 413 and time.monotonic() - started < 3
    assert "content-security-policy" in headers and headers["connection"] == "close"


def test_a_chunked_body_is_refused_once_past_the_limit(served):
    s = connect(served)
    s.sendall(b"POST /signin/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
              b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"a" * 16384
    sent = 0
    while sent <= LIMIT + 16384:
        s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        sent += len(chunk)
    raw = response(s)  # the body never ended: the answer came all the same
    status, _ = head_of(raw)
    assert status == 413 and b'"too_large"' in raw


def test_a_huge_header_is_refused(served):
    s = connect(served)
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 1_000_000 + b"\r\n\r\n")
    status, _ = head_of(response(s))
    assert status == 431


def test_a_head_sent_a_byte_at_a_time_is_timed_out(served):
    s = connect(served)
    started = time.monotonic()
    s.sendall(b"GET / HTTP/1.1\r\n")
    raw = b""
    try:
        for _ in range(20):
            s.sendall(b"X")
            time.sleep(0.2)
    except (BrokenPipeError, ConnectionResetError):
        pass
    raw = response(s)
    assert head_of(raw)[0] == 408 and time.monotonic() - started < 5


def test_a_body_that_never_ends_is_timed_out(served):
    s = connect(served)
    started = time.monotonic()
    s.sendall(b"POST /signin/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nabc")
    response(s)  # closed by the server
    assert time.monotonic() - started < 6


def test_a_local_client_cannot_claim_other_addresses_past_the_sign_in_limit(served):
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    conn.request("GET", "/signin/")
    r = conn.getresponse()
    body = r.read().decode()
    cookie = re.search(r"(csrftoken=[^;]+)", r.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    statuses = []
    for i in range(31):
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": f"nobody{i}",
                                       "password": "not the password"})
        conn.request("POST", "/signin/", form, {"Cookie": cookie, "X-Forwarded-For": f"203.0.113.{i + 1}",
                                                "Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        r.read()
        statuses.append(r.status)
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_one_address_holds_at_most_its_streams(served):
    slug = a_slug(served)
    request = f"GET /articles/{slug}/events/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"

    def open_stream(source="127.0.0.1"):
        s = connect(served, source)
        s.sendall(request.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(65536)
        return s, head_of(data)[0]

    held = [open_stream(), open_stream()]
    assert [status for _, status in held] == [200, 200]
    extra, status = open_stream()
    assert status == 429
    other, status = open_stream("127.0.0.2")  # another address
    assert status == 200
    held[0][0].close()
    time.sleep(0.5)
    again, status = open_stream()
    assert status == 200
    for s in (held[1][0], extra, other, again):
        s.close()
