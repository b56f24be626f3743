"""Signatures of webhook deliveries (docs/webhooks.md shows the receiver's side).

    Veche-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

The timestamp is signed with the body, so a captured delivery cannot be replayed later than
the receiver's tolerance (five minutes in the documented check)."""

import hashlib
import hmac
import time

TOLERANCE = 300  # seconds a receiver should accept a signature for (docs/webhooks.md)


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(secret: str, body: bytes, header: str, now: float | None = None, tolerance: int = TOLERANCE) -> bool:
    """The receiver's check, as docs/webhooks.md gives it (the tests use it)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        t = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))
