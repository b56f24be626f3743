"""The Server-Sent Events stream of an article page, as a Django view.

`veche serve` answers /articles/<slug>/events/ in the ASGI front (live.stream) without
entering Django; this view answers it elsewhere (the test client, a WSGI server), with the
same frames, the same rule for `Last-Event-ID` (or `?last=`) and the same per-address limit.
"""

import asyncio

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import Http404, StreamingHttpResponse

from core import refusals
from live.broker import get_broker
from live.stream import (
    BUSY_RETRY_SECONDS,
    HEARTBEAT_SECONDS,
    RETRY_MS,
    frame,
    last_event_id,
    streams,
)
from moderation.limits import client_ip
from newsroom.models import Article
from ops import metrics


@sync_to_async
def _article_id(slug: str) -> int | None:
    return Article.objects.published().filter(slug=slug).values_list("id", flat=True).first()


async def events(request, slug):
    article_id = await _article_id(slug)
    if article_id is None:
        raise Http404("No such publication")
    last_id = last_event_id(request.headers.get("Last-Event-ID"), request.GET.get("last"))
    address = client_ip(request)
    if not streams.take(address):
        response = refusals.django_response(refusals.too_many_streams(settings.VECHE_SSE_STREAMS_PER_ADDRESS),
                                            request.headers.get("Accept", ""))
        response["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return response
    broker = get_broker()
    sub = broker.subscribe(article_id)
    metrics.SSE_OPEN.inc()
    released = []

    def release():
        if not released:
            released.append(True)
            metrics.SSE_OPEN.dec()
            streams.give_back(address)

    async def stream():
        try:
            yield f"retry: {RETRY_MS}\n: connected\n\n"
            if last_id:
                missed = await sync_to_async(broker.since)(article_id, last_id)
                if missed is None:
                    yield frame({"type": "resync", "id": last_id, "article": article_id})
                    metrics.SSE_EVENTS.inc()
                else:
                    for event in missed:
                        yield frame(event)
                        metrics.SSE_EVENTS.inc()
            while True:
                try:
                    event = await asyncio.wait_for(sub.queue.get(), timeout=HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if sub.overflowed:
                    sub.overflowed = False
                    yield frame({"type": "resync", "id": event["id"], "article": article_id})
                    metrics.SSE_EVENTS.inc()
                    continue
                yield frame(event)
                metrics.SSE_EVENTS.inc()
        finally:
            broker.unsubscribe(sub)
            release()

    response = StreamingHttpResponse(stream(), content_type="text/event-stream; charset=utf-8")
    # Closing the response gives the place back even if its stream was never started.
    response._resource_closers.append(release)
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response
