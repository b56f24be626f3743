"""The views of article pages nginx served from disk (core.mirror), counted from its log.

nginx writes one line per page it served from the mirror (`view <slug>`; `veche mirror-nginx`
prints its `access_log`), and VECHE_VIEW_LOG says where:

* a file (an absolute path): nginx appends to it through a buffer, flushed every second —
  nearly free for nginx. One worker of the machine follows it (a lock in VECHE_VAR_DIR
  decides which; the others wait their turn), going on where the last one stopped, through
  its rotation (logrotate's `nginx -s reopen`: the old file is still read a few seconds, the
  new one from its start) or truncation;
* host:port: nginx sends each line at once over UDP in the syslog format (`<190>Dec  6
  18:20:01 veche: view <slug>`), a system call a page; each worker listens there
  (SO_REUSEPORT), each line reaching one.

Each line counts one page view (newsroom.viewcount), as the front counts a page it serves
itself. A line lost (a datagram dropped, lines written while no worker runs) is a view not
counted, nothing worse; a line naming no article counts nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from collections import Counter
from pathlib import Path
from typing import BinaryIO, cast

from core import pagecache
from newsroom import viewcount

log = logging.getLogger(__name__)

MARK = b": view "
MAX_LINE = 2048


def slug_of(datagram: bytes) -> str | None:
    """The slug a log line names (a file's line, or a syslog datagram), None for anything else."""
    if datagram.startswith(b"view "):
        raw = datagram[5:].strip()
    else:
        at = datagram.find(MARK)
        if at < 0:
            return None
        raw = datagram[at + len(MARK):].strip()
    if not raw or len(raw) > 400:
        return None
    try:  # nginx's escape=json: quotes, backslashes and control characters escaped, UTF-8 kept
        slug = json.loads(b'"' + raw + b'"')
    except ValueError:
        return None
    return slug if isinstance(slug, str) and "/" not in slug else None


def named(lines: list[bytes]) -> Counter[str]:
    """The slugs `lines` name, with how many lines name each. A second's lines are mostly the
    same few lines over again (tens of thousands naming the article of the hour): each distinct
    line is read once — decoding every one cost 80 ms of a worker's second at 50,000 a second."""
    out: Counter[str] = Counter()
    for line, times in Counter(lines).items():
        slug = slug_of(line)
        if slug is not None:
            out[slug] += times
    return out


def count(slugs: list[str] | Counter[str]) -> int:
    """Count a view of each article named (a list, or a Counter of slugs and their views);
    slugs this process does not know are looked up in one query. How many were counted."""
    counted = 0
    unknown: dict[str, int] = {}
    for slug, views in (slugs if isinstance(slugs, Counter) else Counter(slugs)).items():
        article_id = pagecache.SLUGS.get(slug)
        if article_id is None:
            unknown[slug] = views
        else:
            viewcount.count(article_id, views)
            counted += views
    if unknown:
        from newsroom.models import Article

        for slug, article_id in Article.objects.filter(slug__in=list(unknown)).values_list("slug", "id"):
            pagecache.SLUGS.put(slug, article_id)
            viewcount.count(article_id, unknown[slug])
            counted += unknown[slug]
    return counted


def address(value: str) -> tuple[str, int]:
    """("host", port) of a VECHE_VIEW_LOG value such as 127.0.0.1:5514 or [::1]:5514."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"VECHE_VIEW_LOG={value!r}: a file's absolute path (/var/log/nginx/veche-views.log) "
                         "or host:port (127.0.0.1:5514)")
    return host.strip("[]"), int(port)


class Listener:
    """The thread that receives nginx's lines, started with the server (config.front)."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.sock: socket.socket | None = None

    def start(self, value: str) -> None:
        host, port = address(value)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        if hasattr(socket, "SO_REUSEPORT"):  # every worker of the machine listens
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        self.sock = sock
        self.thread = threading.Thread(target=self._run, args=(sock,), name="veche-viewlog", daemon=True)
        self.thread.start()

    def _run(self, sock: socket.socket) -> None:
        from django.db import close_old_connections

        sock.settimeout(1.0)
        while self.sock is sock:
            try:
                first = sock.recv(MAX_LINE)
            except TimeoutError:
                continue
            except OSError:
                return  # closed
            lines = [first]
            try:  # what else has arrived, counted together
                sock.setblocking(False)
                while len(lines) < 10_000:
                    lines.append(sock.recv(MAX_LINE))
            except OSError:  # nothing more now (or the socket was closed: these still count)
                pass
            with contextlib.suppress(OSError):
                sock.settimeout(1.0)
            try:
                count(named(lines))
            except Exception:
                log.exception("views from nginx's log not counted")
            finally:
                close_old_connections()

    def stop(self) -> None:
        sock, self.sock = self.sock, None
        if sock is not None:
            sock.close()
        if self.thread is not None:
            self.thread.join(timeout=5)
            self.thread = None


class Follower:
    """The thread that follows the log file nginx appends to, in the one worker of the machine
    holding its lock (in VECHE_VAR_DIR: the log's folder is nginx's). Where it stopped reading
    is kept beside the lock, so the next holder (a restart, another worker) goes on from there."""

    READ_SECONDS = 1.0

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.stopping = threading.Event()

    def start(self, path: str) -> None:
        self.stopping = threading.Event()  # its own: a thread that outlived stop() keeps its own
        self.thread = threading.Thread(target=self._run, args=(path, self.stopping), name="veche-viewlog",
                                       daemon=True)
        self.thread.start()

    def _run(self, path: str, stopping: threading.Event) -> None:
        while not stopping.is_set():
            try:
                self._follow(path, stopping)
                return
            except Exception:  # told, and tried again: views wait in the file meanwhile
                log.exception("nginx's view log %s not followed; trying again in a minute", path)
                stopping.wait(60)

    def _follow(self, path: str, stopping: threading.Event) -> None:
        import fcntl

        from django.conf import settings
        from django.db import close_old_connections

        state = Path(settings.VAR_DIR) / "viewlog.state"
        with open(Path(settings.VAR_DIR) / "viewlog.lock", "a") as lock:
            while True:  # one reader a machine: the others wait to take over
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if stopping.wait(self.READ_SECONDS):
                        return
            reading = Reading(path, resume=_read_state(state))
            try:
                while True:
                    stopped = stopping.wait(self.READ_SECONDS)
                    try:
                        count(named(reading.lines()))
                        _write_state(state, reading.position())
                    except Exception:
                        log.exception("views from nginx's log not counted")
                    finally:
                        close_old_connections()
                    if stopped:
                        return
            finally:
                reading.close()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
            self.thread = None


def _read_state(path: Path) -> tuple[int, int] | None:
    try:
        inode, offset = (int(x) for x in path.read_text().split())
    except (OSError, ValueError):
        return None
    return inode, offset


def _write_state(path: Path, position: tuple[int, int] | None) -> None:
    if position is not None:
        part = path.with_name(path.name + ".part")
        part.write_text(f"{position[0]} {position[1]}")
        os.replace(part, path)


class Reading:
    """A log file read as it grows, is rotated or truncated: complete lines only, each once.

    `resume`: (inode, offset) where an earlier reader stopped: the same file goes on from there
    (lines of another, rotated since, are lost); without it, from the file's end. After a
    rotation the old file is still read for GRACE seconds: nginx's workers write their buffers
    to it until they reopen, which comes after the new file is made."""

    GRACE = 5.0

    def __init__(self, path: str, resume: tuple[int, int] | None = None, from_end: bool = True) -> None:
        self.path = path
        self.file: BinaryIO | None = None
        self.inode = 0
        self.rest = b""
        self.mtime = 0
        self.old: list[tuple[BinaryIO, float]] = []  # rotated files still read, since when
        self.rest_old: dict[int, bytes] = {}
        self.warned = 0.0
        self._open()
        if self.file is not None:
            size = os.fstat(self.file.fileno()).st_size
            if resume is not None and resume[0] == self.inode and resume[1] <= size:
                self.file.seek(resume[1])
            elif resume is None and from_end:
                self.file.seek(0, os.SEEK_END)
            # (resumed in another file: this one, made since, is read from its start)

    def _open(self) -> None:
        self.file = None
        try:
            self.file = open(self.path, "rb")  # noqa: SIM115 (kept open between reads)
        except FileNotFoundError:
            return
        except OSError as exc:  # not readable (yet): told once a minute, tried each time
            if time.monotonic() - self.warned > 60:
                self.warned = time.monotonic()
                log.error("nginx's view log %s cannot be read: %s", self.path, exc)
            return
        self.inode = os.fstat(self.file.fileno()).st_ino
        self.mtime = os.fstat(self.file.fileno()).st_mtime_ns
        self.rest = b""

    def position(self) -> tuple[int, int] | None:
        """(inode, offset) of the current file's complete lines read."""
        if self.file is None:
            return None
        return self.inode, self.file.tell() - len(self.rest)

    def lines(self) -> list[bytes]:
        out: list[bytes] = []
        for old, since in list(self.old):  # rotated files, until nginx has surely let go
            out += self._read_old(old)
            if time.monotonic() - since > self.GRACE:
                out += [self.rest_old.pop(id(old), b"")] if self.rest_old.get(id(old)) else []
                old.close()
                self.old.remove((old, since))
        if self.file is None:
            self._open()  # made since (or readable now): all of it is new
        if self.file is None:
            return [line for line in out if line]
        out += self._read()
        try:
            rotated = os.stat(self.path).st_ino != self.inode
        except FileNotFoundError:
            rotated = False  # moved away, the new one not made yet: next time
        if rotated:
            self.rest_old[id(self.file)] = self.rest
            self.old.append((self.file, time.monotonic()))
            self._open()
            if self.file is not None:
                out += self._read()
        return [line for line in out if line]

    def _read(self) -> list[bytes]:
        f = cast("BinaryIO", self.file)
        seen = os.fstat(f.fileno())
        # Truncated in place (copytruncate): shorter than what was read, or as long but written
        # since (only a truncation makes a file written to no longer).
        if seen.st_size < f.tell() or (seen.st_size == f.tell() > 0 and seen.st_mtime_ns != self.mtime):
            f.seek(0)
            self.rest = b""
        data = self.rest + f.read()
        self.mtime = os.fstat(f.fileno()).st_mtime_ns
        *complete, self.rest = data.split(b"\n")
        return complete

    def _read_old(self, f: BinaryIO) -> list[bytes]:
        data = self.rest_old.get(id(f), b"") + f.read()
        *complete, self.rest_old[id(f)] = data.split(b"\n")
        return complete

    def close(self) -> None:
        for old, _since in self.old:
            old.close()
        self.old.clear()
        if self.file is not None:
            self.file.close()


def start(value: str) -> None:
    """Count the views in nginx's log at VECHE_VIEW_LOG (a file's path, or host:port)."""
    if value.startswith("/"):
        follower.start(value)
    else:
        listener.start(value)


def stop() -> None:
    follower.stop()
    listener.stop()


listener = Listener()
follower = Follower()
