"""HTML from other comment systems, as the Markdown Veche stores.

Comments keep what the comment renderer knows — paragraphs, line breaks, emphasis, links,
block quotes and inline code; an article (`article=True`) also keeps headings, lists and
code blocks. Everything else becomes its text, escaped, so a tag or an entity in the source
can only ever come out as the characters a reader saw. The output still goes through the
normal renderer and nh3: this module's job is fidelity, safety does not rest on it alone.

`autop=True` reads text the way WordPress shows it: a blank line starts a paragraph and a
single newline is a line break (WordPress stores posts and comments without <p> tags).
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

MAX_QUOTE_DEPTH = 5  # deeper source quotes are flattened; nobody reads a sixth level
LINK_SCHEMES = {"http", "https", "mailto"}

_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "figure",
    "figcaption", "address", "center", "details", "summary", "dl", "dt", "dd", "table", "thead",
    "tbody", "tfoot", "tr", "caption", "form", "fieldset", "hr", "li", "ul", "ol", "pre",
    "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
}
_SKIP = {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
         "head", "title", "select", "textarea"}
_EMPHASIS = {"em": "*", "i": "*", "cite": "*", "dfn": "*", "var": "*", "strong": "**", "b": "**"}
_CODE = {"code", "kbd", "samp", "tt"}
_HEADING = {"h1": "## ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "#### ", "h6": "#### "}

_ESCAPE = re.compile(r"([\\`*_\[\]<>&])")
_SPACE = re.compile(r"[ \t\r\n\f]+")  # not NBSP: a non-breaking space is content
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f]*\n")
# Line starts that CommonMark (articles) would read as a heading, list or rule.
_ARTICLE_LINE_START = re.compile(r"^(?:(#{1,6})(?=\s|$)|([-+=])|(\d{1,9})([.)]))")
_BR = "\x00br\x00"  # a hard line break inside inline text; NUL never survives from a source


def escape(text: str) -> str:
    """Plain text as Markdown that renders to exactly that text."""
    return _ESCAPE.sub(r"\\\1", text)


def safe_href(href: str) -> str | None:
    """An absolute http(s)/mailto URL, or None. Tabs, newlines and controls are dropped first
    and the ends trimmed, as browsers do, so "java\\nscript:" cannot pass as a relative link."""
    cleaned = "".join(ch for ch in href if ch >= " " and ch != "\x7f").strip(" ")
    if cleaned.startswith("//"):
        cleaned = "https:" + cleaned
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return None
    return cleaned if scheme in LINK_SCHEMES else None


def _destination(url: str) -> str:
    for ch, code in (("\\", "%5C"), ("<", "%3C"), (">", "%3E"), (" ", "%20")):
        url = url.replace(ch, code)
    return f"<{url}>"


class _Converter(HTMLParser):
    def __init__(self, article: bool, autop: bool):
        super().__init__(convert_charrefs=True)
        self.article = article
        self.autop = autop
        # (quote depth, marker, lines, raw, list number): items of one list stay together
        self.blocks: list[tuple[int, str, list[str], bool, int]] = []
        self.frames: list[list[str]] = [[]]  # inline frames: [0] is the paragraph
        self.open: list[tuple[str, str | None]] = []  # open inline tags, with a link's href
        self.quote = 0
        self.skip = 0
        self.pre: list[str] | None = None
        self.lists: list[list] = []  # [tag, next item number, list number]
        self.list_serial = 0
        self.marker = ""
        self.quote_overflow = 0  # blockquotes past MAX_QUOTE_DEPTH, read as plain blocks

    # --- blocks ---------------------------------------------------------------------
    def _flush(self) -> None:
        # An inline element left open across a block boundary is closed here and opened
        # again after it, so emphasis never leaks into the next paragraph.
        reopened = []
        while len(self.frames) > 1:
            tag, href = self.open.pop()
            self._close_frame(tag, href)
            reopened.append((tag, href))
        text = "".join(self.frames[0])
        self.frames = [[]]
        for tag, href in reversed(reopened):
            self.open.append((tag, href))
            self.frames.append([])
        lines = [_SPACE.sub(" ", ln).strip() for ln in text.split(_BR)]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        chunk: list[str] = []
        for line in [*lines, ""]:
            if line:
                chunk.append(line)
            elif chunk:
                serial = self.lists[-1][2] if self.marker and self.lists else 0
                self.blocks.append((self.quote, self.marker, chunk, False, serial))
                self.marker = ""
                chunk = []

    def _start_block(self, tag: str, attrs: dict) -> None:
        self._flush()
        if tag == "blockquote":
            self.quote += 1
        elif tag in ("ul", "ol"):
            self.list_serial += 1
            self.lists.append([tag, 1, self.list_serial])
        elif tag == "li":
            indent = "   " * max(len(self.lists) - 1, 0)
            if self.lists and self.lists[-1][0] == "ol":
                self.marker = f"{indent}{self.lists[-1][1]}. "
                self.lists[-1][1] += 1
            else:
                self.marker = f"{indent}- "
        elif tag in _HEADING and self.article:
            self.marker = _HEADING[tag]
        elif tag == "pre":
            self.pre = []

    def _end_block(self, tag: str) -> None:
        if tag == "pre" and self.pre is not None:
            text = "".join(self.pre).strip("\n")
            self.pre = None
            if text.strip():
                self._code_block(text)
            return
        self._flush()
        if tag == "blockquote" and self.quote:
            self.quote -= 1
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()

    def _code_block(self, text: str) -> None:
        lines = text.replace("\r\n", "\n").split("\n")
        if self.article:
            fence = "```"
            while fence in text:
                fence += "`"
            self.blocks.append((self.quote, "", [fence, *lines, fence], True, 0))
        else:
            kept = [escape(ln.strip()) for ln in lines if ln.strip()]
            if kept:
                self.blocks.append((self.quote, "", kept, False, 0))

    # --- inline ---------------------------------------------------------------------
    def _close_frame(self, tag: str, href: str | None) -> None:
        content = "".join(self.frames.pop())
        target = self.frames[-1]
        if tag in _EMPHASIS:
            core = content.strip(" ")
            if not core.replace(_BR, "").strip():
                target.append(content)
                return
            lead = content[: len(content) - len(content.lstrip(" "))]
            trail = content[len(content.rstrip(" ")):]
            mark = _EMPHASIS[tag]
            target.append(f"{lead}{mark}{core}{mark}{trail}")
        elif tag in _CODE:
            raw = _SPACE.sub(" ", content.replace(_BR, " "))
            if not raw.strip():
                target.append(raw)
                return
            fence = "`"
            while fence in raw:
                fence += "`"
            pad = " " if raw.startswith("`") or raw.endswith("`") else ""
            target.append(f"{fence}{pad}{raw}{pad}{fence}")
        elif tag == "a":
            label = content.strip()
            if href is None:
                target.append(content)
            else:
                target.append(f"[{label or escape(href)}]({_destination(href)})")
        else:
            target.append(content)

    def _in(self, tags) -> bool:
        return any(tag in tags for tag, _ in self.open)

    # --- HTMLParser callbacks -------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        attrs = dict(attrs)
        if self.pre is not None:
            if tag == "br":
                self.pre.append("\n")
            return
        if tag in _BLOCK:
            if tag == "blockquote" and self.quote >= MAX_QUOTE_DEPTH:
                self.quote_overflow += 1
                self._flush()
                return
            self._start_block(tag, attrs)
        elif tag == "br":
            self.frames[-1].append(_BR)
        elif tag in ("td", "th"):
            self.frames[-1].append(" ")
        elif tag == "img":
            self._image(attrs)
        elif self._in(_CODE):
            return  # markup inside code is its text only
        elif tag in _EMPHASIS or tag in _CODE or (tag == "a" and not self._in({"a"})):
            href = safe_href(attrs.get("href") or "") if tag == "a" else None
            self.open.append((tag, href))
            self.frames.append([])

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(self.skip - 1, 0)
            return
        if self.skip:
            return
        if self.pre is not None and tag != "pre":
            return
        if tag in _BLOCK:
            if tag == "blockquote" and self.quote_overflow:
                self.quote_overflow -= 1
                self._flush()
                return
            self._end_block(tag)
        elif any(t == tag for t, _ in self.open):
            while self.open:
                open_tag, href = self.open.pop()
                self._close_frame(open_tag, href)
                if open_tag == tag:
                    break

    def handle_data(self, data):
        if self.skip:
            return
        if self.pre is not None:
            self.pre.append(data)
            return
        if self._in(_CODE):
            self.frames[-1].append(data)
            return
        if not self.autop:
            self.frames[-1].append(escape(data))
            return
        parts = _PARAGRAPH_BREAK.split(data)
        for i, part in enumerate(parts):
            if i:
                self._flush()
            self.frames[-1].append(escape(part).replace("\n", _BR))

    def _image(self, attrs: dict) -> None:
        alt = _SPACE.sub(" ", attrs.get("alt") or "").strip()
        src = safe_href(attrs.get("src") or "")
        if src and src.split(":", 1)[0].lower() in ("http", "https") and not self._in({"a"}):
            self.frames[-1].append(f"[{escape(alt) or 'image'}]({_destination(src)})")
        elif alt:
            self.frames[-1].append(escape(alt))

    def result(self) -> str:
        self.close()
        if self.pre is not None:
            self._end_block("pre")
        while self.open:
            tag, href = self.open.pop()
            self._close_frame(tag, href)
        self._flush()
        return _assemble(self.blocks, self.article)


def _assemble(blocks, article: bool) -> str:
    out: list[str] = []
    prev_depth = prev_list = 0
    for depth, marker, lines, raw, in_list in blocks:
        if out and not (in_list and in_list == prev_list and depth == prev_depth):
            out.append(("> " * min(depth, prev_depth)).rstrip())
        quote = "> " * depth
        hang = " " * len(marker)
        for i, line in enumerate(lines):
            if not raw and article and not (i == 0 and marker):
                line = _ARTICLE_LINE_START.sub(_escape_line_start, line)
            if not raw and article and i < len(lines) - 1:
                line += "\\"  # CommonMark's hard line break
            out.append(quote + (marker if i == 0 else hang) + line)
        prev_depth, prev_list = depth, in_list
    return "\n".join(out)


def _escape_line_start(m: re.Match) -> str:
    if m.group(1):
        return "\\" + m.group(1)
    if m.group(2):
        return "\\" + m.group(2)
    return m.group(3) + "\\" + m.group(4)


def html_to_markdown(html: str, *, article: bool = False, autop: bool = False) -> str:
    """Convert an HTML fragment; returns "" for a fragment without text."""
    html = (html or "").replace("\x00", "")
    converter = _Converter(article, autop)
    converter.feed(html)
    return converter.result()
