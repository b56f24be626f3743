"""The views of article pages nginx served from disk (core.mirror), counted from its log.

nginx writes one line per page it served from the mirror (`view <slug>`; `veche mirror-nginx`
prints its `access_log`), and VECHE_VIEW_LOG says where:

* a file (an absolute path): nginx appends to it through a buffer, flushed every second —
  nearly free for nginx. One worker of the machine follows it (a lock decides which; the
  others wait their turn), from its end at the start, through its rotation (logrotate's
  `nginx -s reopen`: the old file is read to its end, then the new one from its start);
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
from collections import Counter
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


def count(slugs: list[str]) -> int:
    """Count a view of each article named (slugs this process does not know are looked up in
    one query); how many were counted."""
    counted = 0
    unknown: dict[str, int] = {}
    for slug, views in Counter(slugs).items():
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
                count([s for s in map(slug_of, lines) if s is not None])
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
    """The thread that follows the log file nginx appends to, in the one worker holding its lock."""

    READ_SECONDS = 1.0

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.stopping = threading.Event()

    def start(self, path: str) -> None:
        self.stopping.clear()
        self.thread = threading.Thread(target=self._run, args=(path,), name="veche-viewlog", daemon=True)
        self.thread.start()

    def _run(self, path: str) -> None:
        import fcntl

        from django.db import close_old_connections

        with open(f"{path}.lock", "a") as lock:
            while True:  # one reader a machine: the others wait to take over
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if self.stopping.wait(self.READ_SECONDS):
                        return
            reading = Reading(path, from_end=True)
            try:
                while True:
                    stopping = self.stopping.wait(self.READ_SECONDS)
                    try:
                        count([s for s in map(slug_of, reading.lines()) if s is not None])
                    except Exception:
                        log.exception("views from nginx's log not counted")
                    finally:
                        close_old_connections()
                    if stopping:
                        return
            finally:
                reading.close()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
            self.thread = None


class Reading:
    """A log file read as it grows and is rotated: complete lines only, each once."""

    def __init__(self, path: str, from_end: bool = False) -> None:
        self.path = path
        self.file: BinaryIO | None = None
        self.inode = 0
        self.rest = b""
        self._open(from_end)

    def _open(self, at_end: bool) -> None:
        try:
            self.file = open(self.path, "rb")  # noqa: SIM115 (kept open between reads)
        except FileNotFoundError:
            self.file = None
            return
        self.inode = os.fstat(self.file.fileno()).st_ino
        if at_end:
            self.file.seek(0, os.SEEK_END)

    def lines(self) -> list[bytes]:
        out: list[bytes] = []
        if self.file is None:
            self._open(at_end=False)  # created since: all of it is new
        if self.file is not None:
            out += self._read()
            try:
                rotated = os.stat(self.path).st_ino != self.inode
            except FileNotFoundError:
                rotated = False  # moved away, the new one not made yet: next time
            if rotated:  # the old file was read to its end above
                self.file.close()
                self.rest = b""
                self._open(at_end=False)
                if self.file is not None:
                    out += self._read()
        return out

    def _read(self) -> list[bytes]:
        data = self.rest + cast("BinaryIO", self.file).read()
        *complete, self.rest = data.split(b"\n")
        return complete

    def close(self) -> None:
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
