"""Framework-free text helpers: normalisation for logins and word lists, NUL removal, a URL
path's quoting.

`skeleton()` maps a string to a form in which look-alike strings coincide: NFKC, case-folded,
Cyrillic and Greek letters that look like Latin ones replaced by those Latin letters. Two
logins with the same skeleton are confusable ("Bakht" and "Bаkht" with a Cyrillic "а").
"""

import re
import unicodedata

# Letters of Cyrillic and Greek that render like a Latin letter in common fonts (lowercase,
# after case folding). Facts from Unicode's confusables data, reduced to the scripts a
# Russian- and English-speaking site meets.
_HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ь": "b", "з": "3", "ч": "4", "п": "n", "г": "r",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "ѵ": "v", "ω": "w",
    # Digits confused with letters in logins.
    "0": "o", "1": "l",
}
_TABLE = str.maketrans(_HOMOGLYPHS)

ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


_INVISIBLE = re.compile("[" + "".join(sorted(ZERO_WIDTH | BIDI_CONTROLS)) + "]")


def strip_invisible(text: str) -> str:
    """Drop zero-width and bidirectional control characters."""
    return text if text.isascii() else _INVISIBLE.sub("", text)


def fold(text: str) -> str:
    """NFKC and case folding: the form in which logins are unique. (ASCII is its own NFKC, and
    its case folding is lower(): a byline compares its two names on every render.)"""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", strip_invisible(text)).casefold()


def skeleton(text: str) -> str:
    """The confusable skeleton: fold, then map homoglyphs and drop combining marks."""
    folded = fold(text)
    decomposed = unicodedata.normalize("NFD", folded)
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return base.translate(_TABLE)


def drop_nul(text: str) -> str:
    """Text without NUL characters: no field stores them (PostgreSQL cannot), and in a member
    page's markup they would stand next to its slot markers (core.slots)."""
    return text.replace("\x00", "")


def collapse_space(text: str) -> str:
    return " ".join(text.split())


# A URL path's quoting, as urllib.parse.quote(text) gives it (UTF-8, "/" and the unreserved
# characters kept, every other byte as %XX), a table lookup a byte in C: a render from nothing
# links two hundred members' profiles, and quote() built each link's path byte by byte in Python.
_PATH_KEPT = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/")
_PATH_BYTES = tuple(chr(b) if b in _PATH_KEPT else f"%{b:02X}" for b in range(256))
_PATH_PLAIN = re.compile(r"[A-Za-z0-9_.~/-]*")


def quote_path(text: str) -> str:
    """`text` quoted for a URL's path, exactly as urllib.parse.quote(text)."""
    if _PATH_PLAIN.fullmatch(text):
        return text
    return "".join(map(_PATH_BYTES.__getitem__, text.encode()))
