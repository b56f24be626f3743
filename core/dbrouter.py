"""Reads go to a replica; writes, and reads by a member who just wrote, go to the primary.

After a write, the pinning middleware marks the member's session for PIN_SECONDS so they read
their own writes back from the primary while the replica catches up.

A replica that cannot be reached is left alone for RETRY_SECONDS and its reads go to the
primary meanwhile: a stopped replica costs one failed connection per process and pause, never
an error page. (A replica that lags is still used: the pin above covers the writer; every other
reader sees the page as it was a moment ago, as a cache would show it.)"""

import logging
import random
import threading
import time

from django.db import DatabaseError, connections

PIN_SECONDS = 5
RETRY_SECONDS = 5.0  # how long a replica that refused a connection is left alone
log = logging.getLogger(__name__)
_state = threading.local()
_down_until: dict[str, float] = {}


def pin_to_primary(flag: bool = True) -> None:
    _state.pinned = flag


def is_pinned() -> bool:
    return getattr(_state, "pinned", False)


def replicas() -> list[str]:
    return [alias for alias in connections if alias.startswith("replica")]


def reads_may_lag() -> bool:
    """Whether a read may go to a replica (this router in use, a replica configured): two
    reads of one request may then see two moments of the primary's past."""
    from django.conf import settings

    return bool(settings.DATABASE_ROUTERS) and bool(replicas())


def usable(alias: str) -> bool:
    """Whether `alias` answers: its connection is open and well (Django's health check, once a
    request), or one can be opened now. A failure is remembered for RETRY_SECONDS."""
    if time.monotonic() < _down_until.get(alias, 0.0):
        return False
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as exc:
        _down_until[alias] = time.monotonic() + RETRY_SECONDS
        log.warning("Read replica %s unavailable, reading from the primary for %ss: %s",
                    alias, RETRY_SECONDS, exc)
        return False
    return True


def forget_failures() -> None:
    _down_until.clear()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if is_pinned():
            return "default"
        candidates = replicas()
        random.shuffle(candidates)  # spreading reads, not a secret
        for alias in candidates:
            if usable(alias):
                return alias
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
