"""Whole pages for anonymous readers, served by the ASGI front without entering Django.

The article view stores the finished bytes of an anonymous page (no session, no CSRF
cookie, no per-reader state) under the article's current generation; any change to the
discussion raises the generation after commit, so a cached page never outlives the state
it shows. Entries also expire after TTL seconds, which bounds how stale presence and view
counts can be. Nothing here is the only copy of anything.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.core.cache import cache

from core import breaker, compress
from core.cache import count, later
from core.memo import Memo, register
from core.mirror import mirror

if TYPE_CHECKING:
    from redis import Redis
    from redis.commands.core import Script

log = logging.getLogger(__name__)
TTL = 5  # seconds: presence ("Online") and view counts on a cached page are at most this old
# A page past its TTL but of the current generation (nothing in its discussion changed, only
# presence or view counts may have) is served for up to STALE seconds more while ONE reader's
# request remakes it (`_claim`): without this, every reader arriving in the moment it expired
# went to Django at once, and one worker rendering the same page eight times over made the
# embedded mode's tail (p99 15–198 ms where nginx kept 10 ms; docs/performance.md).
STALE = 30
REMAKE_CLAIM = 10.0  # seconds a claim to remake a page holds (the remaking request may fail)

mirror.lifetime = TTL  # a page on disk lives as long as it is fresh here

# slug → article id, learned by the views of this process; the front needs it to find the
# article's generation without a database query. An old slug (a renamed article) still leads
# to the article: the kept page names the slug it was made for, and lookup() answers only at
# it (and forgets the old slug). Learned again a minute on, so that a slug given to another
# article since is not counted as the first one's for long (newsroom.viewlog reads it too).
SLUGS_SECONDS = 60
SLUGS: Memo[int] = Memo("slugs", items=100_000, ttl=SLUGS_SECONDS)


def _gen_key(article_id: int) -> str:
    return f"fpgen:{article_id}"


def generation(article_id: int) -> int:
    """The article's generation: from the shared cache, or — with Redis — from this process's
    copy, which the watcher keeps current (see Watcher)."""
    known = watcher.get(article_id)
    if known is not None:
        return known
    epoch = watcher.epoch
    gen: int = cache.get(_gen_key(article_id), 0)
    watcher.learn(article_id, gen, epoch)
    return gen


def raise_generation(article_id: int) -> None:
    """A new generation for the article's pages: called after commit by newsroom.versions,
    the only caller (the versions' owner)."""
    if watcher.enabled():  # raised and announced to every worker in one round trip
        watcher.raise_generation(article_id)
    else:
        count(_gen_key(article_id))  # embedded: the process's own cache
    mirror.drop(article_id)  # the pages on disk go now (other workers': when they hear of it)


class Watcher:
    """Each worker's copy of the article generations, so that serving a cached page costs no
    round trip to Redis (it did, on the event loop, for every anonymous reader).

    A change raises the generation in Redis and announces it on a pub/sub channel; one thread
    per process listens and updates the copy, so other workers stop serving the old page as
    soon as the announcement arrives — the time a live update takes. The copy is trusted only
    while that subscription has been up since the value was read: when it drops (Redis
    restarted, the network broke) the copy is emptied and every lookup reads Redis until the
    subscription is back. A value is also re-read after MAX_AGE seconds, in case a connection
    dies without telling. Embedded mode has one process and no Redis: nothing to watch."""

    MAX_AGE = 2.0

    def __init__(self) -> None:
        self.known: dict[int, tuple[int, float]] = {}  # article → (generation, read at)
        self.epoch = 0  # subscriptions made; a value read under an older one is not kept
        self.live = False
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.publisher: Script | None = None  # the _RAISE script, registered on first use

    def enabled(self) -> bool:
        from django.conf import settings

        return bool(settings.REDIS_URL)

    def channel(self) -> str:
        key: str = cache.make_key("fpgen-changes")
        return key

    def get(self, article_id: int) -> int | None:
        if not self.live:
            self._start()
            return None
        hit = self.known.get(article_id)
        if hit is None or time.monotonic() - hit[1] > self.MAX_AGE:
            return None
        return hit[0]

    def learn(self, article_id: int, gen: int, epoch: int) -> None:
        """Keep a value read from Redis, unless the subscription changed since the read or an
        announcement brought a newer one meanwhile."""
        with self.lock:
            if not self.live or epoch != self.epoch:
                return
            have = self.known.get(article_id)
            if have is None or have[0] <= gen:
                self.known[article_id] = (gen, time.monotonic())

    def forget(self, article_id: int) -> None:
        with self.lock:
            self.known.pop(article_id, None)

    # INCR and PUBLISH in one round trip; INCR of a missing key starts it at 1, as an integer
    # the cache reads back (the cache stores integers unpickled).
    _RAISE = "local gen = redis.call('INCR', KEYS[1]) redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. gen) return gen"

    def raise_generation(self, article_id: int) -> None:
        """A new generation for the article, in Redis and announced to every worker; within
        a request, sent with the request's other writes after commit (core.cache.after_commit)."""
        from core.cache import after_commit

        if not breaker.redis.closed:  # Redis failed a moment ago: the pages expire within TTL
            self.forget(article_id)
            return
        try:
            if self.publisher is None:
                import redis
                from django.conf import settings

                client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
                self.publisher = client.register_script(self._RAISE)
            publisher = self.publisher
            keys: list[str] = [cache.make_key(_gen_key(article_id))]
            args: list[str | int] = [self.channel(), article_id]
            if after_commit.gathering():
                def done(replies: list[Any] | None, error: Exception | None) -> None:
                    got = cast("list[Any]", replies)  # given whenever error is None
                    if error is None and isinstance(got[0], Exception):  # the script unknown to Redis yet
                        self._raise_now(article_id, keys, args)
                    else:
                        self._raised(article_id, None if error is not None else got[0], error)

                # registered on the plain Redis client made above
                client = cast("Redis", publisher.registered_client)
                after_commit.add(client, lambda pipe: pipe.evalsha(publisher.sha, len(keys), *keys, *args),
                                 done)
                return
        except Exception as exc:  # the pages expire within TTL; the change itself is saved
            self._raised(article_id, None, exc)
            return
        self._raise_now(article_id, keys, args)

    def _raise_now(self, article_id: int, keys: list[str], args: list[str | int]) -> bool:
        publisher = cast("Script", self.publisher)  # registered by raise_generation, its caller
        try:
            gen = publisher(keys=keys, args=args)  # loads the script when Redis lacks it
        except Exception as exc:
            self._raised(article_id, None, exc)
            return False
        self._raised(article_id, gen, None)
        return True

    def _raised(self, article_id: int, gen: int | None, error: Exception | None) -> None:
        if error is not None:  # the pages expire within TTL; the change itself is saved
            breaker.redis.failed("page generation not raised", error)
            self.forget(article_id)
            return
        with self.lock:
            if self.live:
                # this worker knows at once; gen is the script's reply whenever error is None
                self.known[article_id] = (int(cast(int, gen)), time.monotonic())

    def _start(self) -> None:
        if not self.enabled():
            return
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._listen, name="veche-pagegen", daemon=True)
                self.thread.start()

    def _listen(self) -> None:
        import redis
        from django.conf import settings

        while True:
            pubsub = None
            try:
                client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=5,
                                              health_check_interval=2)
                pubsub = client.pubsub(ignore_subscribe_messages=False)
                pubsub.subscribe(self.channel())
                while True:
                    message = pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        with self.lock:
                            self.known.clear()
                            self.epoch += 1
                            self.live = True
                    elif message["type"] == "message":
                        article, gen = (int(x) for x in message["data"].split())
                        with self.lock:
                            have = self.known.get(article)
                            if have is None or have[0] < gen:
                                self.known[article] = (gen, time.monotonic())
                        mirror.drop_later(article)  # the disk is not this thread's to wait on
            except Exception as exc:
                with self.lock:
                    if self.live:
                        log.warning("page generations: lost Redis (%s); reading it directly", exc)
                    self.live = False
                    self.known.clear()
                    self.epoch += 1
                time.sleep(0.5)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        pubsub.close()

    def reset(self) -> None:
        """Forget every value (tests; the cache was emptied)."""
        with self.lock:
            self.known.clear()
            self.epoch += 1


