"""Whole pages for anonymous readers, served by the ASGI front without entering Django.

The article view stores the finished bytes of an anonymous page (no session, no CSRF
cookie, no per-reader state) under the article's current generation; any change to the
discussion raises the generation after commit, so a cached page never outlives the state
it shows. Entries also expire after TTL seconds, which bounds how stale presence and view
counts can be. Nothing here is the only copy of anything.
"""

import threading
import time

from django.core.cache import cache

from core.cache import CacheUnavailable

TTL = 5  # seconds: presence ("Online") and view counts on a cached page are at most this old
KINDS = ("page", "api", "member")  # anonymous page, comments JSON, member page skeleton

# slug → article id, learned by the views of this process; the front needs it to find the
# article's generation without a database query. A renamed slug just misses.
SLUGS: dict[str, int] = {}
_views: dict[int, int] = {}
_views_lock = threading.Lock()
VIEW_FLUSH_EVERY = 50


def _gen_key(article_id: int) -> str:
    return f"fpgen:{article_id}"


def generation(article_id: int) -> int:
    return cache.get(_gen_key(article_id), 0)


def invalidate(article_id: int) -> None:
    try:
        try:
            cache.incr(_gen_key(article_id))
        except ValueError:
            if not cache.add(_gen_key(article_id), 1, timeout=None):
                cache.incr(_gen_key(article_id))
    except CacheUnavailable:
        pass  # the pages expire within TTL; when the cache is away nothing is served from it


def _key(kind: str, article_id: int, gen: int, variant: str) -> str:
    return f"fp:{kind}:{article_id}:{gen}:{variant}"


# This process's copy of recent pages, so a worker does not fetch hundreds of KB from Redis
# for every reader: keyed like the shared entries (generation included), kept ≤ TTL seconds.
_near: dict[str, tuple[float, bytes, str]] = {}
_NEAR_MAX = 256


def store(kind: str, article_id: int, slug: str, gen: int, variant: str, body: bytes, content_type: str) -> None:
    """Keep a finished anonymous response. `gen` must be read before the content was loaded,
    so a change committed meanwhile leaves this entry unreachable."""
    SLUGS[slug] = article_id
    key = _key(kind, article_id, gen, variant)
    cache.set(key, (body, content_type), timeout=TTL)
    _remember(key, body, content_type)


def _remember(key: str, body: bytes, content_type: str) -> None:
    if len(_near) >= _NEAR_MAX:
        _near.clear()
    _near[key] = (time.monotonic() + TTL, body, content_type)


def lookup(kind: str, slug: str, variant: str):
    """(article id, body, content type) of a cached anonymous response, or None."""
    article_id = SLUGS.get(slug)
    if article_id is None:
        return None
    key = _key(kind, article_id, generation(article_id), variant)
    near = _near.get(key)
    if near is not None and near[0] > time.monotonic():
        return article_id, near[1], near[2]
    hit = cache.get(key)
    if hit is None:
        return None
    _remember(key, hit[0], hit[1])
    return article_id, hit[0], hit[1]


def count_view(article_id: int) -> int | None:
    """Count a view served from the cache; returns how many to flush when a batch is full."""
    with _views_lock:
        n = _views.get(article_id, 0) + 1
        if n >= VIEW_FLUSH_EVERY:
            _views[article_id] = 0
            return n
        _views[article_id] = n
        return None


def flush_views(article_id: int, n: int) -> None:
    from django.db import close_old_connections
    from django.db.models import F

    from newsroom.models import Article

    close_old_connections()
    try:
        Article.objects.filter(pk=article_id).update(views=F("views") + n)
    finally:
        close_old_connections()
