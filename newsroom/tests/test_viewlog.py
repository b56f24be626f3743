"""Views of pages nginx served from disk, counted from the log lines it sends (newsroom.viewlog)."""

import socket
import time

import pytest

from core import pagecache
from newsroom import viewcount, viewlog

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("line", "slug"), [
    (b"<190>Dec  6 18:20:01 veche: view the-old-bridge", "the-old-bridge"),
    (b"<190>Dec  6 18:20:01 veche: view \xd0\xbc\xd0\xbe\xd1\x81\xd1\x82", "мост"),  # UTF-8 kept by escape=json
    (b"<190>Dec  6 18:20:01 veche: view a\\u0022b", 'a"b'),
    (b"view the-old-bridge", "the-old-bridge"),  # a line of the file
])
def test_a_line_names_its_slug(line, slug):
    assert viewlog.slug_of(line) == slug


@pytest.mark.parametrize("line", [b"", b"views x", b" view x", b"<190>Dec  6 18:20:01 veche: view ", b"<190>x veche: view a/b",
                                  b"<190>x veche: view \\x", b"<190>x veche: view " + b"a" * 500,
                                  b"<190>x veche: GET /articles/x/"])
def test_anything_else_names_nothing(line):
    assert viewlog.slug_of(line) is None


def test_each_line_counts_one_view_known_slugs_or_not(article, make_article):
    other = make_article()
    pagecache.SLUGS.clear()
    pagecache.SLUGS.put(article.slug, article.pk)
    viewcount.forget()
    assert viewlog.count([article.slug, article.slug, other.slug, "no-such-article"]) == 3
    assert viewcount.pending(article.pk) == 2 and viewcount.pending(other.pk) == 1
    assert pagecache.SLUGS.get(other.slug) == other.pk  # learned for the next lines
    viewcount.forget()


def test_a_seconds_lines_are_counted_each_once_however_often_they_repeat(article, make_article):
    """named() reads each distinct line once and counts every line: repeated, escaped, a line
    of the file or a datagram alike; lines that name nothing count nothing."""
    other = make_article()
    lines = ([b"view " + article.slug.encode()] * 5000 + [b"<190>Dec  6 18:20:01 veche: view " + article.slug.encode()] * 3
             + [b"view " + other.slug.encode()] * 2 + [b"", b"views x", b"view a/b", b"view \\x"] * 7)
    got = viewlog.named(lines)
    assert got == {article.slug: 5003, other.slug: 2}
    assert viewlog.named([b'view a\\u0022b', b"view a\\u0022b"]) == {'a"b': 2}
    pagecache.SLUGS.clear()
    viewcount.forget()
    assert viewlog.count(got) == 5005
    assert viewcount.pending(article.pk) == 5003 and viewcount.pending(other.pk) == 2
    viewcount.forget()


@pytest.mark.parametrize(("value", "expected"), [("127.0.0.1:5514", ("127.0.0.1", 5514)), ("[::1]:5514", ("::1", 5514))])
def test_the_address_is_host_and_port(value, expected):
    assert viewlog.address(value) == expected


@pytest.mark.parametrize("value", ["5514", "127.0.0.1", "127.0.0.1:x", "views.log"])
def test_a_wrong_address_says_what_is_expected(value):
    with pytest.raises(ValueError, match="absolute path .* or host:port"):
        viewlog.address(value)


def test_the_listener_counts_what_arrives(article):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    viewcount.forget()
    listener = viewlog.Listener()
    listener.start(f"127.0.0.1:{port}")
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as out:
            for line in (f"<190>Dec  6 18:20:01 veche: view {article.slug}".encode(), b"junk") * 5:
                out.sendto(line, ("127.0.0.1", port))
        deadline = time.monotonic() + 5
        while viewcount.pending(article.pk) < 5:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.2)
        assert viewcount.pending(article.pk) == 5
    finally:
        listener.stop()
        viewcount.forget()
    assert listener.thread is None


