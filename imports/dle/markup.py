"""DataLife Engine's stored HTML as Veche's Markdown.

DLE keeps posts and comments as the HTML it shows, with its own marks in HTML comments:

    quote      <!--QuoteBegin Name --><div class="title_quote">Цитата: Name</div>
               <div class="quote"><!--QuoteEBegin-->words<!--QuoteEnd--></div><!--QuoteEEnd-->
               (no name: <!--QuoteBegin-->; the marks may be gone, leaving the two divs)
    smiley     <!--smile:wink--><img alt="wink" src="…/smiles/wink.gif" /><!--/smile-->
    spoiler    <!--dle_spoiler Title --><div class="title_spoiler">…Title…</div>
               <div class="text_spoiler">words</div><!--/dle_spoiler-->
    leech link <a href="…/index.php?do=go&url=BASE64">…</a> (the address, base64-encoded)
    media      <!--dle_video_begin:URL-->player<!--dle_video_end--> (audio, media, youtube too)

and, where a tag was unbalanced or BB-code was off, BB-code left as text ([b], [quote=…],
[url=…], [img], [spoiler], [hide] …). The HTML is read into a small tree, DLE's marks are
turned into what they mean, and imports.html2md writes the Markdown (so the output is
escaped and sanitised exactly as every other import's).

In a comment, each quote that is not inside another one starts with imports.common's
QUOTE_SLOT: the thread writer puts there a link to the quoted comment when it is found,
else "Name wrote:". Nested quotes, and quotes in posts, get "Name wrote:" at once.
"""

import base64
import binascii
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

from django.utils.translation import gettext as _

from imports.common import QUOTE_SLOT
from imports.html2md import escape, html_to_markdown

MAX_TREE_DEPTH = 100  # deeper markup is flattened into its parent: no recursion runs away
BB_PASSES = 20  # nested BB-code pairs undone, innermost first; deeper ones stay as text
LEAD_MAX = 600  # characters of a post's short story kept as its lead

# DLE's smilies (the classic set, and the emoji-named set of 13.0 and later) → Veche's
# (core.smilies). docs/import-dle.md has the table; a name not here stays as ":name:".
SMILIES = {
    **{n: n for n in ("wink", "smile", "laughing", "lol", "sad", "crying", "angry", "wassat",
                      "what", "no", "belay", "bully", "feel", "fellow", "love", "tongue",
                      "recourse", "request", "am", "hello")},
    "winked": "wink", "smirk": "wink",
    **dict.fromkeys(("smiley", "blush", "relaxed", "grinning", "innocent", "bowtie", "relieved",
                     "sunglasses"), "smile"),
    **dict.fromkeys(("satisfied", "grin", "sweat_smile"), "laughing"),
    "joy": "lol",
    **dict.fromkeys(("stuck_out_tongue", "stuck_out_tongue_winking_eye",
                     "stuck_out_tongue_closed_eyes", "yum"), "tongue"),
    **dict.fromkeys(("heart_eyes", "kissing_heart", "kissing_closed_eyes", "kissing"), "love"),
    **dict.fromkeys(("flushed", "astonished", "open_mouth", "hushed", "scream", "fearful",
                     "dizzy_face"), "wassat"),
    **dict.fromkeys(("worried", "frowning", "anguished", "disappointed", "pensive", "confounded",
                     "persevere", "unamused", "disappointed_relieved", "sweat", "cold_sweat",
                     "weary", "tired_face", "sleepy", "sleeping", "mask"), "sad"),
    **dict.fromkeys(("cry", "sob"), "crying"),
    **dict.fromkeys(("rage", "triumph"), "angry"),
    **dict.fromkeys(("imp", "smiling_imp"), "bully"),
    **dict.fromkeys(("confused", "grimacing", "expressionless", "neutral_face", "no_mouth"), "what"),
}

_VOID = {"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed", "param",
         "source", "track", "wbr"}
