"""Open pages told that a member's unread count changed. The event names members only (no
count, no text): the page of a member it names asks for its own count (notify.views.unread),
so nothing of one member's notifications reaches another's page. Only members online now
(accounts.presence) are named: the others have no page open."""

from accounts.presence import online_ids
from live.events import publish_on_commit

CHUNK = 500  # members named per event


def unread_changed(member_ids: list[int]) -> None:
    online = sorted(online_ids(member_ids))
    for i in range(0, len(online), CHUNK):
        publish_on_commit({"type": "notify.unread", "article": None, "members": online[i:i + CHUNK]})
