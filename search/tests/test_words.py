"""The query as a reader types it, read the same way in both modes; stems; snippets."""

import pytest

from search import words


@pytest.mark.parametrize(("raw", "problem"), [
    ("", "empty"), ("   ", "empty"), ("\x00\x00", "empty"), ('"""', "nothing"), ("!!! --- ***", "nothing"),
    ("or", "nothing"), ("OR or", "nothing"), ("-word", "only_excluded"), ('-"two words" -x', "only_excluded"),
    ("NEAR() AND * ^ : {}", ""),  # FTS5's words are words to a reader: they are looked for, quoted
])
def test_queries_that_look_for_nothing_say_why(raw, problem):
    q = words.parse(raw)
    assert q.problem == problem
    assert q.ok == (problem == "")


def test_phrases_exclusions_and_alternatives_read_as_websearch_does():
    q = words.parse('"sad cat" or "fat rat" -dog')
    assert q.websearch() == '"sad cat" or "fat rat" -dog'
    assert words.parse('unbalanced "quote here').websearch() == 'unbalanced "quote here"'
    assert words.parse("a or or b").websearch() == "a or b"
    assert words.parse("x or -y").websearch() == "x"  # an alternative of exclusions alone finds nothing: dropped
    # Punctuation never reaches a database: only words do.
    assert words.parse("drop'); --table <b>").websearch() == "drop -table b"


def test_long_queries_are_cut_and_say_so():
    q = words.parse(" ".join(f"w{i}" for i in range(40)))
    assert q.trimmed and len(q.positive_words()) == words.MAX_WORDS
    q = words.parse("x" * 2000)
    assert q.trimmed and len(q.positive_words()[0]) == words.MAX_WORD_CHARS
    assert not words.parse("short query").trimmed


def test_fts5_expressions_quote_every_stem_in_every_language():
    q = words.parse('комментарии "votes cast" -army or x')
    expr = words.fts5(q, ["english", "russian"])
    assert expr == '((("комментарии" OR "комментар") AND "vote cast") NOT "armi") OR (("x"))'


def test_stems_in_both_languages():
    ru = {words.stem(w, "russian") for w in ("комментарии", "комментарий", "комментария", "комментариев")}
    assert len(ru) == 1
    assert words.stem("voting", "english") == words.stem("votes", "english")
    # The Russian configuration stems words in Latin letters as English, as PostgreSQL's does.
    assert words.stem("voting", "russian") == words.stem("votes", "english")
    assert words.stem("Words", "simple") == "Words"


def test_plain_text_of_rendered_html_keeps_blocks_apart_and_drops_markers():
    html = '<p>One &amp; <em>two</em></p><blockquote><p>three</p></blockquote><p>four\ue000five</p>'
    assert words.plain_text(html) == "One & two three four five"


def test_snippets_escape_the_text_and_mark_the_words_found():
    text = "Before <script>alert(1)</script> the комментарий here, and votes. " + "filler " * 60 + "end"
    html = words.snippet(text, "russian", {words.stem("комментарии", "russian"), words.stem("voting", "english")})
    assert "<script>" not in html and "</script>" not in html and "&lt;/script&gt;" in html
    assert "<mark>комментарий</mark>" in html and "<mark>votes</mark>" in html
    assert html.endswith(" …") and "end" not in html


def test_headlines_from_postgresql_are_escaped_and_balanced():
    o, c, g = words.MARK_OPEN, words.MARK_CLOSE, words.MARK_GAP
    assert words.marked(f"a <b> {o}word{c} and{g}more {o}open") == \
        "a &lt;b&gt; <mark>word</mark> and … more <mark>open</mark>"
    assert words.marked(f"{c}stray{c} {o}{o}x{c}") == "stray <mark>x</mark>"


def test_a_russian_reader_may_write_or_in_russian():
    assert words.parse("мост или дорога").websearch() == "мост or дорога"


def test_the_russian_catalog_is_complete_with_the_same_placeholders():
    """Every message of the search's catalog translated, none fuzzy, placeholders kept."""
    import re
    from pathlib import Path

    po = (Path(__file__).resolve().parents[1] / "locale/ru/LC_MESSAGES/django.po").read_text()
    assert "#, fuzzy" not in po
    assert "nplurals=3;" in po
    entries = [e for e in po.split("\n\n") if "msgid" in e and 'msgid ""\nmsgstr ""\n"Project' not in e]
    assert len(entries) >= 35

    def text(entry: str, key: str) -> list[str]:
        out = []
        for m in re.finditer(rf'^{re.escape(key)} ("(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)', entry, re.M):
            out.append("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))))
        return out

    for e in entries:
        source = text(e, "msgid") + text(e, "msgid_plural")
        targets = text(e, "msgstr") + [t for k in range(3) for t in text(e, f"msgstr[{k}]")]
        assert targets and all(targets), e
        wanted = set(re.findall(r"%\(\w+\)[sd]", " ".join(source)))
        for t in targets:
            assert set(re.findall(r"%\(\w+\)[sd]", t)) == wanted, e
