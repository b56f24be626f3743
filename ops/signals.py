"""Errors counted where they happen without the code there knowing of metrics."""

import sys

from django.db import DatabaseError

from ops import metrics


def request_failed(sender, request=None, **kwargs) -> None:
    """Django sends got_request_exception while it handles an exception no view caught: a
    database error among them is counted (the 503 page said so to the reader)."""
    if isinstance(sys.exc_info()[1], DatabaseError):
        metrics.DATABASE_ERRORS.inc()


def redis_failed(sender, **kwargs) -> None:
    metrics.REDIS_ERRORS.inc()
