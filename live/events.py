"""Live events: what the SSE stream tells open article pages.

Only actions publish, and only through `publish_on_commit`, so a rolled-back write never
reaches a reader. Every event is a dict with a `type` from EVENT_TYPES and the `article` it
belongs to (None: every page); the broker adds its `id`. An event may be built lazily
(an object with a `build()` method): its payload is then computed after the commit.
"""

import logging
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

EVENT_TYPES = {
    # type: the keys it carries besides "type", "article" and "id"
    # number: its place among its siblings (the "3." it shows); depth: 0 for top level.
    # With more than one language offered, an event with "html" also carries
    # "html_by_language" (code → markup); each stream sends its reader theirs (live.stream).
    "comment.new": {"comment", "parent", "number", "depth", "html", "author"},
    "comment.edit": {"comment", "html"},
    "comment.remove": {"comment", "html"},
    "comment.vote": {"comment", "plus", "minus"},
    "presence": {"member", "online", "until"},
    "resync": set(),
    # members: whose unread notifications changed (notify.live); their pages ask for the count
    "notify.unread": {"members"},
}


def validate(event: dict[str, Any]) -> dict[str, Any]:
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        raise ValueError(f"unknown live event type {kind!r}")
    missing = (EVENT_TYPES[kind] | {"article"}) - event.keys()
    if missing:
        raise ValueError(f"live event {kind} lacks {sorted(missing)}")
    return event


def _send(event: dict[str, Any]) -> None:
    from live.broker import get_broker

    try:
        if hasattr(event, "build"):
            event = event.build()
            if event is None:
                return
        get_broker().publish(validate(dict(event)))
    except Exception:  # the change is committed; a lost event is repaired by resync
        log.exception("live event failed")


def publish_on_commit(event: dict[str, Any], using: str | None = None) -> None:
    """Publish `event` once the current transaction commits (at once outside one)."""
    if not hasattr(event, "build"):
        validate(event)
    elif event.get("type") not in EVENT_TYPES:
        raise ValueError(f"unknown live event type {event.get('type')!r}")
    transaction.on_commit(lambda: _send(event), using=using)
