"""Markdown to safe HTML, for article bodies and for comments.

Both pass through markdown-it (raw HTML disabled) and then nh3 with an allow-list, so the
stored HTML is safe even if a renderer bug let something through. Sanitising is idempotent:
`sanitise(sanitise(x)) == sanitise(x)` (a property test holds it to that).
"""

import hashlib
import html
import re
from collections.abc import Callable

import nh3
from django.templatetags.static import static
from markdown_it import MarkdownIt

from core.smilies import BY_CODE, SMILEY_PATH
from core.text import collapse_space

URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

COMMENT_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "img", "code", "cite"}
ARTICLE_TAGS = COMMENT_TAGS | {"h2", "h3", "h4", "ul", "ol", "li", "figure", "figcaption", "hr", "pre",
                               "picture", "source"}
_CLASSES = {"quote", "quote-source", "smiley", "quotation", "attribution", "image", "image-caption",
            "image-credit", "mention"}

# Comments: paragraphs, line breaks, emphasis, links, block quotes and inline code.
_comment_md = (
    MarkdownIt("zero", {"breaks": True, "html": False, "linkify": False, "maxNesting": 20})
    .enable(["paragraph", "newline", "emphasis", "link", "blockquote", "escape", "backticks",
             "autolink", "entity", "text_join"])
)
_article_md = MarkdownIt("commonmark", {"html": False, "maxNesting": 20}).disable(["image", "html_inline", "html_block"])


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "class":
        kept = [c for c in value.split() if c in _CLASSES]
        return " ".join(kept) or None
    if tag == "img" and attr == "src":
        return value if _smiley_src_ok(value) or _media_src_ok(value) else None
    if attr == "srcset":  # every candidate one of the site's media files
        return value if all(_media_src_ok(c.split()[0]) for c in value.split(",") if c.strip()) else None
    return value


def _media_src_ok(value: str) -> bool:
    """An address of the site's uploaded media (MEDIA_URL: local files, or a bucket's base
    address when the storage is S3-compatible): the only images an article body may show."""
    from django.conf import settings

    prefix = settings.MEDIA_URL or ""
    return bool(prefix) and value.startswith(prefix) and ".." not in value and '"' not in value


_STATIC_SMILEY_PREFIX: str | None = None


def _smiley_src_ok(value: str) -> bool:
    global _STATIC_SMILEY_PREFIX
    if _STATIC_SMILEY_PREFIX is None:
        _STATIC_SMILEY_PREFIX = static(SMILEY_PATH).rsplit("/", 2)[0] + "/"
    return value.startswith(_STATIC_SMILEY_PREFIX) and ".." not in value


def _cleaner(tags: set[str], with_ids: bool) -> Callable[[str], str]:
    attributes = {
        "a": {"href", "class", "title"},
        "img": {"src", "alt", "class", "width", "height", "title", "srcset", "sizes", "loading",
                "decoding"},
        "source": {"srcset", "sizes", "type"},
        "blockquote": {"class", "cite"},
        "p": {"class"},
        "figure": {"class"},
        "figcaption": {"class"},
        "cite": {"class"},
    }
    if with_ids:
        for tag in ("p", "h2", "h3", "h4", "figure", "figcaption", "blockquote", "li"):
            attributes.setdefault(tag, set()).add("id")

    def once(fragment: str) -> str:
        return nh3.clean(
            fragment,
            tags=tags,
            attributes=attributes,
            url_schemes=URL_SCHEMES,
            link_rel=LINK_REL,
            strip_comments=True,
            attribute_filter=_attribute_filter,
        )

    def clean(fragment: str) -> str:
        # One pass can leave a form that a second pass writes differently (attribute order
        # after a dropped attribute, say); repeating to the fixed point makes sanitising
        # idempotent, which stored HTML relies on when it is cleaned again on export.
        out = once(fragment)
        for _ in range(3):
            again = once(out)
            if again == out:
                break
            out = again
        return out

    return clean


sanitise_comment = _cleaner(COMMENT_TAGS, with_ids=False)
sanitise_article = _cleaner(ARTICLE_TAGS, with_ids=True)

