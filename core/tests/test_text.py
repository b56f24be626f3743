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


@given(st.text(alphabet=st.sampled_from("aZ09 _-.~/%?#&+=:;@!$'()*,[]\"<>\\ЁёﬁＡ\u200b\u202e\x00\x7f")
               | st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_a_paths_quoting_is_urllibs(text):
    """quote_path takes a table where urllib.parse.quote builds each byte: the same result for
    any text, plain or not (a login in a profile link)."""
    from urllib.parse import quote

    from core.text import quote_path

    assert quote_path(text) == quote(text)


def test_a_paths_quoting_leaves_nothing_that_could_end_the_attribute_or_the_path():
    from core.text import quote_path

    quoted = quote_path('a"b<c>d e?f#g%h\'i&j\nk\u2028л')
    assert quoted == "a%22b%3Cc%3Ed%20e%3Ff%23g%25h%27i%26j%0Ak%E2%80%A8%D0%BB"
    assert not set(quoted) & set("\"'<> ?#&\n")
