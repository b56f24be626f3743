"""Words: plain text from rendered HTML, stems, the query a reader typed, and snippets.

Framework-free and the same in both modes: the query is read here once (phrases in quotes,
`-word`, `or`, as PostgreSQL's websearch_to_tsquery reads them), so that a query refused or
trimmed here is refused or trimmed alike on SQLite and PostgreSQL, and PostgreSQL is given
only words, never a reader's punctuation."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from html import escape, unescape

import Stemmer

MAX_QUERY_CHARS = 500  # characters of a query read at all; a longer one is cut (and said so)
MAX_WORDS = 10  # words looked for: each is an index lookup, and a reader's memory of a text is short
MAX_WORD_CHARS = 60  # no word of a language is longer; a longer "word" is noise, cut to this
SNIPPET_WORDS = 30  # words around the best match shown under a result

OR_WORDS = {"or", "или"}  # between alternatives: websearch_to_tsquery's "or", and a Russian reader's
WORD = re.compile(r"[^\W_]+")  # letters and digits: what SQLite's unicode61 tokenizer keeps as a token
# Characters that mark highlights inside a snippet on their way out of PostgreSQL: private-use
# code points, removed from every text before it is indexed or highlighted.
MARK_OPEN, MARK_CLOSE, MARK_GAP = "\ue000", "\ue001", "\ue002"
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\ue002]")


# --- text ------------------------------------------------------------------------------------

_BLOCKS = frozenset({"p", "br", "blockquote", "li", "ul", "ol", "div", "h1", "h2", "h3", "h4", "h5", "h6",
                     "cite", "pre", "tr", "td", "th", "hr", "img", "figure", "figcaption"})
# A tag of sanitised HTML (nh3 writes it well formed, attribute values quoted; a quoted value
# may hold ">"), with its name.
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>|<!--.*?-->""", re.S)


def _tag(m: re.Match[str]) -> str:
    return " " if (m.group(2) or "").lower() in _BLOCKS else ""


def plain_text(html: str) -> str:
    """The words of sanitised HTML (a comment's or an article's rendered body), blocks apart.
    A regular expression rather than an HTML parser: the HTML is nh3's, and this runs for
    every comment of an import."""
    if not html:
        return ""
    return clean(" ".join(unescape(_TAG.sub(_tag, html)).split()))


def clean(text: str) -> str:
    """Text without NULs, control characters or the highlight markers."""
    return _UNSAFE.sub(" ", text)


# --- stems -----------------------------------------------------------------------------------

_local = threading.local()  # PyStemmer's stemmers keep a cache and may not be shared by threads


def _stemmer(name: str) -> Stemmer.Stemmer:
    cache = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {}
    stemmer = cache.get(name)
    if stemmer is None:
        stemmer = cache[name] = Stemmer.Stemmer(name)
    return stemmer


def stem(word: str, config: str) -> str:
    """A lowercase word's stem as `config` reads it. As PostgreSQL's configurations do, the
    Russian one stems words in Latin letters as English (a Russian text quoting "voting" is
    found by "votes"); "simple" keeps the word."""
    if config == "simple":
        return word
    if config != "english" and word.isascii():
        config = "english"
    stemmed_word: str = _stemmer(config).stemWord(word)
    return stemmed_word


def words_of(text: str) -> list[str]:
    return [w[:MAX_WORD_CHARS] for w in WORD.findall(text.lower())]


def stemmed(text: str, config: str) -> str:
    """Text as SQLite's index holds it: its stems, separated by spaces (stem() for each word,
    a list at a time)."""
    found = words_of(text)
    if config == "simple" or not found:
        return " ".join(found)
    if config == "english":
        return " ".join(_stemmer(config).stemWords(found))
    latin = [w.isascii() for w in found]
    own = iter(_stemmer(config).stemWords([w for w, a in zip(found, latin, strict=True) if not a]))
    english = iter(_stemmer("english").stemWords([w for w, a in zip(found, latin, strict=True) if a]))
    return " ".join(next(english) if a else next(own) for a in latin)


# --- the query -------------------------------------------------------------------------------

@dataclass
class Item:
    words: tuple[str, ...]  # one word, or a phrase
    negated: bool = False


@dataclass
class Query:
    """What a reader asked for: alternatives (`or`) of items that must all hold."""

    alternatives: list[list[Item]] = field(default_factory=list)
    trimmed: bool = False
    problem: str = ""  # "", "empty", "nothing" (operators or punctuation only), "only_excluded"

    @property
    def ok(self) -> bool:
        return bool(self.alternatives)

    def websearch(self) -> str:
        """The query again in websearch_to_tsquery's syntax, made of words only."""
        def item(i: Item) -> str:
            text = " ".join(i.words)
            return ("-" if i.negated else "") + (f'"{text}"' if len(i.words) > 1 else text)

        return " or ".join(" ".join(item(i) for i in alt) for alt in self.alternatives)

    def positive_words(self) -> list[str]:
        return [w for alt in self.alternatives for i in alt if not i.negated for w in i.words]


