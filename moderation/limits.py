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
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.cache import CacheUnavailable
from core.errors import ActionError
from core.memo import register
from ops import metrics

_local = LocMemCache("veche-limits-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
register("limits-fallback", _local.clear)
_now = time.time  # tests move the clock through this


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int
    message: str  # lazy: said in the reader's language


NEW_ACCOUNT_AGE = timedelta(hours=24)  # younger accounts get the stricter comment limits
COMMENT_BURST = Limit("comment-burst", 1, 15, _("You can post one comment every 15 seconds."))
COMMENT_HOUR = Limit("comment-hour", 60, 3600, _("You have posted 60 comments this hour, the limit."))
NEW_COMMENT_BURST = Limit("new-comment-burst", 1, 60,
                          _("After their first comments, new accounts can post one comment a minute "
                          "during their first day."))
# A newcomer's first comments come together — their first say, then answers to the replies
# it draws — and one a minute stopped them seconds after the first. The first three are free
# of NEW_COMMENT_BURST (still counted, so a fourth within the same minute waits): enough for
# a person joining a discussion, still a wall for a script; NEW_COMMENT_HOUR holds throughout.
NEW_ACCOUNT_FREE_COMMENTS = 3
NEW_COMMENT_HOUR = Limit("new-comment-hour", 10, 3600,
                         _("New accounts can post 10 comments an hour during their first day."))
# A preview as the writer types (debounced by the page's script to one a second or less):
# generous for a person writing, a wall for a script using the renderer as a service.
PREVIEW = Limit("preview", 120, 600, _("You have asked for 120 previews in 10 minutes, the limit."))
VOTE = Limit("vote", 60, 600, _("You have voted 60 times in 10 minutes, the limit."))
REPORT = Limit("report", 20, 86400, _("You have sent 20 reports today, the limit."))
SIGNIN_IP = Limit("signin-ip", 30, 600, _("Too many sign-in attempts from your network."))
SIGNIN_ACCOUNT = Limit("signin-account", 5, 900,
                       _("Too many failed sign-ins for this account; it is locked for a while."))
SIGNUP_IP = Limit("signup-ip", 5, 3600, _("Too many new accounts from your network this hour."))
# Password-reset mails: per target address, so nobody can flood one mailbox (over it no mail
# goes, and the page says the same as ever: whether an account exists stays unsaid), and per
# client address, so one network cannot mail many.
PASSWORD_RESET_EMAIL = Limit("password-reset-email", 3, 3600,
                             _("Enough reset links were sent to that address this hour."))
PASSWORD_RESET_IP = Limit("password-reset-ip", 10, 3600,
                          _("Too many password-reset requests from your network this hour."))

ALL = [COMMENT_BURST, COMMENT_HOUR, NEW_COMMENT_BURST, NEW_COMMENT_HOUR, PREVIEW, VOTE, REPORT, SIGNIN_IP,
       SIGNIN_ACCOUNT, SIGNUP_IP, PASSWORD_RESET_EMAIL, PASSWORD_RESET_IP]


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


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


def _hit(limit: Limit, ident: str, *, peek: bool = False, refuses: bool = True) -> None:
    """Count one hit (or only look, with peek); raise 429 past the limit. The refusal is
    counted in the metrics unless only looked at (peek) or to be ignored (not `refuses`)."""
    counted = refuses and not peek
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
                _refuse(limit, end - now, counted)
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
    _refuse(limit, end - now, counted)


def _refuse(limit: Limit, seconds_left: float, counted: bool):
    if counted:
        metrics.RATE_LIMITED.labels(limit.name).inc()
    wait = max(1, math.ceil(seconds_left))
    raise ActionError(gettext("%(limit)s Try again in %(wait)s.") % {"limit": limit.message, "wait": _wait_words(wait)},
                      status=429,
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


def _comment_limits(member) -> list[tuple[Limit, bool]]:
    """The limits a member's next comment meets, each with whether it may refuse it."""
    if not _is_new(member):
        return [(COMMENT_BURST, True), (COMMENT_HOUR, True)]
    return [(NEW_COMMENT_BURST, not _among_first_comments(member)), (NEW_COMMENT_HOUR, True)]


def _among_first_comments(member) -> bool:
    """Whether the member has posted fewer than NEW_ACCOUNT_FREE_COMMENTS comments (counted
    from their rows, whatever became of them: deleting one gives no new free comment). Asked
    of accounts younger than NEW_ACCOUNT_AGE only, through the (author, id) index."""
    from core import statements
    from discussion.models import Comment

    # Written out: asked on every post of a young account, where compiling it cost more than
    # running it.
    posted = statements.rows("SELECT id FROM discussion_comment WHERE author_id = %s LIMIT %s",
                             [member.pk, NEW_ACCOUNT_FREE_COMMENTS], statements.reading(Comment))
    return len(posted) < NEW_ACCOUNT_FREE_COMMENTS


def hit_comment(member) -> None:
    for limit, refuses in _comment_limits(member):
        if refuses:
            _hit(limit, str(member.pk))
        else:
            with contextlib.suppress(ActionError):  # counted all the same (see NEW_ACCOUNT_FREE_COMMENTS)
                _hit(limit, str(member.pk), refuses=False)


def comment_wait(member) -> int | None:
    """Seconds until `member` may post a comment, or None when they may now: for the comment
    form to say so before a post is refused. Counts nothing."""
    waits = []
    for limit, refuses in _comment_limits(member):
        if refuses:
            try:
                _hit(limit, str(member.pk), peek=True)
            except ActionError as exc:
                waits.append(exc.retry_after)
    return max(waits) if waits else None


def register(limit: Limit) -> Limit:
    """Another app's limit, listed with these (the moderators' page, the metrics' names)."""
    if all(known.name != limit.name for known in ALL):
        ALL.append(limit)
    return limit


def hit(limit: Limit, ident: str) -> None:
    """Count one hit of a registered limit (register()); 429 past it."""
    _hit(limit, ident)


def hit_vote(member) -> None:
    _hit(VOTE, str(member.pk))


def hit_preview(member) -> None:
    _hit(PREVIEW, str(member.pk))


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
    """Before a sign-in attempt (every door: the sign-in page, the admin's, a password check
    on an account page): count it for the address and for the account, and refuse past either.
    Counting before the password is checked, not after a failure, keeps parallel guesses
    within the limit too; a success resets the account's count (signin_succeeded)."""
    _hit(SIGNIN_IP, client_ip(request))
    _hit(SIGNIN_ACCOUNT, _account_ident(login))


def signin_succeeded(login: str) -> None:
    reset(SIGNIN_ACCOUNT, _account_ident(login))


def _account_ident(login: str) -> str:
    """The account a login names, as sign-in finds it: the sign-in form strips the login
    (any Unicode space) and the lookup folds it (NFKC, case, invisible signs), so "L", " L",
    "L\\t", "\\u3000L" and "ｌ" are one account and share one lock."""
    import hashlib

    from core.text import fold

    return hashlib.sha256(fold(login or "").strip().encode()).hexdigest()[:32]


def check_password_reset(request, email: str) -> bool:
    """Before a reset mail: refuse (429) past the client address's limit; False, without a
    word, past the target address's — the caller then sends nothing and answers as always."""
    import hashlib

    _hit(PASSWORD_RESET_IP, client_ip(request))
    ident = hashlib.sha256((email or "").strip().casefold().encode()).hexdigest()[:32]
    try:
        _hit(PASSWORD_RESET_EMAIL, ident)
    except ActionError:
        return False
    return True