def test_a_file_is_read_as_it_grows_and_is_rotated(tmp_path):
    path = tmp_path / "views.log"
    path.write_bytes(b"view before-the-start\n")
    reading = viewlog.Reading(str(path), from_end=True)  # what was there before is not ours
    assert reading.lines() == []
    with open(path, "ab") as f:
        f.write(b"view a\nview b\nview c-half")  # nginx's buffer may end within a line
    assert reading.lines() == [b"view a", b"view b"]
    with open(path, "ab") as f:
        f.write(b"\nview d\n")
    assert reading.lines() == [b"view c-half", b"view d"]
    with open(path, "ab") as f:
        f.write(b"view e\n")  # written just before the rotation
    path.rename(tmp_path / "views.log.1")  # logrotate, then nginx -s reopen
    assert reading.lines() == [b"view e"]
    path.write_bytes(b"view f\n")
    assert reading.lines() == [b"view f"]
    with open(tmp_path / "views.log.1", "ab") as f:
        f.write(b"view g\n")  # a worker of nginx flushing its buffer before it reopens
    assert reading.lines() == [b"view g"]
    assert reading.lines() == []
    with open(path, "r+b") as f:  # copytruncate: the same file, emptied
        f.truncate(0)
    with open(path, "ab") as f:
        f.write(b"view h\n")
    assert reading.lines() == [b"view h"]
    reading.close()


def test_a_reader_goes_on_where_the_last_one_stopped(tmp_path):
    path = tmp_path / "views.log"
    path.write_bytes(b"view a\nview b\n")
    first = viewlog.Reading(str(path), from_end=False)
    assert first.lines() == [b"view a", b"view b"]
    kept = first.position()
    first.close()
    with open(path, "ab") as f:
        f.write(b"view c\n")  # while no reader runs
    second = viewlog.Reading(str(path), resume=kept)
    assert second.lines() == [b"view c"]
    second.close()
    path.rename(tmp_path / "views.log.1")
    path.write_bytes(b"view d\n")  # rotated while none ran: the new file from its start
    third = viewlog.Reading(str(path), resume=kept)
    assert third.lines() == [b"view d"]
    third.close()


def test_a_file_that_cannot_be_read_is_told_and_read_once_it_can_be(tmp_path, caplog):
    path = tmp_path / "views.log"
    path.mkdir()  # (a folder: opening it fails as a file without the right would)
    reading = viewlog.Reading(str(path), from_end=False)
    assert reading.lines() == [] and "cannot be read" in caplog.text
    path.rmdir()
    path.write_bytes(b"view x\n")
    assert reading.lines() == [b"view x"]
    reading.close()


def test_a_file_not_there_yet_is_read_whole_once_it_is(tmp_path):
    path = tmp_path / "views.log"
    reading = viewlog.Reading(str(path), from_end=True)
    assert reading.lines() == []
    path.write_bytes(b"view x\n")
    assert reading.lines() == [b"view x"]
    reading.close()


def test_one_follower_a_machine_counts_the_file(tmp_path, article, monkeypatch, settings):
    monkeypatch.setattr(viewlog.Follower, "READ_SECONDS", 0.05)
    settings.VAR_DIR = tmp_path / "var"  # its lock and where it stopped
    settings.VAR_DIR.mkdir()
    path = tmp_path / "views.log"
    path.write_bytes(b"")
    viewcount.forget()
    pagecache.SLUGS.put(article.slug, article.pk)
    first, second = viewlog.Follower(), viewlog.Follower()
    first.start(str(path))
    time.sleep(0.3)
    second.start(str(path))  # another worker: waits for the lock
    try:
        time.sleep(0.3)
        with open(path, "ab") as f:
            f.write(f"view {article.slug}\n".encode() * 7 + b"junk\n")
        deadline = time.monotonic() + 5
        while viewcount.pending(article.pk) < 7:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)
        assert viewcount.pending(article.pk) == 7  # counted once, not by both
        first.stop()  # the first worker stops: the second takes over, where it stopped
        with open(path, "ab") as f:
            f.write(f"view {article.slug}\n".encode() * 2)
        deadline = time.monotonic() + 5
        while viewcount.pending(article.pk) < 9:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        first.stop()
        second.stop()
        viewcount.forget()