_MEDIA = re.compile(r"^dle_(video|audio|media|youtube)_begin:(.+)$", re.S)
_MEDIA_END = re.compile(r"^dle_(video|audio|media|youtube)_end$")
_SMILEY_SRC = re.compile(r"/(?:emoticons|smiles?|smilies)/([\w-]+)\.\w+$")
_LINE_MARKUP = re.compile(r"<(?:br|p|div|li|h[1-6]|pre|blockquote)\b", re.I)
_BB_FLAGS = re.I | re.S
BREAK = "\ufdd1"  # a noncharacter, as QUOTE_SLOT: marks where a quote ends (see _unbreak)
_UNSEEN = {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math"}


@dataclass
class Converted:
    markdown: str
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (name, its words) per slot
    words: str = ""  # the text outside quotes, for finding what quotes it (see words())
    hidden: int = 0  # [hide] blocks left out


# --- a small tree -------------------------------------------------------------------------

class El:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict | None = None, children: list | None = None):
        self.tag, self.attrs, self.children = tag, attrs or {}, children or []


class Mark:  # an HTML comment: where DLE keeps its marks
    __slots__ = ("data",)

    def __init__(self, data: str):
        self.data = data.strip()


class Quote:
    __slots__ = ("name", "children")

    def __init__(self, name: str, children: list):
        self.name, self.children = name, children


