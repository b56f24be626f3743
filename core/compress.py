"""Compressed answers: brotli, else gzip, as the client's Accept-Encoding allows.

Two costs, two settings (measured on the 1,000-comment page, 1.75 MB; docs/performance.md):
a cached page is compressed once per page generation, away from any request, so it gets the
smaller forms (brotli 5: 70 KB in about 13 ms; gzip 6: 106 KB in about 22 ms); an answer
compressed while its reader waits gets the quick ones (brotli 4: 82 KB in 8 ms; gzip 4:
122 KB), less time than the render it follows. Answers under MIN_BYTES are sent as they are:
the headers would cost more than the bytes saved."""

import gzip

import brotli

MIN_BYTES = 1024
STORED = {"br": 5, "gzip": 6}
ON_THE_FLY = {"br": 4, "gzip": 4}
COMPRESSIBLE = ("text/html", "application/json", "application/atom+xml", "application/rss+xml",
                "application/xml", "text/xml", "text/plain", "text/css", "application/javascript",
                "text/javascript", "image/svg+xml")


def accepted(header: str) -> str | None:
    """"br" or "gzip" — the first the client takes (brotli preferred, as the smaller), or None
    for identity. `q=0` refuses an encoding; `*` stands for those not named."""
    weights: dict[str, float] = {}
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name] = q
    for encoding in ("br", "gzip"):
        q = weights.get(encoding, weights.get("x-gzip") if encoding == "gzip" else None)
        if q is None:
            q = weights.get("*", 0.0)
        if q > 0:
            return encoding
    return None


def compressible(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() in COMPRESSIBLE


def compress(body: bytes, encoding: str, *, stored: bool = False) -> bytes:
    level = (STORED if stored else ON_THE_FLY)[encoding]
    if encoding == "br":
        return brotli.compress(body, quality=level)
    return gzip.compress(body, compresslevel=level, mtime=0)


def forms(body: bytes) -> dict[str, bytes]:
    """The stored forms of a cached body (empty when it is too small to gain)."""
    if len(body) < MIN_BYTES:
        return {}
    return {encoding: compress(body, encoding, stored=True) for encoding in STORED}
