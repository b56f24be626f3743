"""Rate limits: how often one member or one address may act.

Counters live in the cache (Redis in scale-out mode). A window opens at the first hit and
lasts `seconds`; hits past `count` in it are refused with HTTP 429 and Retry-After.
Why not a library: the ones for Django count per view and cannot say when to try again or
fall back; these rules need both.

When the shared cache is away no limit fails fully open or closed: each falls back to
counters inside this process (so a member can at worst act N times as often with N
processes), keeping the site usable and still bounded. README lists each limit.
"""

import contextlib
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

from core.cache import CacheUnavailable
from core.errors import ActionError

_local = LocMemCache("veche-limits-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_now = time.time  # tests move the clock through this


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int
    message: str


NEW_ACCOUNT_AGE = timedelta(hours=24)  # younger accounts get the stricter comment limits
COMMENT_BURST = Limit("comment-burst", 1, 15, "You can post one comment every 15 seconds.")
COMMENT_HOUR = Limit("comment-hour", 60, 3600, "You have posted 60 comments this hour, the limit.")
NEW_COMMENT_BURST = Limit("new-comment-burst", 1, 60,
                          "New accounts can post one comment a minute during their first day.")
NEW_COMMENT_HOUR = Limit("new-comment-hour", 10, 3600,
                         "New accounts can post 10 comments an hour during their first day.")
VOTE = Limit("vote", 60, 600, "You have voted 60 times in 10 minutes, the limit.")
REPORT = Limit("report", 20, 86400, "You have sent 20 reports today, the limit.")
SIGNIN_IP = Limit("signin-ip", 30, 600, "Too many sign-in attempts from your network.")
SIGNIN_ACCOUNT = Limit("signin-account", 5, 900,
                       "Too many failed sign-ins for this account; it is locked for a while.")
SIGNUP_IP = Limit("signup-ip", 5, 3600, "Too many new accounts from your network this hour.")

ALL = [COMMENT_BURST, COMMENT_HOUR, NEW_COMMENT_BURST, NEW_COMMENT_HOUR, VOTE, REPORT, SIGNIN_IP,
       SIGNIN_ACCOUNT, SIGNUP_IP]


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"{minutes} minutes"
    return f"{math.ceil(minutes / 60)} hours"


def _store():
    return cache if getattr(cache, "available", True) else _local


# With Redis, one hit is one round trip: the window (its count and end, in ms) is a hash that
# this script reads and moves. The clock is the caller's, as in the in-process counters.
_HIT = """
local window_end = tonumber(redis.call('HGET', KEYS[1], 'end'))
local now, ms, peek = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
if not window_end or now >= window_end then
  if peek then return {0, 0} end
  redis.call('HSET', KEYS[1], 'n', 1, 'end', now + ms)
  redis.call('PEXPIRE', KEYS[1], ms + 1000)
  return {1, now + ms}
end
if peek then return {tonumber(redis.call('HGET', KEYS[1], 'n')), window_end} end
return {redis.call('HINCRBY', KEYS[1], 'n', 1), window_end}
"""


def _shared_hit(limit: Limit, ident: str, now: float, peek: bool) -> tuple[int, float]:
    """(hits in the window, its end) from Redis. Raises CacheUnavailable."""
    from core.cache import run_script

    n, end_ms = run_script(_HIT, [f"rlh:{limit.name}:{ident}"], [int(now * 1000), limit.seconds * 1000, int(peek)])
    return int(n), end_ms / 1000


def _hit(limit: Limit, ident: str, *, peek: bool = False) -> None:
    """Count one hit (or only look, with peek); raise 429 past the limit."""
    if not _enabled():
        return
    now = _now()
    store = _store()  # embedded: the process's cache; Redis away: the counters of this process
    if _scripted():
        try:
            n, end = _shared_hit(limit, ident, now, peek)
        except CacheUnavailable:
            store = _local  # Redis failed just now: count in this process instead
        else:
            if n > limit.count or (peek and n >= limit.count):
                _refuse(limit, end - now)
            return
    key = f"rl:{limit.name}:{ident}"
    end = store.get(key + ":end")
    if end is None or now >= end:
        if not peek:
            store.set(key + ":end", now + limit.seconds, timeout=limit.seconds + 1)
            store.set(key, 1, timeout=limit.seconds + 1)
        return
    if peek:
        if store.get(key, 0) < limit.count:
            return
    else:
        try:
            n = store.incr(key)
        except ValueError:  # the count expired between the two reads
            store.set(key, 1, timeout=limit.seconds + 1)
            n = 1
        if n <= limit.count:
            return
    _refuse(limit, end - now)


def _refuse(limit: Limit, seconds_left: float):
    wait = max(1, math.ceil(seconds_left))
    raise ActionError(f"{limit.message} Try again in {_wait_words(wait)}.", status=429,
                      code="rate_limited", retry_after=wait)


def _scripted() -> bool:
    from core.cache import scripts_run

    return scripts_run()


def reset(limit: Limit, ident: str) -> None:
    key = f"rl:{limit.name}:{ident}"
    for store in (_store(), _local):
        store.delete_many([key, f"{key}:end", f"rlh:{limit.name}:{ident}"])


def _enabled() -> bool:
    return getattr(settings, "VECHE_RATE_LIMITS", True)


def _is_new(member) -> bool:
    return timezone.now() - member.date_joined < NEW_ACCOUNT_AGE


def hit_comment(member) -> None:
    if _is_new(member):
        _hit(NEW_COMMENT_BURST, str(member.pk))
        _hit(NEW_COMMENT_HOUR, str(member.pk))
    else:
        _hit(COMMENT_BURST, str(member.pk))
        _hit(COMMENT_HOUR, str(member.pk))


def hit_vote(member) -> None:
    _hit(VOTE, str(member.pk))


def hit_report(member) -> None:
    _hit(REPORT, str(member.pk))


def client_ip(request) -> str:
    """The address that limits count against. Behind a proxy, set VECHE_TRUSTED_PROXY_HOPS:
    X-Forwarded-For is trusted only that many hops deep, so a client cannot spoof it."""
    from core.http import client_address

    return client_address(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR", ""),
                          getattr(settings, "VECHE_TRUSTED_PROXY_HOPS", 0))


def hit_signup(request) -> None:
    _hit(SIGNUP_IP, client_ip(request))


def check_signin(request, login: str) -> None:
    """Before a sign-in attempt: count it for the address, and refuse a locked account."""
    _hit(SIGNIN_IP, client_ip(request))
    _hit(SIGNIN_ACCOUNT, _account_ident(login), peek=True)


def signin_failed(login: str) -> None:
    with contextlib.suppress(ActionError):  # the next attempt is refused by check_signin
        _hit(SIGNIN_ACCOUNT, _account_ident(login))


def signin_succeeded(login: str) -> None:
    reset(SIGNIN_ACCOUNT, _account_ident(login))


def _account_ident(login: str) -> str:
    import hashlib

    from core.text import fold

    return hashlib.sha256(fold(login or "").encode()).hexdigest()[:32]