_SMILEY_RE = re.compile(r"(?<![\w:]):([a-z]{2,10}):(?![\w:])")
# A quote block's first line, written by the Quote button: "[quote=c123]" quotes comment 123,
# "[quote=p-1a2b3c]" an article paragraph.
_QUOTE_HEAD_RE = re.compile(r"<blockquote>\s*<p>\[quote=(c\d{1,12}|p-[0-9a-f]{6,12}(?:-\d+)?|title)\](?:<br\s*/?>\s*|</p>\s*<p>|</p>)")
QUOTE_SOURCE_RE = re.compile(r"^\s*>\s*\[quote=(c\d{1,12}|p-[0-9a-f]{6,12}(?:-\d+)?|title)\]\s*$", re.M)


def _smilies(rendered: str) -> str:
    def repl(m: re.Match) -> str:
        smiley = BY_CODE.get(m.group(1))
        if smiley is None:
            return m.group(0)
        src = static(f"{SMILEY_PATH}{smiley.code}.svg")
        return f'<img class="smiley" src="{src}" alt="{smiley.alt}" title="{smiley.alt}" width="20" height="20">'

    # Only in text, never inside a tag or attribute: split on tags and touch the text parts.
    parts = re.split(r"(<[^>]*>)", rendered)
    in_code = False
    for i, part in enumerate(parts):
        if part.startswith("<"):
            if part.startswith("<code"):
                in_code = True
            elif part.startswith("</code"):
                in_code = False
            continue
        if not in_code and ":" in part:
            parts[i] = _SMILEY_RE.sub(repl, part)
    return "".join(parts)


SourceLabel = Callable[[str], tuple[str, str] | None]


def _quotes(rendered: str, describe: SourceLabel | None) -> str:
    def repl(m: re.Match) -> str:
        ref = m.group(1)
        found = describe(ref) if describe else None
        if found is None:
            return '<blockquote class="quote"><p>'
        href, label = found
        return (
            f'<blockquote class="quote"><p class="quote-source"><a class="quote-source" '
            f'href="{html.escape(href)}">{html.escape(label)}</a></p><p>'
        )

    out = _QUOTE_HEAD_RE.sub(repl, rendered)
    return out.replace("<p></p>", "")


# A mention: @login, or @"login with spaces" (a login has letters of any script, digits,
# spaces, - _ .). A bare one ends before a final dot or dash ("thanks @ivan." names ivan).
MENTION_RE = re.compile(r'(?<![\w@&])@(?:"([^"\n<>&]{2,32})"|(\w[\w.\-]{0,30}\w|\w))')
MENTIONS_LOOKED_UP = 20  # distinct names a comment's mentions are looked up for, at most

# Who a mention names: (their profile's address, their login), or None (no such member: the
# mention stays plain text). Core knows no members: the caller passes this in.
MentionLookup = Callable[[str], tuple[str, str] | None]


def mention_names(source: str) -> list[str]:
    """The distinct names a comment's text mentions, in order (at most MENTIONS_LOOKED_UP)."""
    seen: dict[str, None] = {}
    for m in MENTION_RE.finditer(source):
        seen.setdefault(m.group(1) or m.group(2), None)
        if len(seen) >= MENTIONS_LOOKED_UP:
            break
    return list(seen)


def _mentions(rendered: str, lookup: MentionLookup) -> str:
    def repl(m: re.Match) -> str:
        found = lookup(m.group(1) or m.group(2))
        if found is None:
            return html.escape(m.group(0), quote=False)
        href, login = found
        return f'<a class="mention" href="{html.escape(href)}">@{html.escape(login, quote=False)}</a>'

    # Only in text outside links and code: split on tags and touch the text parts.
    parts = re.split(r"(<[^>]*>)", rendered)
    inside = 0
    for i, part in enumerate(parts):
        if part.startswith("<"):
            if part.startswith(("<code", "<a ", "<a>")):
                inside += 1
            elif part.startswith(("</code", "</a")):
                inside = max(0, inside - 1)
            continue
        if not inside and "@" in part:
            text = html.unescape(part)
            out, last = [], 0
            for m in MENTION_RE.finditer(text):
                out.append(html.escape(text[last:m.start()], quote=False))
                out.append(repl(m))
                last = m.end()
            out.append(html.escape(text[last:], quote=False))
            parts[i] = "".join(out)
    return "".join(parts)