class Smiley:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = El("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        el = El(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(el)
        if tag not in _VOID and len(self.stack) < MAX_TREE_DEPTH:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(El(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)

    def handle_comment(self, data):
        self.stack[-1].children.append(Mark(data))


def _parse(text: str) -> list:
    tree = _Tree()
    tree.feed(text)
    tree.close()
    return tree.root.children


def _text_of(nodes: list) -> str:
    out: list[str] = []
    stack = list(reversed(nodes))
    while stack:
        n = stack.pop()
        if isinstance(n, str):
            out.append(n)
        elif isinstance(n, Quote) or (isinstance(n, El) and n.tag not in _UNSEEN):
            stack.extend(reversed(n.children))
    return " ".join("".join(out).split())


# --- BB-code left as text -----------------------------------------------------------------

def _attr(value: str) -> str:
    return html.escape(html.unescape(value.strip().strip("\"'")), quote=True)


def _inner(tag: str) -> str:
    """Content holding no opening of the same tag: pairs are undone innermost first."""
    return rf"((?:(?!\[{tag}[\]=]).)*?)"


_BB = [
    (re.compile(r"\[hide(?:=[^\]]*)?\]" + _inner("hide") + r"\[/hide\]", _BB_FLAGS), "hide"),
    (re.compile(r"\[(b|i|u|s|sub|sup)\](.*?)\[/\1\]", _BB_FLAGS), lambda m: f"<{m[1]}>{m[2]}</{m[1]}>"),
    (re.compile(r"\[(?:url|leech)=([^\]]+)\](.*?)\[/(?:url|leech)\]", _BB_FLAGS),
     lambda m: f'<a href="{_attr(m[1])}">{m[2]}</a>'),
    (re.compile(r"\[(?:url|leech)\](.*?)\[/(?:url|leech)\]", _BB_FLAGS),
     lambda m: f'<a href="{_attr(m[1])}">{m[1]}</a>'),
    (re.compile(r"\[img(?:=[^\]]*)?\](.*?)\[/img\]", _BB_FLAGS), lambda m: f'<img src="{_attr(m[1])}" alt="">'),
    (re.compile(r"\[(?:video|audio|media)=([^\],|]+)[^\]]*\]", _BB_FLAGS),
     lambda m: f'<a href="{_attr(m[1])}">{html.escape(html.unescape(m[1]))}</a>'),
    (re.compile(r"\[quote(?:=([^\]]*))?\]" + _inner("quote") + r"\[/quote\]", _BB_FLAGS),
     lambda m: f'<!--QuoteBegin {_mark_safe(m[1] or "")} --><div class="quote">{m[2]}</div>'),
    (re.compile(r"\[spoiler(?:=([^\]]*))?\]" + _inner("spoiler") + r"\[/spoiler\]", _BB_FLAGS),
     lambda m: f'<div class="title_spoiler">{m[1] or ""}</div><div class="text_spoiler">{m[2]}</div>'),
    (re.compile(r"\[code\](.*?)\[/code\]", _BB_FLAGS), lambda m: f"<pre>{m[1]}</pre>"),
    (re.compile(r"\[/?(?:color|size|font|left|center|right|justify)(?:=[^\]]*)?\]", re.I), ""),
]


def _mark_safe(name: str) -> str:
    return html.unescape(name).replace("--", "-").replace(">", "").strip()


def _bbcode(text: str) -> tuple[str, int]:
    hidden = 0
    for pattern, repl in _BB:
        for _pass in range(BB_PASSES):
            if repl == "hide":
                text, n = pattern.subn("<i>" + html.escape(_("(hidden text, not carried over)"))
                                       + "</i>", text)
                hidden += n
            else:
                text, n = pattern.subn(repl, text)
            if not n:
                break
    return text, hidden


# --- DLE's marks --------------------------------------------------------------------------

class _Reader:
    def __init__(self, site_url: str):
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""

    def link(self, href: str) -> str:
        """The address a link or image really points at: a leech link decoded, a relative
        address made absolute on the old site (or dropped when its address is not known)."""
        href = href.strip()
        parts = urlsplit(href)
        query = parse_qs(parts.query)
        if "url" in query and ("go.php" in parts.path or query.get("do") == ["go"]):
            try:
                href = base64.b64decode(query["url"][0] + "===").decode("utf-8").strip()
            except (binascii.Error, UnicodeDecodeError, ValueError):
                return ""
            parts = urlsplit(href)
            if not parts.scheme:  # a leech link always hides an absolute address
                return ""
        if parts.scheme or href.startswith("//"):
            return href
        if href.startswith("#") or not self.site_url:
            return ""
        return urljoin(self.site_url, href)

    def walk(self, nodes: list) -> list:
        out: list = []
        name: str | None = None  # the name a QuoteBegin mark gave the next quote
        i = 0
        while i < len(nodes):
            n = nodes[i]
            i += 1
            if isinstance(n, str):
                out.append(n)
            elif isinstance(n, Mark):
                data = n.data
                if data.startswith("smile:"):
                    i = self._skip_to(nodes, i, lambda d: d == "/smile")
                    out.append(Smiley(data[6:].strip()))
                elif data.startswith("QuoteBegin"):
                    name = data[len("QuoteBegin"):].strip()
                elif m := _MEDIA.match(data):
                    i = self._skip_to(nodes, i, lambda d: bool(_MEDIA_END.match(d)))
                    url = self.link(re.split(r"[,|]", m.group(2))[0])
                    if url:
                        out.append(El("p", {}, [El("a", {"href": url}, [url])]))
            elif isinstance(n, El):
                classes = set(n.attrs.get("class", "").split())
                if n.tag == "div" and "title_quote" in classes:
                    if name is None:
                        title = _text_of(n.children)
                        name = title.split(":", 1)[1].strip() if ":" in title else title
                elif (n.tag == "div" and "quote" in classes) or n.tag == "blockquote":
                    out.append(Quote(name or "", self.walk(n.children)))
                    name = None
                elif n.tag == "div" and "title_spoiler" in classes:
                    title = _text_of(n.children) or _("Spoiler")
                    out.append(El("p", {}, [El("b", {}, [title])]))
                else:
                    out.append(self._element(n))
        return out

    @staticmethod
    def _skip_to(nodes: list, i: int, is_end) -> int:
        for j in range(i, len(nodes)):
            if isinstance(nodes[j], Mark) and is_end(nodes[j].data):
                return j + 1
        return i

    def _element(self, n: El):
        if n.tag == "img":
            found = _SMILEY_SRC.search(n.attrs.get("src", ""))
            if found and ("emoji" in n.attrs.get("class", "") or found.group(1) in SMILIES):
                return Smiley(found.group(1))
            n.attrs["src"] = self.link(n.attrs.get("src", ""))
        elif n.tag == "a" and "href" in n.attrs:
            n.attrs["href"] = self.link(n.attrs["href"])
        n.children = self.walk(n.children)
        return n


# --- back to HTML, then Markdown ----------------------------------------------------------

def wrote(name: str, markdown: bool) -> str:
    """ "Name wrote:" with the name in bold, as Markdown or as HTML."""
    before, _sep, after = _("%(name)s wrote:").partition("%(name)s")
    if markdown:
        return f"{escape(before)}**{escape(name)}**{escape(after)}"
    return f"{html.escape(before)}<b>{html.escape(name)}</b>{html.escape(after)}"


def _html(nodes: list, slots: bool, depth: int = 0) -> str:
    out: list[str] = []
    for n in nodes:
        if isinstance(n, str):
            out.append(html.escape(n, quote=False))
        elif isinstance(n, Smiley):
            code = SMILIES.get(n.name)
            out.append(f" :{code}: " if code else html.escape(f":{n.name}:"))
        elif isinstance(n, Quote):
            if slots and depth == 0:
                head = f"<p>{QUOTE_SLOT}</p>"
            else:
                head = f"<p>{wrote(n.name, markdown=False)}</p>" if n.name else ""
            # BREAK after it: html2md would run two quotes in a row into one (see _unbreak).
            out.append(f"<blockquote>{head}{_html(n.children, slots, depth + 1)}</blockquote><p>{BREAK}</p>")
        elif isinstance(n, El):
            attrs = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in n.attrs.items()
                            if re.fullmatch(r"[a-zA-Z_:][-a-zA-Z0-9_:.]*", k))
            out.append(f"<{n.tag}{attrs}>")
            if n.tag not in _VOID:
                out.append(_html(n.children, slots, depth))
                out.append(f"</{n.tag}>")
    return "".join(out)


def _unbreak(markdown: str) -> str:
    """Where a BREAK paragraph stood, the blank line at the parent's depth that ends a quote
    ("> a\n\n> b" is two quotes, "> a\n>\n> b" one); repeated blank lines then go."""
    out: list[str] = []
    for line in markdown.split("\n"):
        if line.replace(">", "").strip() == BREAK:
            line = line[: line.index(BREAK)].rstrip()
        line = line.replace(BREAK, "")
        blank = not line.replace(">", "").strip()
        if blank and out and not out[-1].replace(">", "").strip() and out[-1].count(">") >= line.count(">"):
            out[-1] = line  # of two blank lines in a row, the shallower ends more quotes
            continue
        out.append(line)
    while out and not out[-1].replace(">", "").strip():
        out.pop()
    return "\n".join(out)


def words(nodes: list) -> str:
    """The text outside quotes and smilies, folded: what a quote of it is compared with."""
    out: list[str] = []
    stack = list(reversed(nodes))
    while stack:
        n = stack.pop()
        if isinstance(n, str):
            out.append(n)
        elif isinstance(n, El) and n.tag not in _UNSEEN:
            out.append(" ")
            stack.extend(reversed(n.children))
    return " ".join("".join(out).split()).casefold()


def convert(text: str, *, article: bool = False, site_url: str = "") -> Converted:
    """A post's or comment's stored HTML as Markdown; in a comment (article=False) every
    outermost quote starts with a QUOTE_SLOT, described in `quotes`."""
    text = (text or "").replace(QUOTE_SLOT, "").replace(BREAK, "").replace("\x00", "")
    autop = not _LINE_MARKUP.search(text)  # plain text with newlines, as DLE keeps some
    text, hidden = _bbcode(text)
    nodes = _Reader(site_url).walk(_parse(text))
    slots = not article
    quotes = _outer_quotes(nodes) if slots else []
    markdown = _unbreak(html_to_markdown(_html(nodes, slots), article=article, autop=autop))
    # The quote's head line straight above its words, as Veche's Quote button writes it.
    markdown = markdown.replace(f"> {QUOTE_SLOT}\n>\n", f"> {QUOTE_SLOT}\n")
    return Converted(markdown, [(q.name, words(q.children)) for q in quotes], words(nodes), hidden)


def _outer_quotes(nodes: list) -> list[Quote]:
    found: list[Quote] = []
    stack = list(reversed(nodes))
    while stack:
        n = stack.pop()
        if isinstance(n, Quote):
            found.append(n)
        elif isinstance(n, El):
            stack.extend(reversed(n.children))
    return found


def plain_text(text: str, limit: int | None = None) -> str:
    """The words of some DLE HTML as plain text, line breaks kept (a lead, a profile's "about")."""
    text, _hidden = _bbcode((text or "").replace("\x00", ""))
    text = re.sub(r"<br\s*/?>|</p>|</div>", "\n", text, flags=re.I)
    lines = [_text_of(_Reader("").walk(_parse(line))) for line in text.split("\n")]
    out = "\n".join(ln for ln in lines if ln).strip()
    if limit and len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out