def parse(raw: str) -> Query:
    text = clean(raw or "")
    trimmed = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    if not text.strip():
        return Query(problem="empty")
    tokens: list[Item | None] = []  # None: "or"
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-"
        if negated:
            i += 1
            if i >= n or text[i].isspace():
                continue
        if text[i] == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end  # an unclosed quote runs to the end, as websearch reads it
            words = words_of(text[i + 1:end])
            i = end + 1
            if words:
                tokens.append(Item(tuple(words), negated))
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        chunk, i = text[i:j], j
        words = words_of(chunk)
        if not negated and chunk.lower() in OR_WORDS:
            tokens.append(None)
        elif negated and words:
            tokens.append(Item(tuple(words), True))  # "-e-mail": not the phrase "e mail"
        else:
            tokens.extend(Item((w,)) for w in words)
    alternatives: list[list[Item]] = [[]]
    budget = MAX_WORDS
    for token in tokens:
        if token is None:
            if alternatives[-1]:
                alternatives.append([])
            continue
        if budget <= 0:
            trimmed = True
            break
        kept_words = token.words[:budget]
        trimmed = trimmed or len(kept_words) < len(token.words)
        budget -= len(kept_words)
        alternatives[-1].append(Item(kept_words, token.negated))
    had_excluded = any(i.negated for alt in alternatives for i in alt)
    kept = [alt for alt in alternatives if any(not i.negated for i in alt)]
    if not kept:
        return Query(problem="only_excluded" if had_excluded else "nothing", trimmed=trimmed)
    return Query(kept, trimmed)


def fts5(query: Query, configs: list[str]) -> str:
    """The query as an FTS5 expression over stemmed text: each word stands for its stems in
    every configuration (a Russian word's English stem is the word itself), quoted, so no
    reader's text is ever read as FTS5 syntax."""
    def item(i: Item) -> str:
        forms = []
        for config in configs:
            stems = [s for s in (stem(w, config) for w in i.words) if WORD.fullmatch(s)]
            form = '"' + " ".join(stems or i.words) + '"'  # a word is letters and digits: never a quote
            if form not in forms:
                forms.append(form)
        return forms[0] if len(forms) == 1 else "(" + " OR ".join(forms) + ")"

    parts = []
    for alt in query.alternatives:
        expr = "(" + " AND ".join(item(i) for i in alt if not i.negated) + ")"
        for i in alt:
            if i.negated:
                expr += " NOT " + item(i)
        parts.append("(" + expr + ")")
    return " OR ".join(parts)


# --- snippets --------------------------------------------------------------------------------

def snippet(text: str, config: str, stems: set[str], size: int = SNIPPET_WORDS) -> str:
    """HTML: the passage of `text` with the most words whose stem is in `stems`, those words
    in <mark>; escaped. SQLite's snippets (PostgreSQL's come from ts_headline)."""
    tokens = [(m.start(), m.end(), stem(m.group().lower()[:MAX_WORD_CHARS], config) in stems)
              for m in WORD.finditer(text)]
    if not tokens:
        return escape(text[:300])
    hits = [k for k, t in enumerate(tokens) if t[2]]
    first = 0
    if hits:
        best = -1
        for h in hits:  # windows starting a few words before each hit
            start = max(0, h - 5)
            count = sum(1 for k in hits if start <= k < start + size)
            if count > best:
                best, first = count, start
    last = min(len(tokens), first + size)
    begin = 0 if first == 0 else tokens[first][0]
    end = len(text) if last == len(tokens) else tokens[last - 1][1]
    out, pos = [], begin
    for s, e, hit in tokens[first:last]:
        if hit:
            out.append(escape(text[pos:s]) + "<mark>" + escape(text[s:e]) + "</mark>")
            pos = e
    out.append(escape(text[pos:end]))
    return ("… " if begin else "") + "".join(out).strip() + (" …" if end < len(text) else "")


def marked(headline: str) -> str:
    """HTML from ts_headline's output: escaped, its markers made <mark>, fragments apart."""
    out, open_ = [], False
    for part in re.split(f"([{MARK_OPEN}{MARK_CLOSE}{MARK_GAP}])", headline):
        if part == MARK_OPEN and not open_:
            out.append("<mark>")
            open_ = True
        elif part == MARK_CLOSE and open_:
            out.append("</mark>")
            open_ = False
        elif part == MARK_GAP:
            out.append(" … ")
        elif part not in (MARK_OPEN, MARK_CLOSE):
            out.append(escape(part))
    if open_:
        out.append("</mark>")
    return "".join(out).strip()
