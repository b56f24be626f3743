"""Vote-brigade detection (filled in by the moderation work)."""


def after_minus(vote) -> None:
    return None
