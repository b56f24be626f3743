"""Word lists, matched after normalisation so that spelling tricks do not slip through:
case and Unicode compatibility forms (NFKC), Latin/Cyrillic look-alikes, and letters split
by spaces or signs ("i.d.i.o.t", "i d i o t"). Whole words only, so "class" never matches
"ass" (the Scunthorpe problem)."""

import re

from django.core.cache import cache

from core.text import skeleton

_WORD = re.compile(r"\w+")
# Three or more single letters, each followed by one to three separators: "i.d.i.o.t".
_SPLIT = re.compile(r"(?:(?<![^\W_])\w(?:[\W_]{1,3}|$)){3,}")
CACHE_KEY = "word-rules"


def normalise(text: str) -> list[str]:
    """The words of `text` after normalisation, with split-letter runs joined into words."""
    folded = skeleton(text)
    words = _WORD.findall(folded)
    joined = []
    for m in _SPLIT.finditer(folded):
        letters = "".join(ch for ch in m.group(0) if ch.isalnum())
        if len(letters) >= 3:
            joined.append(letters)
    return words + joined


def _phrase(words: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(skeleton(words)))


def rules() -> list[tuple[str, str, list[tuple[str, ...]]]]:
    """(kind, rule name, phrases) for every rule, cached until a rule changes."""
    cached = cache.get(CACHE_KEY)
    if cached is None:
        from moderation.models import WordRule

        cached = [(r.kind, r.rule, [p for line in r.words.splitlines() if (p := _phrase(line))])
                  for r in WordRule.objects.all()]
        cache.set(CACHE_KEY, cached, timeout=3600)
    return cached


def forget_rules() -> None:
    cache.delete(CACHE_KEY)


def match(text: str) -> tuple[str, str] | None:
    """The first rule `text` breaks, as (kind, rule name): banned rules before suspect ones."""
    active = rules()
    if not active:
        return None
    words = normalise(text)
    joined = " " + " ".join(words) + " "
    wordset = set(words)
    for kind in ("banned", "suspect"):
        for rule_kind, name, phrases in active:
            if rule_kind != kind:
                continue
            for phrase in phrases:
                if (len(phrase) == 1 and phrase[0] in wordset) or (
                        len(phrase) > 1 and " " + " ".join(phrase) + " " in joined):
                    return kind, name
    return None
