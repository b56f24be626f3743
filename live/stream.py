"""The Server-Sent Events stream, as a bare ASGI handler.

The ASGI front sends /articles/<slug>/events/ here directly: an idle reader costs a queue,
one coroutine and one small task, not a Django request with its middleware, so thousands of
open pages fit in one process. `Last-Event-ID` (or `?last=`) replays what the reader missed
from the broker's window; a reader further behind is told to `resync`. Only a well-formed
event id is replayed from (live.broker.well_formed_id): anything else is ignored, as if the
reader had none, so no text of the request reaches the stream.

One address may hold at most VECHE_SSE_STREAMS_PER_ADDRESS streams open in a process (every
open page of a reader holds one); past that it is answered 429, so one client cannot hold
the process's connections. A proxy in front should bound connections too (docs/deploy.md).
"""

import asyncio
import contextlib
import json
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _

from core import headers as security
from core import refusals
from core.http import client_address
from core.memo import Memo
from live.broker import get_broker, well_formed_id
from ops import metrics

HEARTBEAT_SECONDS = 15
RETRY_MS = 1000
BUSY_RETRY_SECONDS = 30  # Retry-After for an address at its limit of streams

# The ASGI server's side of a connection.
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),
]


def _field(value: object) -> str:
    """A value for one line of the stream: a line break would end the field and start another."""
    return str(value).replace("\r", "").replace("\n", "").replace("\x00", "")


def frame(event: dict[str, Any], language: str | None = None) -> str:
    """One event as the stream sends it to a reader of `language`: an event made in several
    languages (discussion.live) carries its markup in theirs as "html" (or the site's)."""
    # The data is JSON, which escapes line breaks; the id and type come from the broker and
    # the actions, and are kept to one line all the same.
    payload = {k: v for k, v in event.items() if k not in ("id", "_frame", "html_by_language")}
    by_language = event.get("html_by_language")
    if by_language and language in by_language:
        payload["html"] = by_language[language]
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"id: {_field(event['id'])}\nevent: {_field(event['type'])}\ndata: {data}\n\n"


def last_event_id(header: str | None, query: str | None) -> str:
    """The id the reader last saw, from the Last-Event-ID header or ?last=; "" when neither is
    a well-formed event id (the reader then gets only what comes next)."""
    for value in (header, query):
        if value and well_formed_id(value):
            return value
    return ""


class Streams:
    """Streams open per client address in this process."""

    def __init__(self) -> None:
        self.open: dict[str, int] = {}
        self.lock = threading.Lock()  # the Django view's streams may run on other threads' loops

    def take(self, address: str) -> bool:
        """Count one more stream for `address`; False (nothing counted) past the limit."""
        limit = settings.VECHE_SSE_STREAMS_PER_ADDRESS
        with self.lock:
            n = self.open.get(address, 0)
            if limit and n >= limit:
                return False
            self.open[address] = n + 1
            return True

    def give_back(self, address: str) -> None:
        with self.lock:
            n = self.open.get(address, 0) - 1
            if n > 0:
                self.open[address] = n
            else:
                self.open.pop(address, None)


streams = Streams()


def scope_address(scope: Scope) -> str:
    forwarded = ", ".join(v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-forwarded-for")
    client = scope.get("client")
    return client_address(client[0] if client else None, forwarded, settings.VECHE_TRUSTED_PROXY_HOPS)


def frame_bytes(event: dict[str, Any], language: str | None = None) -> bytes:
    """The encoded frame, made once per event and language and shared by every reader of that
    language it goes to."""
    frames: dict | None = event.get("_frame")
    if frames is None:
        frames = event["_frame"] = {}
    key = language if event.get("html_by_language") else None
    encoded: bytes | None = frames.get(key)
    if encoded is None:
        encoded = frames[key] = frame(event, language).encode()
    return encoded


@sync_to_async
def _article_id(slug: str) -> int | None:
    from newsroom.models import Article

    found: int | None = (Article.objects.published().filter(slug=slug)
                         .values_list("id", flat=True).first())
    return found


# slug → id of a published article, for opening streams. Not the front's slugs memo: that one
# says only that a slug was an article once, and a stream must not open on an article taken
# back to draft. A reader may still open one up to PUBLISHED_SECONDS after that.
PUBLISHED_SECONDS = 30
_published: Memo[int] = Memo("stream-articles", items=100_000, ttl=PUBLISHED_SECONDS)


async def article_id_for(slug: str) -> int | None:
    found = _published.get(slug)
    if found is None:
        found = await _article_id(slug)
        if found is not None:
            _published.put(slug, found)
    return found


async def _answer(scope: Scope, send: Send, refusal: tuple[int, str, str], https: bool,
                  extra: Sequence[tuple[bytes, bytes]] = ()) -> None:
    status, code, message = refusal
    accept = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"accept"), "")
    body, content_type = refusals.body(status, code, message, refusals.wants_json(accept))
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
        *extra, *security.raw(https)]})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


