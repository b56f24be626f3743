"""A Redis cache that degrades instead of failing when Redis is away.

Nothing in Redis is the only copy of anything that matters (comments, votes and accounts
live in the database), so a lost Redis must cost speed, not pages: reads miss, writes are
dropped, and counters raise CacheUnavailable so their callers can fall back. After an error
Redis is left alone for BREAK_SECONDS, so a dead server does not add a timeout to every call.
"""

import logging
import queue
import threading
import time
from contextlib import contextmanager

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.dispatch import Signal
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
BREAK_SECONDS = 2.0
# Sent for every Redis error the cache absorbs, so the operator's metrics can count them
# (ops connects to it; core imports no app).
redis_failed = Signal()


class CacheUnavailable(Exception):
    """The shared cache cannot count right now."""


class KeptClient(RedisCacheClient):
    """Django's client builds a Redis client object around its pool for every call, which
    cost as much as the round trip itself; a Redis client is safe to share between threads,
    so one is kept per pool. The scripts registered with run_script are kept here too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept = {}
        self.scripts: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._kept.get(id(pool))
        if client is None:
            client = self._kept[id(pool)] = self._client(connection_pool=pool)
        return client


_clients: dict = {}  # (servers, options) → the KeptClient of this process
_clients_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    _broken_until = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClient
        self._client_key = (tuple(self._servers), repr(sorted(self._options.items())))

    @property
    def _cache(self):
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

    def _guard(self, fn, default, *args, **kwargs):
        if time.monotonic() < self._broken_until:
            return default
        try:
            return fn(*args, **kwargs)
        except (RedisError, OSError) as exc:  # connection refused, timeouts, a dying server
            redis_failed.send(sender=type(self))
            if time.monotonic() >= self._broken_until:
                log.warning("cache unavailable: %s", exc)
            type(self)._broken_until = time.monotonic() + BREAK_SECONDS
            return default

    def validate_key(self, key):
        """Django checks every key, character by character, against memcached's limits,
        which Redis does not have: for the hundreds of keys of a page's presence that cost
        more than the round trip."""

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._broken_until

    def get(self, key, default=None, version=None):
        return self._guard(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard(super().get_many, {}, keys, version)

    def set(self, key, value, timeout=None, version=None):
        return self._guard(super().set, None, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._guard(super().add, False, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._guard(super().set_many, list(data), data, timeout, version)

    def delete(self, key, version=None):
        return self._guard(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        return self._guard(super().delete_many, None, keys, version)

    def touch(self, key, timeout=None, version=None):
        return self._guard(super().touch, False, key, timeout, version)

    def has_key(self, key, version=None):
        return self._guard(super().has_key, False, key, version)

    def clear(self):
        return self._guard(super().clear, False)

    def count(self, key, delta=1, version=None) -> int:
        """Add to a counter that starts at 0, in one round trip (incr checks first that the
        key exists, a second one). Raises CacheUnavailable."""
        key = self.make_and_validate_key(key, version=version)
        return self._counted(lambda: self._cache.get_client(key, write=True).incrby(key, delta))

    def run_script(self, source: str, keys: list[str], args: list):
        """Run a Lua script, its keys made as the cache makes them. Raises CacheUnavailable."""
        def run():
            kept = self._cache
            script = kept.scripts.get(source)
            if script is None:
                script = kept.scripts[source] = kept.get_client(write=True).register_script(source)
            return script(keys=[self.make_key(k) for k in keys], args=args)

        return self._counted(run)

    def _counted(self, fn, *args):
        """_guard for what must not silently default (counters): raises CacheUnavailable."""
        missing = object()
        result = self._guard(fn, missing, *args)
        if result is missing:
            raise CacheUnavailable("Redis is unavailable")
        return result

    def incr(self, key, delta=1, version=None):
        return self._counted(super().incr, key, delta, version)


def count(key: str, delta: int = 1) -> int:
    """Add `delta` to a counter in the default cache, starting it at 0; returns the new value.
    Raises CacheUnavailable when the shared cache is away."""
    from django.core.cache import cache, caches

    backend = caches["default"]
    if isinstance(backend, ResilientRedisCache):
        return backend.count(key, delta)
    try:
        return cache.incr(key, delta)
    except ValueError:
        cache.add(key, 0, timeout=None)
        return cache.incr(key, delta)


def scripts_run() -> bool:
    """Whether the default cache is a Redis that is up, where run_script can count."""
    from django.core.cache import caches

    backend = caches["default"]
    return isinstance(backend, ResilientRedisCache) and backend.available


def run_script(source: str, keys: list[str], args: list):
    from django.core.cache import caches

    return caches["default"].run_script(source, keys, args)


class Later:
    """Cache writes a response need not wait for: a rendered thread or page (megabytes for a
    long discussion) goes to Redis from a thread of this process after the response has left
    (request_finished releases it; HOLD seconds at most, outside requests). Sent meanwhile, a
    megabyte write held Redis while the same request waited on it for presence.

    Their keys name the state they hold, so a write that lands late is never wrong; when
    writes pile up (Redis slow or away) new ones are dropped: the next reader renders again.
    This process keeps its own copy meanwhile, so it does not miss."""

    HOLD = 0.1

    def __init__(self, size: int = 8):
        self.queue: queue.Queue = queue.Queue(maxsize=size)
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.go = threading.Event()

    def set(self, key: str, value, timeout: int) -> None:
        try:
            self.queue.put_nowait((key, value, timeout))
        except queue.Full:
            log.info("cache write dropped (%d waiting): %s", self.queue.qsize(), key)
            return
        if self.thread is None or not self.thread.is_alive():
            with self.lock:
                if self.thread is None or not self.thread.is_alive():
                    self.thread = threading.Thread(target=self._run, name="veche-cache-later", daemon=True)
                    self.thread.start()

    def release(self, **_signal) -> None:
        """The response is out: write what waits."""
        self.go.set()

    def _run(self) -> None:
        from django.core.cache import cache

        while True:
            key, value, timeout = self.queue.get()
            self.go.wait(self.HOLD)
            try:
                cache.set(key, value, timeout=timeout)
            except Exception:  # a cache write is never the only copy of anything
                log.exception("cache write failed: %s", key)
            finally:
                if self.queue.empty():
                    self.go.clear()
                self.queue.task_done()

    def flush(self) -> None:
        """Write everything handed over so far, and wait for it (tests, benchmarks)."""
        self.go.set()
        self.queue.join()


later = Later()


class AfterCommit:
    """Redis writes that follow a commit — a page generation raised, a live event added —
    gathered while a request runs and sent in one pipeline before its response leaves
    (core.middleware.AfterCommitMiddleware): a vote or a post made two round trips of them.
    Outside a gathering (commands, workers' threads) each is sent at once, as before.

    `queue(pipe)` puts an item's commands on the pipeline; `done(replies, error)` gets their
    replies (an error reply in its place) or the error that failed the whole pipeline."""

    def __init__(self):
        self._local = threading.local()

    def gathering(self) -> bool:
        return getattr(self._local, "items", None) is not None

    @contextmanager
    def gathered(self):
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

    def add(self, client, queue_fn, done) -> None:
        """Gather an item (a gathering is open: see gathering())."""
        self._local.items.append((client, queue_fn, done))


def _send_together(items: list) -> None:
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
