"""Rules on who may be told of what by whom."""

from collections.abc import Callable, Iterable
from typing import Any

# What other apps forbid (the curation app's ignore list registers itself when its app is
# ready): each takes a sender and recipients and answers the recipients that sender must not
# notify, in one query for a discussion's thousands of followers. Notify imports none of them.
BLOCKS: list[Callable[[int, list[int]], set[int]]] = []


def blocked(sender_id: int | None, recipient_ids: Iterable[int]) -> set[int]:
    """The recipients `sender` may not notify: themselves, and whoever blocks them."""
    ids = list(recipient_ids)
    out = {sender_id} & set(ids) if sender_id is not None else set()
    if sender_id is not None and ids:
        for block in BLOCKS:
            out |= block(sender_id, ids)
    return out


def may_notify(sender_id: int | None, recipient_id: int) -> bool:
    """Whether `sender` may cause a notification to `recipient`."""
    return recipient_id not in blocked(sender_id, [recipient_id])


# What a member does not want to hear from (curation's ignore list registers itself): each
# takes a recipient and answers a query of the ids of the members whose comments they ignore
# (a query, so a caller may put it inside its own statement: visits.marks.new_counts).
SILENCERS: list[Callable[[int], Any]] = []


def silenced(recipient_id: int) -> set[int]:
    """The members whose comments `recipient` does not want counted nor told of."""
    out: set[int] = set()
    for silencer in SILENCERS:
        out.update(silencer(recipient_id))
    return out


def silenced_query(recipient_id: int) -> Any:
    """The same as a query to nest in a statement (an empty list when nothing silences)."""
    queries = [silencer(recipient_id).order_by() for silencer in SILENCERS]  # (no ORDER BY in a UNION's parts)
    if not queries:
        return []
    first = queries[0]
    return first.union(*queries[1:]) if len(queries) > 1 else first