watcher = Watcher()
register("generations", watcher.reset)


def _key(kind: str, article_id: int, gen: int, variant: str) -> str:
    return f"fp:{kind}:{article_id}:{gen}:{variant}"


class Skeleton(Protocol):
    """A member page's skeleton (newsroom.memberpage.Skeleton), as this module weighs and
    compresses it."""

    @property
    def parts(self) -> Sequence[bytes]: ...

    @property
    def deflated(self) -> Sequence[bytes] | None: ...

    def deflate(self) -> None: ...


# What is kept: an anonymous page's (or comments JSON's) bytes, or a member page's skeleton.
Page = bytes | Skeleton
# (body, content type, compressed forms by encoding, made at: epoch seconds, the slug it was
# made for: an article renamed since is not answered at its old address, whose slug SLUGS
# still leads to the article)
Entry = tuple[Page, str, dict[str, bytes], float, str]


def _size(value: Entry) -> int:
    """Bytes held by a page (with its compressed forms), or by a member page's skeleton."""
    body = value[0]
    if isinstance(body, bytes | bytearray):
        return len(body) + sum(len(b) for b in value[2].values())
    return sum(len(p) for p in body.parts) + sum(len(p) for p in body.deflated or ())


# This process's copy of recent pages, so a worker does not fetch hundreds of KB from Redis
# for every reader: keyed like the shared entries (generation included), kept ≤ TTL seconds,
# and bounded by count and by bytes (a long discussion's page is megabytes).
NEAR_BYTES = 64 * 2**20
_near: Memo[Entry] = Memo("pages", items=256, max_bytes=NEAR_BYTES, weigh=_size, ttl=TTL + STALE)

