"""One circuit breaker for "Redis is away", shared by everything that talks to Redis in this
process: the cache (core.cache), the page generations (core.pagecache) and the live broker
(live.broker).

Nothing in Redis is the only copy of anything that matters, so when it fails each caller
degrades (a miss, a dropped write, a page that expires by itself) — and, once one of them has
seen it fail, none of them waits on it again for BREAK_SECONDS: a dead server must not add a
timeout to every request, once per kind of call."""

import logging
import time

from django.dispatch import Signal

log = logging.getLogger(__name__)
BREAK_SECONDS = 2.0
# Sent for every Redis failure a caller absorbs, so the operator's metrics can count them
# (ops connects to it; core imports no app).
redis_failed = Signal()


class Breaker:
    def __init__(self, seconds: float = BREAK_SECONDS):
        self.seconds = seconds
        self.open_until = 0.0

    @property
    def closed(self) -> bool:
        """Whether calls may go to Redis now."""
        return time.monotonic() >= self.open_until

    def failed(self, what: str, exc: BaseException) -> None:
        """A call failed: say so once per break, and keep every caller away for a while."""
        redis_failed.send(sender=Breaker, what=what)
        if self.closed:
            log.warning("Redis unavailable (%s): %s", what, exc)
        self.open_until = time.monotonic() + self.seconds

    def reset(self) -> None:
        self.open_until = 0.0


redis = Breaker()
