"""Compressed answers: brotli, else gzip, as the client's Accept-Encoding allows.

Two costs, two settings (measured on the 1,000-comment page, 1.75 MB; docs/performance.md):
a cached page is compressed once per page generation, away from any request, so it gets the
smaller forms (brotli 5: 70 KB in about 13 ms; gzip 6: 106 KB in about 22 ms); an answer
compressed while its reader waits gets the quick ones (brotli 4: 82 KB in 8 ms; gzip 4:
122 KB), less time than the render it follows. Answers under MIN_BYTES are sent as they are:
the headers would cost more than the bytes saved."""

import gzip
import struct
import zlib

import brotli

MIN_BYTES = 1024
STORED = {"br": 5, "gzip": 6}
ON_THE_FLY = {"br": 4, "gzip": 4}
COMPRESSIBLE = ("text/html", "application/json", "application/atom+xml", "application/rss+xml",
                "application/xml", "text/xml", "text/plain", "text/css", "application/javascript",
                "text/javascript", "image/svg+xml")


def _weights(header: str) -> dict[str, float]:
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
    return weights


def _takes(weights: dict[str, float], encoding: str) -> bool:
    q = weights.get(encoding, weights.get("x-gzip") if encoding == "gzip" else None)
    if q is None:
        q = weights.get("*", 0.0)
    return q > 0


def accepted(header: str) -> str | None:
    """"br" or "gzip" — the first the client takes (brotli preferred, as the smaller), or None
    for identity. `q=0` refuses an encoding; `*` stands for those not named."""
    weights = _weights(header)
    return next((encoding for encoding in ("br", "gzip") if _takes(weights, encoding)), None)


def accepts(header: str, encoding: str) -> bool:
    """Whether the client takes `encoding` at all, first choice or not."""
    return _takes(_weights(header), encoding)


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


# --- a page joined from parts compressed apart ------------------------------------------------
# A member page is a skeleton every member shares with a few values of their own between its
# parts (newsroom.memberpage). Its parts are deflated once, each ending on a byte boundary with
# no reference back across it (a sync flush of a fresh compressor), so parts deflated apart
# join into one valid deflate stream; a member's own values go between them as stored blocks,
# not compressed at all: no secret of theirs (the CSRF token) shares a compression context with
# text anyone else chose, which is what BREACH needs. The gzip wrapper's CRC-32 and length are
# counted over the plain bytes at each request (a C loop: about a millisecond a megabyte).

_GZIP_HEAD = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, unknown OS
_LAST_BLOCK = b"\x03\x00"  # an empty final block: ends the deflate stream
_STORED_MAX = 65535


def deflate_part(data: bytes) -> bytes:
    """`data` as raw deflate blocks that end on a byte boundary and refer to nothing before."""
    c = zlib.compressobj(STORED["gzip"], zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)


def stored_part(data: bytes) -> bytes:
    """`data` as stored (uncompressed) deflate blocks."""
    out = []
    for i in range(0, len(data), _STORED_MAX):
        chunk = data[i:i + _STORED_MAX]
        out.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(out)


def gzip_joined(plain: list[bytes], deflated: list[bytes | None]) -> bytes:
    """One gzip body of the pieces `plain`, each sent as its `deflated` form or, where that is
    None, as stored blocks."""
    crc, size, out = 0, 0, [_GZIP_HEAD]
    for data, coded in zip(plain, deflated, strict=True):
        crc = zlib.crc32(data, crc)
        size += len(data)
        out.append(coded if coded is not None else stored_part(data))
    out.append(_LAST_BLOCK)
    out.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(out)