# Keys of stale pages a request of this process is remaking (see STALE): the others keep
# getting the stale page meanwhile. A claim lapses after REMAKE_CLAIM seconds.
_remaking: Memo[bool] = Memo("pages-remaking", items=1024, ttl=REMAKE_CLAIM)


def _claim(key: str) -> bool:
    """True for the one request that is to remake the stale page under `key`."""
    if _remaking.get(key):
        return False
    _remaking.put(key, True)  # two threads racing here both remake it: harmless
    return True


def store(kind: str, article_id: int, slug: str, gen: int, variant: str, body: Page, content_type: str) -> None:
    """Keep a finished anonymous response. `gen` must be read before the content was loaded,
    so a change committed meanwhile leaves this entry unreachable. A page or JSON body is
    compressed once, after the answer, by `compressor`; until then it is served plain."""
    SLUGS.put(slug, article_id)
    key = _key(kind, article_id, gen, variant)
    entry: Entry = (body, content_type, {}, time.time(), slug)
    if watcher.enabled():  # other workers may serve it; embedded, this process's copy is all
        later.set(key, entry, timeout=TTL + STALE)
    _near.put(key, entry)
    _remaking.pop(key)
    if isinstance(body, bytes) and compress.compressible(content_type) and len(body) >= compress.MIN_BYTES:
        compressor.submit(key, entry)
    elif not isinstance(body, bytes) and compress.compressible(content_type):
        compressor.submit(key, entry)  # a member page's skeleton: its parts deflated apart


class Compressor:
    """Compresses cached pages in a thread of this process, once per page generation (the key
    holds it), so neither a reader nor the render that made the page waits for it: the forms
    replace the entry when ready, here and in Redis. Bounded: when pages come faster than they
    compress, the new ones stay plain (served uncompressed) rather than queue up."""

    def __init__(self, size: int = 8):
        self.queue: queue.Queue = queue.Queue(maxsize=size)
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def submit(self, key: str, entry: Entry) -> None:
        try:
            self.queue.put_nowait((key, entry))
        except queue.Full:
            return
        if self.thread is None or not self.thread.is_alive():
            with self.lock:
                if self.thread is None or not self.thread.is_alive():
                    self.thread = threading.Thread(target=self._run, name="veche-compress", daemon=True)
                    self.thread.start()

    def _run(self) -> None:
        while True:
            key, (body, content_type, _none, made, slug) = self.queue.get()
            try:
                done: Entry
                if isinstance(body, bytes):
                    done = (body, content_type, compress.forms(body), made, slug)
                else:
                    body.deflate()  # the kept skeleton itself gains them: nothing to replace here
                    done = (body, content_type, {}, made, slug)
                kept = _near.get(key)
                current = kept is not None and kept[0] is body  # still the page kept under this key
                if current:
                    _near.put(key, done)
                # Redis too only while it is: else an older page, compressed late, would
                # replace one remade meanwhile.
                if watcher.enabled() and current:
                    later.set(key, done, timeout=max(1, round(made + TTL + STALE - time.time())))
                if current and isinstance(body, bytes) and key.startswith("fp:page:"):
                    _mirror(key, slug, body, done[2], made)
            except Exception:  # a page served plain is still a page
                log.exception("page not compressed: %s", key)
            finally:
                self.queue.task_done()

    def flush(self) -> None:
        """Wait until every page handed over is compressed (tests, benchmarks)."""
        self.queue.join()


compressor = Compressor()


def _mirror(key: str, slug: str, body: bytes, forms: dict[str, bytes], made: float) -> None:
    """An anonymous page to disk for nginx (core.mirror), while its generation is current."""
    _kind, article, gen, variant = key.split(":", 4)[1:]
    article_id, generation_made = int(article), int(gen)
    mirror.write(article_id, slug, variant, body, forms, expires=made + TTL,
                 current=lambda: generation(article_id) == generation_made)


def lookup(kind: str, slug: str, variant: str) -> tuple[int, Page, str, dict[str, bytes]] | None:
    """(article id, body, content type, compressed forms by encoding) of a cached anonymous
    response, or None."""
    article_id = SLUGS.get(slug)
    if article_id is None:
        return None
    key = _key(kind, article_id, generation(article_id), variant)
    hit = _near.get(key)
    if hit is None and watcher.enabled():
        hit = cache.get(key)
        if hit is not None:
            _near.put(key, hit)
    if hit is None:
        return None
    if len(hit) < 5 or hit[4] != slug:  # the article's page made at another (its new) address,
        SLUGS.pop(slug)  # or kept by an earlier release, which did not say
        return None
    made = hit[3] if len(hit) > 3 else 0.0  # an entry kept by an earlier release has no time
    age = time.time() - made
    if age > TTL + STALE:  # (a copy taken from Redis late in its life lives no longer here)
        return None
    if age > TTL and _claim(key):
        return None  # this request remakes the page; the others meanwhile get the one kept
    return article_id, hit[0], hit[1], hit[2] if len(hit) > 2 else {}
