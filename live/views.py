"""The Server-Sent Events stream of an article page.

An async view: an idle reader costs a queue and a suspended coroutine, not a thread.
`Last-Event-ID` (or `?last=`) replays what the reader missed from the broker's window; a
reader further behind is told to `resync`.
"""

import asyncio
import json

from asgiref.sync import sync_to_async
from django.http import Http404, StreamingHttpResponse

from live.broker import get_broker
from newsroom.models import Article

HEARTBEAT_SECONDS = 15
RETRY_MS = 1000


def _frame(event: dict) -> str:
    data = json.dumps({k: v for k, v in event.items() if k != "id"}, ensure_ascii=False,
                      separators=(",", ":"))
    return f"id: {event['id']}\nevent: {event['type']}\ndata: {data}\n\n"


@sync_to_async
def _article_id(slug: str) -> int | None:
    return Article.objects.published().filter(slug=slug).values_list("id", flat=True).first()


async def events(request, slug):
    article_id = await _article_id(slug)
    if article_id is None:
        raise Http404("No such publication")
    last_id = request.headers.get("Last-Event-ID") or request.GET.get("last") or ""
    broker = get_broker()
    sub = broker.subscribe(article_id)

    async def stream():
        try:
            yield f"retry: {RETRY_MS}\n: connected\n\n"
            if last_id:
                missed = await sync_to_async(broker.since)(article_id, last_id)
                if missed is None:
                    yield _frame({"type": "resync", "id": last_id, "article": article_id})
                else:
                    for event in missed:
                        yield _frame(event)
            while True:
                try:
                    event = await asyncio.wait_for(sub.queue.get(), timeout=HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if sub.overflowed:
                    sub.overflowed = False
                    yield _frame({"type": "resync", "id": event["id"], "article": article_id})
                    continue
                yield _frame(event)
        finally:
            broker.unsubscribe(sub)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response