async def serve(scope: Scope, receive: Receive, send: Send, slug: str, https: bool = False,
                language: str | None = None) -> None:
    """The stream of the article at `slug`. `https`: whether the request came over https (the
    front knows, behind a proxy too), for the security headers. `language`: the reader's
    (decided by the front as for pages: core.languages), that of the markup sent and of a
    refusal."""
    from django.utils import translation

    with translation.override(language or settings.LANGUAGE_CODE):
        await _serve(scope, receive, send, slug, https, language)


async def _serve(scope: Scope, receive: Receive, send: Send, slug: str, https: bool, language: str | None) -> None:
    article_id = await article_id_for(slug)
    if article_id is None:
        await _answer(scope, send, (404, "not_found", _("No such publication.")), https)
        return
    address = scope_address(scope)
    if not streams.take(address):
        await _answer(scope, send, refusals.too_many_streams(settings.VECHE_SSE_STREAMS_PER_ADDRESS), https,
                      [(b"retry-after", str(BUSY_RETRY_SECONDS).encode())])
        return
    metrics.SSE_OPEN.inc()
    try:
        await _stream(scope, receive, send, article_id, https, language)
    finally:
        metrics.SSE_OPEN.dec()
        streams.give_back(address)


def _viewer_id(cookie_header: str) -> int | None:
    """The signed-in member whose browser opened the stream, from the session cookie (None for
    a reader without one)."""
    from importlib import import_module

    from django.contrib.auth import SESSION_KEY
    from django.db import close_old_connections
    from django.http import parse_cookie

    key = parse_cookie(cookie_header).get(settings.SESSION_COOKIE_NAME)
    if not key:
        return None
    close_old_connections()
    try:
        value = import_module(settings.SESSION_ENGINE).SessionStore(key).get(SESSION_KEY)
        return int(value) if value is not None else None
    except (ValueError, TypeError):
        return None
    finally:
        close_old_connections()


def for_reader(event: dict[str, Any], viewer: int | None) -> dict[str, Any] | None:
    """The event as this reader's stream may send it: one naming members (a notification's
    unread count changed) goes only to those members' own streams, and without the names —
    who is told of what is nobody else's business (who follows a discussion, who reported)."""
    members = event.get("members")
    if members is None:
        return event
    if viewer is None or viewer not in members:
        return None
    return {k: v for k, v in event.items() if k not in ("members", "_frame")}


async def _stream(scope: Scope, receive: Receive, send: Send, article_id: int, https: bool,
                  language: str | None = None) -> None:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    viewer = await sync_to_async(_viewer_id, thread_sensitive=False)(headers.get("cookie", ""))
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    last_id = last_event_id(headers.get("last-event-id"), (query.get("last") or [""])[0])
    broker = get_broker()
    sub = broker.subscribe(article_id)
    gone = asyncio.Event()

    async def watch_disconnect() -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                gone.set()
                # Wake the loop below now, not at its next heartbeat: the stream's place among
                # its address's streams is given back at once. (A full queue wakes it anyway.)
                with contextlib.suppress(asyncio.QueueFull):
                    sub.queue.put_nowait(None)
                return

    watcher = asyncio.ensure_future(watch_disconnect())
    try:
        await send({"type": "http.response.start", "status": 200, "headers": [*HEADERS, *security.raw(https)]})
        await send({"type": "http.response.body", "body": f"retry: {RETRY_MS}\n: connected\n\n".encode(),
                    "more_body": True})
        event: dict[str, Any] | None
        if last_id:
            missed = await sync_to_async(broker.since, thread_sensitive=False)(article_id, last_id)
            if missed is None:
                missed = [{"type": "resync", "id": last_id, "article": article_id}]
            for event in missed:
                shown = for_reader(event, viewer)
                if shown is None:
                    continue
                await send({"type": "http.response.body", "body": frame(shown, language).encode(),
                            "more_body": True})
                metrics.SSE_EVENTS.inc()
        while not gone.is_set():
            try:
                event = await asyncio.wait_for(sub.queue.get(), timeout=HEARTBEAT_SECONDS)
            except TimeoutError:
                await send({"type": "http.response.body", "body": b": keep-alive\n\n", "more_body": True})
                continue
            if event is None or gone.is_set():
                break
            if sub.overflowed:
                sub.overflowed = False
                event = {"type": "resync", "id": event["id"], "article": article_id}
            event = for_reader(event, viewer)
            if event is None:
                continue
            await send({"type": "http.response.body", "body": frame_bytes(event, language), "more_body": True})
            metrics.SSE_EVENTS.inc()
    except (OSError, RuntimeError):
        pass  # the reader went away mid-send
    finally:
        broker.unsubscribe(sub)
        watcher.cancel()
