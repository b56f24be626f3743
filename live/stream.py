"""The Server-Sent Events stream, as a bare ASGI handler.

The ASGI front sends /articles/<slug>/events/ here directly: an idle reader costs a queue,
one coroutine and one small task, not a Django request with its middleware, so thousands of
open pages fit in one process. `Last-Event-ID` (or `?last=`) replays what the reader missed
from the broker's window; a reader further behind is told to `resync`.
"""

import asyncio
import json
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async

from live.broker import get_broker

HEARTBEAT_SECONDS = 15
RETRY_MS = 1000
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),
    (b"x-content-type-options", b"nosniff"),
]


def frame(event: dict) -> str:
    data = json.dumps({k: v for k, v in event.items() if k not in ("id", "_frame")}, ensure_ascii=False,
                      separators=(",", ":"))
    return f"id: {event['id']}\nevent: {event['type']}\ndata: {data}\n\n"


def frame_bytes(event: dict) -> bytes:
    """The encoded frame, made once per event and shared by every reader it goes to."""
    encoded = event.get("_frame")
    if encoded is None:
        encoded = event["_frame"] = frame(event).encode()
    return encoded


@sync_to_async
def _article_id(slug: str) -> int | None:
    from newsroom.models import Article

    return Article.objects.published().filter(slug=slug).values_list("id", flat=True).first()


async def article_id_for(slug: str) -> int | None:
    from core.pagecache import SLUGS

    found = SLUGS.get(slug)
    if found is None:
        found = await _article_id(slug)
        if found is not None:
            SLUGS.put(slug, found)
    return found


async def serve(scope, receive, send, slug: str) -> None:
    article_id = await article_id_for(slug)
    if article_id is None:
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
        await send({"type": "http.response.body", "body": b"No such publication."})
        return
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    last_id = headers.get("last-event-id") or (query.get("last") or [""])[0]
    broker = get_broker()
    sub = broker.subscribe(article_id)
    gone = asyncio.Event()

    async def watch_disconnect():
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                gone.set()
                return

    watcher = asyncio.ensure_future(watch_disconnect())
    try:
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        await send({"type": "http.response.body", "body": f"retry: {RETRY_MS}\n: connected\n\n".encode(),
                    "more_body": True})
        if last_id:
            missed = await sync_to_async(broker.since, thread_sensitive=False)(article_id, last_id)
            if missed is None:
                missed = [{"type": "resync", "id": last_id, "article": article_id}]
            for event in missed:
                await send({"type": "http.response.body", "body": frame(event).encode(), "more_body": True})
        while not gone.is_set():
            try:
                event = await asyncio.wait_for(sub.queue.get(), timeout=HEARTBEAT_SECONDS)
            except TimeoutError:
                await send({"type": "http.response.body", "body": b": keep-alive\n\n", "more_body": True})
                continue
            if sub.overflowed:
                sub.overflowed = False
                event = {"type": "resync", "id": event["id"], "article": article_id}
            await send({"type": "http.response.body", "body": frame_bytes(event), "more_body": True})
    except (OSError, RuntimeError):
        pass  # the reader went away mid-send
    finally:
        broker.unsubscribe(sub)
        watcher.cancel()
