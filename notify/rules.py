"""Rules on who may be told of what by whom."""


def may_notify(sender_id: int | None, recipient_id: int) -> bool:
    """Whether `sender` may cause a notification to `recipient`. The one place a rule such
    as an ignore list (the curation work) plugs in; never yourself."""
    return sender_id != recipient_id
