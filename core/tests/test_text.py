"""Folding and stripping take shortcuts for ASCII: they must give what the long way gives."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from core.text import BIDI_CONTROLS, ZERO_WIDTH, fold, strip_invisible


def _long_strip(text: str) -> str:
    return "".join(ch for ch in text if ch not in ZERO_WIDTH and ch not in BIDI_CONTROLS)


@given(st.text(alphabet=st.sampled_from("aZ09 _-ÄßİЁёﬁＡ\u200b\u200d\u202e\u2066\u00ad\u061c") | st.characters(), max_size=40))
def test_the_shortcuts_agree_with_the_long_way(text):
    assert strip_invisible(text) == _long_strip(text)
    assert fold(text) == unicodedata.normalize("NFKC", _long_strip(text)).casefold()


def test_what_folding_keeps_apart_and_brings_together():
    assert fold("Alice") == fold("ALICE") == fold("a\u200blice") == fold("Ａｌｉｃｅ")
    assert fold("Straße") == fold("STRASSE")
    assert fold("alice") != fold("аlice")  # a Cyrillic "а": the confusable check's work, not folding's
