"""Pages from disk: a real `veche serve` writing anonymous article pages to a folder, and a real
nginx in front configured by `veche mirror-nginx` (ops.nginx), as docs/deploy.md sets them up.

What must hold: nginx answers an anonymous reader from disk with the bytes Veche would send,
in every encoding and in the reader's language; a member, a query string, a POST never get a
page from disk; a comment removes the page at once, so nginx never shows what Veche no longer
would; a page leaves the disk at its time; and the views nginx served are counted."""

import gzip
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import pytest

from e2e.httpclient import Session
from e2e.server import ROOT, VECHE, Server, environment, free_port, prepare
from ops.nginx import OUTPUT_BUFFER

BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")


def _need_nginx() -> None:
    if shutil.which("nginx") and BROTLI_MODULE.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("nginx with brotli_static is missing (apt-get install nginx libnginx-mod-http-brotli-static)")
    pytest.skip("nginx with brotli_static is not installed (apt-get install nginx libnginx-mod-http-brotli-static)")


@pytest.fixture(scope="module")
def stack(seed_dir):
    _need_nginx()
    # Outside pytest's own folder, which only its user may enter: nginx's workers are another.
    var = Path(tempfile.mkdtemp(prefix="veche-mirror-"))
    var.chmod(0o755)
    mirror = var / "mirror"
    mirror.mkdir(mode=0o755)
    work = var / "nginx"
    work.mkdir()
    env = environment(var, db_name="veche_e2e_mirror", VECHE_PAGE_MIRROR_DIR=mirror,
                      VECHE_VIEW_LOG=var / "views.log", VECHE_VIEW_FLUSH_SECONDS="0.2")
    prepare(env, seed_dir)
    server = Server(env)
    port = free_port()
    conf = subprocess.run([*VECHE, "mirror-nginx", "--http", "--brotli", "--whole", f"127.0.0.1:{port}",
                           "--app", f"127.0.0.1:{server.port}", "--work", str(work)],
                          env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=60).stdout
    (work / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    front = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(front + "/", timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline or nginx.poll() is not None:
                log = work / "error.log"
                raise RuntimeError(f"nginx did not start: {log.read_text() if log.exists() else ''}") from None
            time.sleep(0.1)
    yield server, front, mirror, env
    nginx.terminate()
    nginx.wait(timeout=10)
    server.kill()
    shutil.rmtree(var, ignore_errors=True)


def fetch(url: str, method: str = "GET", **headers):
    """(status, headers, body decoded from its Content-Encoding)."""
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            raw, status, got = r.read(), r.status, r.headers
    except urllib.error.HTTPError as e:
        raw, status, got = e.read(), e.code, e.headers
    encoding = got.get("Content-Encoding")
    body = gzip.decompress(raw) if encoding == "gzip" else brotli.decompress(raw) if encoding == "br" else raw
    return status, got, body


def from_disk(got) -> bool:
    """Answered by nginx from the folder: Veche gives every answer a request id."""
    return got.get("X-Request-ID") is None


def a_slug(server, n: int = 0) -> str:
    """The front page's n-th article (the comment test writes to the first)."""
    page = urllib.request.urlopen(server.url + "/", timeout=10).read().decode()
    return list(dict.fromkeys(re.findall(r'href="/articles/([^/"]+)/"', page)))[n]


def on_disk(front: str, url: str, timeout: float = 15, **headers) -> bool:
    """Whether nginx comes to answer `url` from disk. Veche writes a page after answering it;
    a change made meanwhile (the task worker's, after a comment) removes it until a reader's
    request remakes it, within core.pagecache.TTL."""
    deadline = time.monotonic() + timeout
    while not from_disk(fetch(front + url, **headers)[1]):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_an_anonymous_reader_gets_from_disk_the_bytes_veche_would_send(stack):
    server, front, mirror, _env = stack
    slug = a_slug(server)
    url = f"/articles/{slug}/"
    _s, first, _b = fetch(front + url)  # not on disk yet: Veche answers and writes it
    assert not from_disk(first)
    assert on_disk(front, url)
    assert (mirror / "en" / "articles" / slug / "index.html").exists()
    own = fetch(server.url + url)[2]  # Veche's own answer of the same generation
    for accept, encoding in (("br, gzip", "br"), ("gzip", "gzip"), ("identity", None), ("gzip;q=0, br", "br")):
        status, got, body = fetch(front + url, **{"Accept-Encoding": accept})
        assert status == 200 and from_disk(got), accept
        assert got.get("Content-Encoding") == encoding, accept
        assert body == own, accept
        assert got["Content-Type"] == "text/html; charset=utf-8"
        assert got["Cache-Control"] == "no-cache"
        assert got["Vary"] == "Accept-Language, Cookie, Accept-Encoding"
        assert "frame-ancestors 'none'" in got["Content-Security-Policy"]
        assert got["X-Content-Type-Options"] == "nosniff"
    status, got, body = fetch(front + url, method="HEAD", **{"Accept-Encoding": "gzip"})
    assert status == 200 and from_disk(got) and body == b""
    # What is on disk is no member's: no CSRF token (its slots are empty), no account links.
    assert re.findall(rb'name="csrfmiddlewaretoken" value="([^"]*)"', own) in ([], [b""] * own.count(b"csrfmiddlewaretoken"))
    assert b"/signout/" not in own


def test_a_page_larger_than_nginxs_buffer_arrives_whole_in_each_encoding(stack):
    """nginx reads a page into one buffer (ops.nginx.OUTPUT_BUFFER) to send it with its
    headers: one several times larger (a plain 1,000-comment page is 1.1 MB) goes in turns."""
    _server, front, mirror, _env = stack
    folder = mirror / "en" / "articles" / "a-page-larger-than-the-buffer"
    folder.mkdir(parents=True, mode=0o755)
    page = b"".join(b"<p>%d " % i + os.urandom(40).hex().encode() + b"</p>\n" for i in range(12_000))
    assert len(page) > 4 * OUTPUT_BUFFER
    forms = {None: page, "gzip": gzip.compress(page), "br": brotli.compress(page)}
    for encoding, data in forms.items():
        (folder / ("index.html" + {None: "", "gzip": ".gz", "br": ".br"}[encoding])).write_bytes(data)
    for path in folder.iterdir():
        path.chmod(0o644)
    assert len(forms["gzip"]) > OUTPUT_BUFFER and len(forms["br"]) > OUTPUT_BUFFER
    try:
        for accept, encoding in (("identity", None), ("gzip", "gzip"), ("br, gzip", "br")):
            status, got, body = fetch(front + "/articles/a-page-larger-than-the-buffer/", **{"Accept-Encoding": accept})
            assert status == 200 and from_disk(got) and got.get("Content-Encoding") == encoding, accept
            assert int(got["Content-Length"]) == len(forms[encoding]) and body == page, accept
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("accept", ["ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "en-US,en;q=0.9,ru;q=0.8", "de-DE,de;q=0.9",
                                    "de, ru;q=0.5", "", "*, ru", "RU", "ru_RU", "run, ru;q=0.4", "ru;q=0.9",
                                    "uk, ru;q=0.9, en;q=0.8", "fr, ru, en", "de, *;q=0.5, ru;q=0.1",
                                    "en;q=0.1, ru;q=0.9", "ru;q=0, en", "ru;q=1.0000", "de,,ru",
                                    "uk-UA,uk;q=0.9,ru;q=0.8,en-US;q=0.7,en;q=0.6"])
def test_nginx_chooses_the_language_veche_chooses(stack, accept):
    server, front, mirror, _env = stack
    slug = a_slug(server)
    url = f"/articles/{slug}/"
    own = fetch(server.url + url, **{"Accept-Language": accept})[2]
    language = re.search(rb'<html lang="([a-z]+)"', own).group(1).decode()
    fetch(front + url, **{"Accept-Language": accept})  # (a page to disk, if nginx takes this one)
    on_disk(front, url, timeout=2, **{"Accept-Language": accept})
    status, got, body = fetch(front + url, **{"Accept-Language": accept})
    assert status == 200
    assert re.search(rb'<html lang="([a-z]+)"', body).group(1).decode() == language, accept
    for cookie in ("veche_language=ru", "veche_language=en", "a=1; veche_language=ru", "veche_language = ru",
                   "veche_language=en; veche_language=ru", 'veche_language="ru"', "VECHE_LANGUAGE=ru",
                   "veche_language=ru_RU"):
        headers = {"Accept-Language": accept, "Cookie": cookie}
        chosen = re.search(rb'<html lang="([a-z]+)"', fetch(server.url + url, **headers)[2]).group(1)
        body = fetch(front + url, **headers)[2]
        assert re.search(rb'<html lang="([a-z]+)"', body).group(1) == chosen, (accept, cookie)


@pytest.mark.parametrize("accept", ["ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "en-US,en;q=0.9", "",
                                    "uk-UA,uk;q=0.9,ru;q=0.8,en-US;q=0.7,en;q=0.6", "de-DE,de;q=0.9"])
def test_what_browsers_send_is_answered_from_disk(stack, accept):
    server, front, _mirror, _env = stack
    url = f"/articles/{a_slug(server)}/"
    assert on_disk(front, url, **{"Accept-Language": accept})


def test_validators_and_ranges_never_keep_an_old_page(stack):
    server, front, _mirror, _env = stack
    url = f"/articles/{a_slug(server, 2)}/"
    assert on_disk(front, url)
    status, got, body = fetch(front + url)
    assert "ETag" not in got and "Last-Modified" not in got and "Accept-Ranges" not in got
    for headers in ({"Range": "bytes=0-10"}, {"If-Modified-Since": "Sun, 06 Dec 2099 00:00:00 GMT"},
                    {"If-None-Match": "*"}):
        status, got, again = fetch(front + url, **headers)
        assert status == 200 and len(again) == len(body), headers


@pytest.mark.parametrize("address", ["//articles/{slug}/", "/articles/{slug}//", "/articles/{slug}%2F/",
                                     "/articles/x/../{slug}/"])
def test_an_address_the_front_would_not_read_as_the_page_goes_to_veche(stack, address):
    server, front, _mirror, _env = stack
    slug = a_slug(server)
    assert on_disk(front, f"/articles/{slug}/")
    request = urllib.request.Request(front + address.format(slug=slug))
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            got = r.headers
    except urllib.error.HTTPError as e:
        got = e.headers
    assert not from_disk(got), address


def test_members_addresses_with_a_query_and_posts_never_get_a_page_from_disk(stack):
    server, front, mirror, _env = stack
    slug = a_slug(server)
    url = f"/articles/{slug}/"
    assert on_disk(front, url)
    member = Session(front)
    member.sign_up("mirror reader")
    status, page = member.get(url)
    assert status == 200 and "mirror reader" in page  # their own page, from Veche
    assert 'name="csrfmiddlewaretoken"' in page
    for query in ("?order=newest", "?p=1", "?lang=ru", "?x=1"):
        assert not from_disk(fetch(front + url + query)[1]), query
    assert not from_disk(fetch(front + url, Cookie="messages=abc")[1])
    status, got, _body = fetch(front + url, method="POST")
    assert not from_disk(got) and status == fetch(server.url + url, method="POST")[0]  # Veche's answer, not nginx's 405


def test_a_comment_removes_the_page_from_disk_at_once(stack):
    server, front, mirror, _env = stack
    slug = a_slug(server)
    url = f"/articles/{slug}/"
    assert on_disk(front, url)
    encodings = ({}, {"Accept-Encoding": "gzip"}, {"Accept-Encoding": "br"})
    for _ in range(10):  # each of nginx's workers keeps a handle of each file (open_file_cache)
        for headers in encodings:
            assert from_disk(fetch(front + url, **headers)[1])
    member = Session(server.url)
    member.sign_up("mirror writer")
    status, _ = member.post(f"/articles/{slug}/comments/", {"body": "written while the page was on disk"})
    assert status == 302
    for _ in range(4):  # at once, from every worker: no page from before the comment is served
        for headers in encodings:
            _s, got, body = fetch(front + url, **headers)
            assert b"written while the page was on disk" in body, headers
    assert on_disk(front, url)  # the new page goes to disk in turn, in place of the old one
    for _ in range(4):
        for headers in encodings:
            _s, got, body = fetch(front + url, **headers)
            assert b"written while the page was on disk" in body, headers


def test_a_page_leaves_the_disk_at_its_time_and_its_views_are_counted(stack):
    server, front, mirror, env = stack
    from core.pagecache import TTL

    slug = a_slug(server, 1)
    url = f"/articles/{slug}/"
    assert on_disk(front, url)
    before = _settled_views(server, slug)  # the earlier tests' views all written
    served = sum(from_disk(fetch(front + url)[1]) for _ in range(20))
    assert served >= 10  # (the page may leave the disk meanwhile, at its time, and be remade)
    deadline = time.monotonic() + 10
    while _views(server, slug) < before + 20:
        assert time.monotonic() < deadline, (before, _views(server, slug))
        time.sleep(0.2)
    assert _settled_views(server, slug) == before + 20  # each counted once, by nginx's log or by Veche
    path = mirror / "en" / "articles" / slug / "index.html"
    deadline = time.monotonic() + TTL + 5
    while path.exists():
        assert time.monotonic() < deadline, "the page stayed on disk past its time"
        time.sleep(0.2)
    assert not (path.parent / "index.html.gz").exists() and not (path.parent / "index.html.br").exists()


def _settled_views(server, slug: str) -> int:
    """The article's views once no more arrive: nginx flushes its log every second, Veche
    reads it every second and writes views every 0.2 s here."""
    last = _views(server, slug)
    while True:
        time.sleep(2.5)
        now = _views(server, slug)
        if now == last:
            return now
        last = now


def _views(server, slug: str) -> int:
    import json

    with urllib.request.urlopen(f"{server.url}/api/v1/articles/{slug}/", timeout=10) as r:
        return json.loads(r.read())["views"]