def render_comment(source: str, describe_source: SourceLabel | None = None,
                   mention: MentionLookup | None = None) -> str:
    """A comment's Markdown as sanitised HTML. `describe_source(ref)` gives, for a quote's
    source reference ("c12" or "p-…"), the link and the words that credit it; `mention(name)`
    the member an @mention names."""
    rendered = _comment_md.render(source)
    rendered = _quotes(rendered, describe_source)
    rendered = _smilies(rendered)
    if mention is not None and "@" in source:
        rendered = _mentions(rendered, mention)
    return sanitise_comment(rendered).strip()


def quote_sources(source: str) -> list[str]:
    """The source references of the quotes a comment's Markdown holds, in order."""
    return QUOTE_SOURCE_RE.findall(source)


# --- Articles ---------------------------------------------------------------------------

def paragraph_anchor(text: str, seen: dict[str, int]) -> str:
    """A stable anchor for a paragraph: from its words, so inserting another paragraph does
    not move it; a repeated paragraph gets a numeric suffix."""
    digest = hashlib.sha1(collapse_space(text).encode(), usedforsecurity=False).hexdigest()[:8]
    anchor = f"p-{digest}"
    n = seen.get(anchor, 0)
    seen[anchor] = n + 1
    return anchor if n == 0 else f"{anchor}-{n}"


# An image of the article's own, on a line of its own: `![alt text](image:12)`. The number is
# the image's id; the alt text written here is used when the image has none of its own.
IMAGE_REF_RE = re.compile(r"^!\[(?P<alt>[^\]\n]*)\]\(image:(?P<id>\d{1,12})\)$")
# Resolves an image reference (its id, the alt text written beside it) to the figure's HTML,
# or None when the article has no such image. Given by the caller (the app keeping images),
# so this module knows nothing of where images live.
ImageResolver = Callable[[int, str], str | None]


def render_article(source: str, images: ImageResolver | None = None) -> str:
    """An article body: Markdown with ids on every paragraph, and attributed quotations —
    a block quote whose last paragraph starts with "—" becomes a figure with a caption.
    A paragraph that is only an image reference becomes that image's figure when `images`
    knows it, and is left out when it does not (an image deleted since)."""
    tokens = _article_md.parse(source)
    seen: dict[str, int] = {}
    out = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "paragraph_open" and tok.level == 0:
            inline = tokens[i + 1]
            ref = IMAGE_REF_RE.match(inline.content.strip())
            if ref is not None:
                figure = images(int(ref.group("id")), ref.group("alt")) if images else None
                if figure:
                    block = tokens[i].__class__("html_block", "", 0)
                    block.content = figure + "\n"
                    out.append(block)
                i += 3  # the paragraph's open, inline and close
                continue
        if tok.type == "paragraph_open":
            tok.attrSet("id", paragraph_anchor(tokens[i + 1].content, seen))
        out.append(tok)
        i += 1
    tokens = out
    rendered = _article_md.renderer.render(tokens, _article_md.options, {})
    rendered = _ATTRIBUTION_RE.sub(_attribution, rendered)
    return sanitise_article(rendered)


_ATTRIBUTION_RE = re.compile(
    r"<blockquote>\n(?P<body>(?:(?!</blockquote>).)*?)<p id=\"(?P<id>[^\"]+)\">(?:—|--|-)\s*(?P<who>(?:(?!</p>).)+)</p>\n</blockquote>",
    re.S,
)


def _attribution(m: re.Match) -> str:
    return (
        f'<figure class="quotation"><blockquote>\n{m.group("body")}</blockquote>'
        f'<figcaption class="attribution" id="{m.group("id")}">— {m.group("who")}</figcaption></figure>'
    )


def article_paragraphs(body_html: str) -> list[tuple[str, str]]:
    """(anchor, plain text) of each paragraph of a rendered article, for quote matching."""
    out = []
    for m in re.finditer(r'<p id="([^"]+)">(.*?)</p>', body_html, re.S):
        text = html.unescape(re.sub(r"<[^>]+>", "", m.group(2)))
        out.append((m.group(1), collapse_space(text)))
    return out
