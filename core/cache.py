"""A Redis cache that degrades instead of failing when Redis is away.

Nothing in Redis is the only copy of anything that matters (comments, votes and accounts
live in the database), so a lost Redis must cost speed, not pages: reads miss, writes are
dropped, and counters raise CacheUnavailable so their callers can fall back. After an error
Redis is left alone for a moment by every caller in the process (core.breaker), so a dead
server does not add a timeout to every call.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from core import breaker

if TYPE_CHECKING:
    from redis import Redis
    from redis.client import Pipeline
    from redis.commands.core import Script

log = logging.getLogger(__name__)
T = TypeVar("T")
D = TypeVar("D")


class CacheUnavailable(Exception):
    """The shared cache cannot count right now."""


class KeptClient(RedisCacheClient):
    """Django's client builds a Redis client object around its pool for every call, which
    cost as much as the round trip itself; a Redis client is safe to share between threads,
    so one is kept per pool. The scripts registered with run_script are kept here too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: dict[int, Redis] = {}  # id of a connection pool → its client
        self.scripts: dict[str, Script] = {}

    def get_client(self, key: str | None = None, *, write: bool = False) -> Redis:
        pool = self._get_connection_pool(write)
        client = self._kept.get(id(pool))
        if client is None:
            client = self._kept[id(pool)] = self._client(connection_pool=pool)
        return client


