"""Event brokers: in-process for the embedded default, Redis for several processes.

Both keep a replay window so a reader that reconnects with `Last-Event-ID` gets what it
missed; a reader further behind than the window is told to `resync` (reload its thread).

Readers subscribe from async code (the SSE view); actions publish from sync code after
commit, possibly in a worker thread, so delivery hops onto each subscriber's event loop.
"""

import asyncio
import itertools
import json
import logging
import re
import threading
import time
from collections import deque
from functools import cache
from typing import Any, Protocol, cast

from django.conf import settings
from django.utils.module_loading import import_string

from core import breaker

log = logging.getLogger(__name__)

REPLAY_WINDOW = 2000  # events kept for readers that reconnect

# Both brokers' event ids: "<boot ms>-<seq>" in memory, "<ms>-<seq>" as Redis stream ids.
EVENT_ID = re.compile(r"[0-9]{1,20}-[0-9]{1,20}")

# A stream's entries as the Redis clients here answer them: made without decode_responses,
# they answer bytes (redis-py's types say bytes | str, for either kind of client).
Entries = list[tuple[bytes, dict[bytes, bytes]]]


def well_formed_id(value: str) -> bool:
    """Whether `value` can be an event id of either broker: a reader's Last-Event-ID (or
    ?last=) is replayed from, and echoed back in a `resync`, only then."""
    return EVENT_ID.fullmatch(value) is not None


class Subscription:
    """One reader's queue; `article` None receives every article's events."""

    def __init__(self, article: int | None, maxsize: int = 256):
        self.article = article
        self.loop = asyncio.get_running_loop()
        # None: no event, a wake-up (the stream's reader left)
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=maxsize)
        self.overflowed = False

    def offer(self, event: dict[str, Any]) -> None:
        if self.article is not None and event.get("article") not in (None, self.article):
            return
        self.loop.call_soon_threadsafe(self._put, event)

    def _put(self, event: dict[str, Any]) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            # A reader too slow to keep up reloads its thread instead of growing memory.
            self.overflowed = True


def _deliver(group: list[Subscription], event: dict[str, Any]) -> None:
    for sub in group:
        sub._put(event)


class BaseBroker:
    def __init__(self) -> None:
        self._subs: set[Subscription] = set()
        self._lock = threading.Lock()

    def subscribe(self, article: int | None) -> Subscription:
        sub = Subscription(article)
        with self._lock:
            self._subs.add(sub)
        self._started()
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subs.discard(sub)

    def _fan_out(self, event: dict[str, Any]) -> None:
        """Hand `event` to every subscriber: one wake-up per event loop, not per reader, so
        thousands of open pages cost one thread hop."""
        with self._lock:
            subs = list(self._subs)
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscription]] = {}
        for sub in subs:
            if sub.article is None or event.get("article") in (None, sub.article):
                by_loop.setdefault(sub.loop, []).append(sub)
        for loop, group in by_loop.items():
            try:
                loop.call_soon_threadsafe(_deliver, group, event)
            except RuntimeError:  # the loop has closed
                for sub in group:
                    self.unsubscribe(sub)

    def _started(self) -> None:
        """Hook for brokers that need a background reader."""

    @property
    def subscriber_count(self) -> int:
        return len(self._subs)


class MemoryBroker(BaseBroker):
    """One process: events go straight to local subscribers. Ids are "<boot>-<seq>", so an
    id from before a restart is recognised as out of the window."""

    def __init__(self) -> None:
        super().__init__()
        self.boot = str(int(time.time() * 1000))
        self._seq = itertools.count(1)
        self._recent: deque[dict[str, Any]] = deque(maxlen=REPLAY_WINDOW)

    def publish(self, event: dict[str, Any]) -> str:
        with self._lock:
            event = {**event, "id": f"{self.boot}-{next(self._seq)}"}
            self._recent.append(event)
        self._fan_out(event)
        event_id: str = event["id"]
        return event_id

    def since(self, article: int | None, last_id: str) -> list[dict[str, Any]] | None:
        """Events after `last_id` for `article`, or None when `last_id` is out of the window."""
        boot, _, seq = last_id.partition("-")
        if boot != self.boot or not (seq.isascii() and seq.isdigit()):
            return None
        seq_n = int(seq)
        with self._lock:
            recent = list(self._recent)
        if recent and int(recent[0]["id"].split("-")[1]) > seq_n + 1:
            return None
        return [e for e in recent if int(e["id"].split("-")[1]) > seq_n
                and (article is None or e.get("article") in (None, article))]


