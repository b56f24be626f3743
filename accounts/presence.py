"""Presence: a member is Online while their last request is younger than the window.

Last-seen times live in the cache (Redis in scale-out mode) and are copied to the database
at most every PERSIST_EVERY, so a lost cache only makes members look Offline for a moment.
"""

import time
from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache

from core.cache import CacheUnavailable
from core.memo import Memo

TOUCH_EVERY = 30  # seconds between cache writes for one member
PERSIST_EVERY = 300  # seconds between database writes of last_seen


def _key(member_id: int) -> str:
    return f"seen:{member_id}"


# Embedded mode keeps last-seen times in this dict (one process: no need to pickle floats
# into a cache); with Redis they live there, shared by every process.
_local: Memo[float] = Memo("presence-seen", items=1_000_000)


# With Redis, each process remembers when a member's mark was last written (by it or, as it
# read, by another): a member making requests is then skipped for TOUCH_EVERY without asking
# Redis — one round trip fewer on every signed-in request. Bounded: forgotten wholesale when full.
_marked: Memo[float] = Memo("presence-marked", items=100_000)


def _shared() -> bool:
    return bool(settings.REDIS_URL)


def _get(member_id: int):
    return cache.get(_key(member_id)) if _shared() else _local.get(member_id)


def _set(member_id: int, when: float) -> None:
    if _shared():  # whole seconds: the cache keeps integers as they are, floats it pickles
        cache.set(_key(member_id), int(when), timeout=window() * 2)
        _remember(member_id, int(when))
    else:
        _local.put(member_id, when)


def _remember(member_id: int, when: float) -> None:
    if _shared():
        _marked.put(member_id, when)


def window() -> int:
    return settings.VECHE_PRESENCE_WINDOW


def touch(member, now: float | None = None) -> bool:
    """Record that `member` made a request. Returns True when they just came online."""
    now = time.time() if now is None else now
    if (known := _marked.get(member.pk)) is not None and 0 <= now - known < TOUCH_EVERY:
        return False
    last = _get(member.pk)
    if last is not None and now - last < TOUCH_EVERY:
        _remember(member.pk, last)
        return False
    _set(member.pk, now)
    came_online = last is None or now - last >= window()
    if came_online:
        from live.events import publish_on_commit

        publish_on_commit({"type": "presence", "article": None, "member": member.pk, "online": True,
                           "until": int(now + window())})
    stored = member.last_seen.timestamp() if member.last_seen else 0
    if now - stored >= PERSIST_EVERY or came_online:
        _persist(member, datetime.fromtimestamp(now, tz=UTC))
    return came_online


def _persist(member, when: datetime) -> None:
    """Last seen, kept in the database every PERSIST_EVERY seconds (profiles show it)."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=member.pk).update(last_seen=when)
    member.last_seen = when


def online_until(member_ids: Iterable[int], now: float | None = None) -> dict[int, float]:
    """For those of `member_ids` who are Online: until when (epoch seconds) they stay so
    without another request. One cache round trip."""
    ids = list(set(member_ids))
    if not ids:
        return {}
    now = time.time() if now is None else now
    w = window()
    if not _shared():
        return {i: t + w for i in ids if (t := _local.get(i)) is not None and t + w > now}
    try:
        seen = _shared_marks(ids)
    except CacheUnavailable:
        return {}  # Redis away: everyone shows Offline for the moment, the page still serves
    return {i: t + w for i, t in zip(ids, seen, strict=True) if t is not None and t + w > now}


# The marks of a page's members (hundreds) as one string rather than hundreds of replies, and
# asked for by one argument (their ids, joined) rather than hundreds of keys: encoding and
# parsing that many values, not Redis, was the cost of a page's presence. The one key given is
# the marks' prefix, as the cache writes it (one Redis, not a cluster, holds them).
_MARKS = ("local p, ks = KEYS[1], {} "
          "for id in string.gmatch(ARGV[1], '%d+') do ks[#ks + 1] = p .. id end "
          "local v = redis.call('MGET', unpack(ks)) "
          "for i = 1, #v do if not v[i] then v[i] = '' end end return table.concat(v, ',')")
_MARKS_AT_ONCE = 4000  # Lua's unpack takes a bounded number of arguments


def _shared_marks(ids: list[int]) -> list[int | None]:
    """Each member's last mark (epoch seconds) or None, from Redis. Raises CacheUnavailable."""
    from core.cache import run_script

    out: list[int | None] = []
    prefix = _key("")
    for start in range(0, len(ids), _MARKS_AT_ONCE):
        chunk = ids[start:start + _MARKS_AT_ONCE]
        raw = run_script(_MARKS, [prefix], [",".join(map(str, chunk))])
        out.extend(int(v) if v.isdigit() else None for v in raw.split(b","))  # whole seconds, as _set writes
    return out


def online_ids(member_ids: Iterable[int], now: float | None = None) -> set[int]:
    """Which of `member_ids` are Online."""
    return set(online_until(member_ids, now))


def signed_out(sender=None, request=None, user=None, **kwargs) -> None:
    """A member signed out (Django's user_logged_out): Offline at once, here, in Redis and on
    every open page (a live event), rather than a window later. Another of their sessions
    still making requests marks them Online again with its next one."""
    if user is None or user.pk is None:
        return
    from live.events import publish_on_commit

    forget(user.pk)
    publish_on_commit({"type": "presence", "article": None, "member": user.pk, "online": False,
                       "until": 0})


def forget(member_id: int) -> None:
    _local.pop(member_id)
    _marked.pop(member_id)
    cache.delete(_key(member_id))
