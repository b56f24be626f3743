"""Rate limits (filled in by the moderation work)."""


def hit_comment(member) -> None:
    return None


def hit_vote(member) -> None:
    return None