class RedisBroker(BaseBroker):
    """Several processes: events go to a Redis stream (capped at the replay window); each
    process runs one reader thread that fans the stream out to its local subscribers.

    If Redis is down, publishing logs and drops the event (the write itself is already
    committed); when the reader reconnects it sends `resync` so pages reload their threads.
    """

    def __init__(self, url: str | None = None):
        super().__init__()
        import redis

        self.url = url or settings.REDIS_URL
        self.STREAM = f"{settings.REDIS_PREFIX}:live"  # this site's, in a Redis others may share
        self.redis = redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1)
        self._reader: threading.Thread | None = None
        self._stop = threading.Event()

    def publish(self, event: dict[str, Any]) -> str | None:
        """The event's id; None when it waits to go with the request's other writes after
        commit (core.cache.after_commit), or was dropped because Redis is away."""
        from core.cache import after_commit

        if not breaker.redis.closed:
            return None  # Redis failed a moment ago: do not make every write wait for it
        try:
            raw = json.dumps(event, ensure_ascii=False)
            if after_commit.gathering():
                def done(replies: list[Any] | None, error: Exception | None) -> None:
                    got = cast("list[Any]", replies)  # given whenever error is None
                    failed = error if error is not None else got[0] if isinstance(got[0], Exception) else None
                    if failed is not None:
                        self._failed(event, failed)

                after_commit.add(self.redis, lambda pipe: pipe.xadd(self.STREAM, {"e": raw}, maxlen=REPLAY_WINDOW,
                                                                   approximate=True), done)
                return None
            event_id = cast(bytes, self.redis.xadd(self.STREAM, {"e": raw}, maxlen=REPLAY_WINDOW,
                                                   approximate=True))
            return event_id.decode()
        except Exception as exc:  # Redis down: the change is saved; readers resync later
            self._failed(event, exc)
            return None

    def _failed(self, event: dict[str, Any], exc: Exception) -> None:
        breaker.redis.failed(f"live event {event.get('type')} not published", exc)

    def since(self, article: int | None, last_id: str) -> list[dict[str, Any]] | None:
        try:
            first = cast(Entries | None, self.redis.xrange(self.STREAM, count=1))
            if not first or _stream_id_lt(last_id, first[0][0].decode()):
                return None
            entries = cast(Entries, self.redis.xrange(self.STREAM, min="(" + last_id,
                                                      count=REPLAY_WINDOW))
        except Exception:
            return None
        out = []
        for entry_id, fields in entries:
            event = {**json.loads(fields[b"e"]), "id": entry_id.decode()}
            if article is None or event.get("article") in (None, article):
                out.append(event)
        return out

    def _started(self) -> None:
        with self._lock:
            if self._reader is None or not self._reader.is_alive():
                self._reader = threading.Thread(target=self._read_forever, name="veche-live", daemon=True)
                self._reader.start()

    def _read_forever(self) -> None:
        import redis

        reader = redis.Redis.from_url(self.url, socket_timeout=5, socket_connect_timeout=1)
        last = "$"
        failed = False
        while not self._stop.is_set():
            try:
                if last == "$":
                    info = reader.xinfo_stream(self.STREAM) if reader.exists(self.STREAM) else None
                    last = info["last-generated-id"].decode() if info else "0-0"
                if failed:
                    failed = False
                    self._fan_out({"type": "resync", "article": None, "id": last})
                # [stream name, its entries] per stream read (one here)
                result = cast(list[tuple[bytes, Entries]] | None,
                              reader.xread({self.STREAM: last}, block=2000, count=500))
                for _stream, entries in result or []:
                    for entry_id, fields in entries:
                        last = entry_id.decode()
                        self._fan_out({**json.loads(fields[b"e"]), "id": last})
            except Exception as exc:
                if not failed:
                    log.warning("live reader lost Redis: %s", exc)
                failed = True
                last = "$"
                time.sleep(0.5)

    def close(self) -> None:
        self._stop.set()


def _stream_id_lt(a: str, b: str) -> bool:
    def parts(x: str) -> tuple[int, int]:
        ms, _, seq = x.partition("-")
        return (int(ms) if ms.isascii() and ms.isdigit() else 0, int(seq) if seq.isascii() and seq.isdigit() else 0)

    return parts(a) < parts(b)


class Broker(Protocol):
    """A broker as its users see it, whichever class LIVE_BROKER names: BaseBroker's
    subscriptions, with publishing and replaying of its own."""

    def subscribe(self, article: int | None) -> Subscription: ...

    def unsubscribe(self, sub: Subscription) -> None: ...

    def publish(self, event: dict[str, Any]) -> str | None: ...

    def since(self, article: int | None, last_id: str) -> list[dict[str, Any]] | None: ...

    @property
    def subscriber_count(self) -> int: ...


@cache
def get_broker() -> Broker:
    broker: Broker = import_string(settings.LIVE_BROKER)()
    return broker
