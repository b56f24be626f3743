"""The views of article pages nginx served from disk (core.mirror), counted from its log.

nginx sends one line per page it served from the mirror to VECHE_VIEW_LOG over UDP, in the
syslog format (`access_log syslog:server=…,nohostname,tag=veche veche_view`; `veche
mirror-nginx` prints it): `<190>Dec  6 18:20:01 veche: view <slug>`. A thread of each worker
listens there (several workers share the address: SO_REUSEPORT) and counts each as a page
view (newsroom.viewcount), as the front counts a page it serves itself. A line lost on the
way is a view not counted, nothing worse; the address is meant to be the loopback or a
private network, and a line naming no article counts nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading

from core import pagecache
from newsroom import viewcount

log = logging.getLogger(__name__)

MARK = b": view "
MAX_LINE = 2048


def slug_of(datagram: bytes) -> str | None:
    """The slug a log line names, None for anything else."""
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
    for slug in slugs:
        article_id = pagecache.SLUGS.get(slug)
        if article_id is None:
            unknown[slug] = unknown.get(slug, 0) + 1
        else:
            viewcount.count(article_id)
            counted += 1
    if unknown:
        from newsroom.models import Article

        for slug, article_id in Article.objects.filter(slug__in=list(unknown)).values_list("slug", "id"):
            pagecache.SLUGS.put(slug, article_id)
            for _ in range(unknown[slug]):
                viewcount.count(article_id)
            counted += unknown[slug]
    return counted


def address(value: str) -> tuple[str, int]:
    """("host", port) of a VECHE_VIEW_LOG value such as 127.0.0.1:5514 or [::1]:5514."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"VECHE_VIEW_LOG={value!r}: host:port, for example 127.0.0.1:5514")
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


listener = Listener()
