"""Every cache a process keeps in its own memory: one bounded memo, registered by name.

Veche's pages are fast because each worker keeps rendered threads, pages, comment fragments
and a few small lookups in memory. Each of those is a `Memo` — bounded by entries and, when
its values are large, by bytes, optionally expiring — created once at import under a name
that `docs/caching.md` describes (a test keeps the two in step). `forget_all()` empties
every one of them (tests, benchmarks, `clear_caches`).

Reads take no lock: a dict read is atomic in CPython, and an entry is replaced, never
changed in place. Writes and evictions take the memo's lock. Eviction is by age of
insertion, or of use for memos made with `lru=True` (a read then moves the entry to the
young end). A value weighed above a quarter of `max_bytes` is not kept at all, so one
huge page never pushes out everything else.

Something that is not a plain key → value memo but still keeps process state that a test
must be able to drop (the watcher of page generations) registers a `clear` callable with
`register()`."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar, cast, overload

V = TypeVar("V")
D = TypeVar("D")

_registry: dict[str, Callable[[], None]] = {}
_registry_lock = threading.Lock()


def register(name: str, clear: Callable[[], None]) -> None:
    """Register process state under `name` (unique), so forget_all() empties it."""
    with _registry_lock:
        if name in _registry:
            raise ValueError(f"a process-local cache named {name!r} is registered already")
        _registry[name] = clear


def names() -> list[str]:
    """The names of every registered cache (docs/caching.md lists each)."""
    return sorted(_registry)


def forget_all() -> None:
    """Empty every registered process-local cache."""
    for clear in list(_registry.values()):
        clear()


_MISSING = object()


class Memo(Generic[V]):
    """A bounded, thread-safe key → value memo (see the module's docstring).

    `items`: most entries kept. `max_bytes` with `weigh(value) -> int`: most bytes kept.
    `ttl`: seconds an entry lives (None: until evicted). `lru`: reads refresh an entry."""

    def __init__(self, name: str, *, items: int, max_bytes: int | None = None,
                 weigh: Callable[[V], int] | None = None, ttl: float | None = None,
                 lru: bool = False, registered: bool = True):
        if (max_bytes is None) != (weigh is None):
            raise ValueError("max_bytes and weigh go together")
        self.name, self.items, self.max_bytes, self.weigh = name, items, max_bytes, weigh
        self.ttl, self.lru = ttl, lru
        # key → (value, expires at or 0.0, bytes)
        self.data: OrderedDict[Hashable, tuple[V, float, int]] = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()
        if registered:  # unregistered only when it belongs to a value of a registered memo
            register(name, self.clear)

    @overload
    def get(self, key: Hashable) -> V | None: ...

    @overload
    def get(self, key: Hashable, default: D) -> V | D: ...

    def get(self, key: Hashable, default: object = None) -> object:
        entry = self.data.get(key)
        if entry is None:
            return default
        if entry[1] and entry[1] <= time.monotonic():
            return default
        if self.lru:
            with contextlib.suppress(KeyError):  # evicted meanwhile: still a good answer
                self.data.move_to_end(key)
        return entry[0]

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The kept value, or make() kept and returned (two threads may both make it)."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = make()
            self.put(key, value)
        return cast(V, value)  # not _MISSING: a kept value or the one just made

    def put(self, key: Hashable, value: V) -> None:
        if self.weigh is None and not self.ttl:
            self._put_plain(key, value)
            return
        size = self.weigh(value) if self.weigh is not None else 0
        if self.max_bytes is not None and size > self.max_bytes // 4:
            self.pop(key)
            return
        expires = time.monotonic() + self.ttl if self.ttl else 0.0
        with self.lock:
            old = self.data.pop(key, None)
            if old is not None:
                self.bytes -= old[2]
            self._make_room(size)
            self.data[key] = (value, expires, size)
            self.bytes += size

    def put_all(self, items: Iterable[tuple[Hashable, V]]) -> None:
        """put() each (key, value), in order. Without weights, under one clock reading and one
        hold of the lock (a page rendered from nothing notes its two hundred authors' ratings)."""
        if self.weigh is not None:
            for key, value in items:
                self.put(key, value)
            return
        if not self.ttl:
            for key, value in items:
                self._put_plain(key, value)
            return
        now = time.monotonic()
        expires = now + self.ttl
        data = self.data
        with self.lock:
            if not self.lru:  # (as _make_room: in order of expiry, the expired ones first)
                while data and next(iter(data.values()))[1] <= now:
                    data.popitem(last=False)
            for key, value in items:
                data.pop(key, None)
                while data and len(data) >= self.items:
                    data.popitem(last=False)
                data[key] = (value, expires, 0)

    def _put_plain(self, key: Hashable, value: V) -> None:
        """put() for a memo bounded by entries alone, without expiry — the ones a render fills a
        thousand times (fragments, bylines, clock hours): a dict's own operations are atomic,
        so only eviction takes the lock. (Through the general path, a render from nothing
        spent 2.8 ms in put.)"""
        data = self.data
        if key in data:
            data.pop(key, None)  # put again at the young end
        elif len(data) >= self.items:
            with self.lock:
                while data and len(data) >= self.items:
                    data.popitem(last=False)
        data[key] = (value, 0.0, 0)

    def _make_room(self, size: int) -> None:
        """Evict, oldest first, until one more entry of `size` bytes fits. Holds the lock."""
        data = self.data
        limit_bytes = self.max_bytes if self.max_bytes is not None else -1
        if self.ttl and not self.lru:  # inserted in order of expiry: the expired ones go first
            now = time.monotonic()
            while data and next(iter(data.values()))[1] <= now:
                self.bytes -= data.popitem(last=False)[1][2]
        while data and (len(data) >= self.items or (limit_bytes >= 0 and self.bytes + size > limit_bytes)):
            self.bytes -= data.popitem(last=False)[1][2]

    def pop(self, key: Hashable) -> None:
        with self.lock:
            old = self.data.pop(key, None)
            if old is not None:
                self.bytes -= old[2]

    def clear(self) -> None:
        with self.lock:
            self.data.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self.data)

    def __contains__(self, key: Hashable) -> bool:
        return self.get(key, _MISSING) is not _MISSING