# (servers, options) → the KeptClient of this process
_clients: dict[tuple[tuple[str, ...], str], KeptClient] = {}
_clients_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClient
        self._client_key = (tuple(self._servers), repr(sorted(self._options.items())))

    @property
    def _cache(self) -> KeptClient:
        """One client, and so one connection pool, for the whole process. Django keeps a cache
        backend per async context, which under ASGI is per request: each request opened a new
        pool and a new connection to Redis (a connect and its handshake, every time)."""
        client = _clients.get(self._client_key)
        if client is None:
            with _clients_lock:
                client = _clients.get(self._client_key)
                if client is None:
                    client = _clients[self._client_key] = self._class(self._servers, **self._options)
        return client

    def _guard(self, fn: Callable[..., T], default: D, *args: Any, **kwargs: Any) -> T | D:
        if not breaker.redis.closed:
            return default
        try:
            return fn(*args, **kwargs)
        except (RedisError, OSError) as exc:  # connection refused, timeouts, a dying server
            breaker.redis.failed("cache", exc)
            return default

    def validate_key(self, key: str) -> None:
        """Django checks every key, character by character, against memcached's limits,
        which Redis does not have: for the hundreds of keys of a page's presence that cost
        more than the round trip."""

    @property
    def available(self) -> bool:
        return breaker.redis.closed

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._guard(super().get, default, key, default, version)

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        return self._guard(super().get_many, {}, keys, version)

    def set(self, key: str, value: Any, timeout: float | None = None,
            version: int | None = None) -> None:
        self._guard(super().set, None, key, value, timeout, version)

    def add(self, key: str, value: Any, timeout: float | None = None,
            version: int | None = None) -> bool:
        return self._guard(super().add, False, key, value, timeout, version)

    def set_many(self, data: dict[str, Any], timeout: float | None = None,
                 version: int | None = None) -> list[str]:
        return self._guard(super().set_many, list(data), data, timeout, version)

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._guard(super().delete, False, key, version)

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        self._guard(super().delete_many, None, keys, version)

    def touch(self, key: str, timeout: float | None = None, version: int | None = None) -> bool:
        return self._guard(super().touch, False, key, timeout, version)

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._guard(super().has_key, False, key, version)

    def clear(self) -> bool:
        return self._guard(super().clear, False)

    def count(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add to a counter that starts at 0, in one round trip (incr checks first that the
        key exists, a second one). Raises CacheUnavailable."""
        key = self.make_and_validate_key(key, version=version)
        return self._counted(lambda: self._cache.get_client(key, write=True).incrby(key, delta))

    def run_script(self, source: str, keys: list[str], args: list[Any]) -> Any:
        """Run a Lua script, its keys made as the cache makes them. Raises CacheUnavailable."""
        def run() -> Any:  # a script answers whatever it returns
            kept = self._cache
            script = kept.scripts.get(source)
            if script is None:
                script = kept.scripts[source] = kept.get_client(write=True).register_script(source)
            return script(keys=[self.make_key(k) for k in keys], args=args)

        return self._counted(run)

    def _counted(self, fn: Callable[..., T], *args: Any) -> T:
        """_guard for what must not silently default (counters): raises CacheUnavailable."""
        missing = object()
        result = self._guard(fn, missing, *args)
        if result is missing:
            raise CacheUnavailable("Redis is unavailable")
        return cast(T, result)  # not `missing`: what fn returned

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        value: int = self._counted(super().incr, key, delta, version)
        return value


def count(key: str, delta: int = 1) -> int:
    """Add `delta` to a counter in the default cache, starting it at 0; returns the new value.
    Raises CacheUnavailable when the shared cache is away."""
    from django.core.cache import cache, caches

    backend = caches["default"]
    if isinstance(backend, ResilientRedisCache):
        return backend.count(key, delta)
    value: int
    try:
        value = cache.incr(key, delta)
    except ValueError:
        cache.add(key, 0, timeout=None)
        value = cache.incr(key, delta)
    return value


def scripts_run() -> bool:
    """Whether the default cache is a Redis that is up, where run_script can count."""
    from django.core.cache import caches

    backend = caches["default"]
    return isinstance(backend, ResilientRedisCache) and backend.available


def run_script(source: str, keys: list[str], args: list[Any]) -> Any:
    from django.core.cache import caches

    return caches["default"].run_script(source, keys, args)


class Later:
    """Work a response need not wait for, done by a thread of this process after the response
    has left (request_finished releases it; HOLD seconds at most, outside requests): cache
    writes — a rendered thread or page (megabytes for a long discussion) going to Redis; sent
    meanwhile, a megabyte write held Redis while the same request waited on it for presence —
    and a render's bookkeeping for the next one (the comment fragments it made, kept in this
    process's memo: a thousand entries, a millisecond of a render from nothing).

    What is written names the state it holds (a cache key, a fragment's key), so a write that
    lands late is never wrong; when work piles up (Redis slow or away) new work is dropped: the
    next reader renders again. This process keeps its own copy of a thread or page meanwhile,
    so it does not miss."""

    HOLD = 0.1

    def __init__(self, size: int = 8, name: str = "veche-cache-later") -> None:
        self.queue: queue.Queue[tuple[str, Callable[..., Any], tuple[Any, ...]]] = queue.Queue(maxsize=size)
        self.name = name
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        # `go` is set while released work waits, and only then: `gate` makes "is work pending?"
        # and the setting or clearing of `go` one step, so a release never leaves it set with
        # nothing pending (the next request's work would run while that request does).
        self.gate = threading.Lock()
        self.go = threading.Event()

    def set(self, key: str, value: Any, timeout: int) -> None:
        """cache.set(key, value, timeout), after the response."""
        self.call(f"cache write {key}", _write, key, value, timeout)

    def call(self, what: str, fn: Callable[..., Any], *args: Any) -> None:
        """fn(*args) after the response; `what` names it in the log if it is dropped or fails."""
        try:
            self.queue.put_nowait((what, fn, args))
        except queue.Full:
            log.info("dropped (%d waiting): %s", self.queue.qsize(), what)
            return
        if self.thread is None or not self.thread.is_alive():
            with self.lock:
                if self.thread is None or not self.thread.is_alive():
                    self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                    self.thread.start()

    def release(self, **_signal: Any) -> None:
        """A response is out: do what waits. A response that left nothing to do releases
        nothing: released anyway, the next request's work would be done while it runs."""
        with self.gate:
            if self.queue.unfinished_tasks:  # waiting, or taken by the thread and waiting there
                self.go.set()

    def _run(self) -> None:
        while True:
            what, fn, args = self.queue.get()
            self.go.wait(self.HOLD)
            try:
                fn(*args)
            except Exception:  # a cache write, or a memo filled, is never the only copy of anything
                log.exception("failed: %s", what)
            finally:
                with self.gate:
                    self.queue.task_done()
                    if not self.queue.unfinished_tasks:
                        self.go.clear()

    def flush(self) -> None:
        """Do everything handed over so far, and wait for it (tests, benchmarks)."""
        self.go.set()
        self.queue.join()
        with self.gate:
            if not self.queue.unfinished_tasks:
                self.go.clear()


def _write(key: str, value: Any, timeout: int) -> None:
    from django.core.cache import cache

    cache.set(key, value, timeout=timeout)


later = Later()  # the shared cache's writes
# This process's memos filled for the next render (a render's comment fragments): apart from the
# shared cache's writes, so a slow Redis, which makes those drop, never drops these.
memo_later = Later(size=16, name="veche-memo-later")


# What an after-commit item is told: its commands' replies (an error reply in its place), or
# the error that failed the whole pipeline.
Done = Callable[[list[Any] | None, Exception | None], None]


class AfterCommit:
    """Redis writes that follow a commit — a page generation raised, a live event added —
    gathered while a request runs and sent in one pipeline before its response leaves
    (core.middleware.AfterCommitMiddleware): a vote or a post made two round trips of them.
    Outside a gathering (commands, workers' threads) each is sent at once, as before.

    `queue(pipe)` puts an item's commands on the pipeline; `done(replies, error)` gets their
    replies (an error reply in its place) or the error that failed the whole pipeline."""

    def __init__(self) -> None:
        self._local = threading.local()

    def gathering(self) -> bool:
        return getattr(self._local, "items", None) is not None

    @contextmanager
    def gathered(self) -> Iterator[None]:
        if self.gathering():
            yield
            return
        self._local.items = []
        try:
            yield
        finally:
            items, self._local.items = self._local.items, None
            if items:
                _send_together(items)

    def add(self, client: Redis, queue_fn: Callable[[Pipeline], object], done: Done) -> None:
        """Gather an item (a gathering is open: see gathering())."""
        self._local.items.append((client, queue_fn, done))


def _send_together(items: list[tuple[Redis, Callable[[Pipeline], object], Done]]) -> None:
    pipe = items[0][0].pipeline(transaction=False)
    spans = []
    for _client, queue_fn, _done in items:
        start = len(pipe.command_stack)
        queue_fn(pipe)
        spans.append((start, len(pipe.command_stack)))
    try:
        replies = pipe.execute(raise_on_error=False)
    except Exception as exc:  # the connection failed: each item handles it as its own failure
        for _client, _queue, done in items:
            done(None, exc)
        return
    for (start, end), (_client, _queue, done) in zip(spans, items, strict=True):
        done(replies[start:end], None)


after_commit = AfterCommit()
