"""What search engines and link previews read of a page: its canonical address, a description,
OpenGraph and Twitter card tags, and schema.org structured data (JSON-LD).

All of it is the same for every reader of a page. The article page is kept whole for anonymous
readers and as a member skeleton under the article's page generation (docs/caching.md), so
nothing of one reader's goes in here, and everything here changes only with the article or its
discussion. The structured data lists public comments only (`Comment.objects.public()`:
visible, on a published article): a held, removed or deleted comment's text never appears,
whoever asks — an editor previewing a draft included."""

import json
import re
from html import unescape
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, to_locale

from core.memo import Memo

# What result pages and link previews show of a description before they cut it themselves.
DESCRIPTION_CHARS = 160
# A comment's text in the structured data: enough to say what it says; the page has the rest.
COMMENT_TEXT_CHARS = 500


def site_url() -> str:
    return settings.VECHE_SITE_URL.rstrip("/")


def absolute(path: str) -> str:
    """An address of this site as the world knows it (VECHE_SITE_URL), whatever host the
    request came by."""
    return site_url() + path


def site_parts() -> tuple[str, str]:
    """(scheme, host with any path prefix) of VECHE_SITE_URL, as Django's sitemaps want them."""
    parts = urlsplit(site_url())
    return parts.scheme or "https", parts.netloc + parts.path


def paged_url(path: str, page: int, name: str = "p") -> str:
    """The canonical address of a page of something: page 1 is the bare address; every other
    page is its own, so what it alone shows (comments, older articles) stays findable."""
    return absolute(path) + (f"?{name}={page}" if page > 1 else "")


_TAG = re.compile(r"<[^>]*>")


def markup_words(html: str, limit: int) -> str:
    """The first words of markup Veche's sanitiser wrote (an article's body, a comment's text)
    as a reader sees them, on one line, at least `limit` characters of them where there are:
    its tags cut by a pattern rather than parsed (Django's strip_tags, an HTML parser in Python,
    cost 8 ms for a hundred comments of a page rendered from nothing and half a millisecond for
    an article's description), as strip_tags cuts them (its blocks are lines apart already, and
    a tag inside a word or before a comma leaves no space). Only the start is read: eight times
    `limit`, four times more while that holds fewer words (a figure or long links first), a tag
    cut in two where the reading stops left out."""
    html = html or ""
    size = limit * 8
    while True:
        read = html[:size]
        whole = len(read) == len(html)
        if not whole:
            opened = read.rfind("<")
            if opened > read.rfind(">"):
                read = read[:opened]
        words = " ".join(unescape(_TAG.sub("", read)).split())
        if whole or len(words) > limit:
            return words
        size *= 4


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word's end, with an ellipsis."""
    return _cut(" ".join((text or "").split()), limit)


def _cut(text: str, limit: int) -> str:
    """shorten() of a text whose spaces are single already."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:—–-") + "…"


def iso(moment, zone=None) -> str:
    """`moment` in the site's zone (or `zone`, looked up once by a caller writing many: each
    lookup reads a context-local variable), to the second, as ISO 8601."""
    return timezone.localtime(moment, zone).replace(microsecond=0).isoformat()


def modified_at(article):
    """When the article itself last changed: its last edit, or its publication when it was
    never edited (or was edited before it came out, as a scheduled article is)."""
    if article.updated_at and article.updated_at > article.published_at:
        return article.updated_at
    return article.published_at


def json_ld(data: dict) -> SafeString:
    """A <script type="application/ld+json"> element holding `data`. <, > and & are written as
    JSON escapes (as Django's json_script does), so no text in it — a comment's, a title's —
    can close the element or open another: "</script>" becomes "\\u003C/script\\u003E".
    The element is data, never run, so the Content-Security-Policy's script-src 'self' is kept."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _ESCAPES:  # str.replace: str.translate took 7 ms for a hundred comments
        if char in text:
            text = text.replace(char, escaped)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"),
            # Valid in JSON, but line ends to an older JavaScript parser reading the page.
            ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def publisher() -> dict:
    return {"@type": "Organization", "name": settings.VECHE_SITE_NAME, "url": absolute("/")}


def head(*, title: str, description: str, canonical: str, kind: str = "website",
         noindex: bool = False, **extra) -> dict:
    """What the head's tags say of a page (newsroom/_head.html)."""
    return {"title": title, "description": description, "canonical": canonical, "type": kind,
            "site_name": settings.VECHE_SITE_NAME, "locale": to_locale(get_language() or settings.LANGUAGE_CODE),
            "noindex": noindex, **extra}


# Where the article page's JSON-LD goes: spliced into the rendered page (newsroom.views), as
# the thread is, so its comments' text is not held by the template's context, whose
# dictionaries refer to each other and wait for the collector's next full pass. It is the
# page's first occurrence: nothing before it in the head is written unescaped.
JSON_LD_SLOT = "<!--veche:json-ld-->"


def absolute_media(url: str) -> str:
    """An uploaded file's address as the world knows it: a bucket's is absolute already."""
    return url if urlsplit(url).scheme else absolute(url)


def article_head(article, tags, page: int, order: str = "oldest", lead_image=None) -> tuple[dict, bytes]:
    """The head of an article page showing page `page` of its discussion in `order`. Every
    discussion page is canonical to itself (page 1 to the bare address), so comments on later
    pages of a long discussion stay in search; the order a reader chose is not in it (the
    oldest-first pages hold every comment once). The structured data lists the comments this
    very page shows, as search engines want it to say what the page says.
    (What the head's tags say, the JSON-LD element to put at JSON_LD_SLOT.)"""
    path = article.get_absolute_url()
    canonical = paged_url(path, page)
    here = canonical if order == "oldest" else absolute(path) + "?" + urlencode(
        {"order": order, **({"p": page} if page > 1 else {})})
    description = shorten(article.lead, DESCRIPTION_CHARS) if article.lead.strip() else \
        _cut(markup_words(article.body_html, DESCRIPTION_CHARS), DESCRIPTION_CHARS)
    published, modified = iso(article.published_at), iso(modified_at(article))
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": description,
        "url": absolute(article.get_absolute_url()),
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "datePublished": published,
        "dateModified": modified,
        "author": ({"@type": "Person", "name": article.author.name,
                    "url": absolute(article.author.get_absolute_url())}
                   if article.author else publisher()),
        "publisher": publisher(),
        "articleSection": article.section.name,
        "keywords": [t.name for t in tags],
        "inLanguage": settings.LANGUAGE_CODE,
        "isAccessibleForFree": True,
        "discussionUrl": canonical + "#comments",
        "commentCount": article.comment_count,
        "comment": [_comment_item(c, here) for c in public_comments(article, page, order)],
    }
    image = None
    if lead_image is not None:  # (newsroom.images.LeadImage)
        image = {"url": absolute_media(lead_image.url), "width": lead_image.width,
                 "height": lead_image.height, "alt": lead_image.alt, "type": lead_image.mime}
        data["image"] = {"@type": "ImageObject", "url": image["url"], "width": image["width"],
                         "height": image["height"]}
    return head(title=article.title, description=description, canonical=canonical, kind="article",
                noindex=not article.is_visible(), published=published, modified=modified,
                section=article.section.name, tags=[t.name for t in tags], image=image,
                json_ld=mark_safe(JSON_LD_SLOT)), json_ld(data).encode()  # noqa: S308  our marker, no text


def _comment_item(c: tuple, page_url: str) -> dict:
    pk, name, created, text, plus, minus = c
    return {"@type": "Comment", "@id": f"{page_url}#c{pk}", "url": f"{page_url}#c{pk}",
            "author": {"@type": "Person", "name": name}, "dateCreated": created, "text": text,
            "upvoteCount": plus, "downvoteCount": minus}


def public_comments(article, page: int, order: str = "oldest") -> tuple[tuple, ...]:
    """(id, author's login, created, plain text, plus, minus) of the public comments on page
    `page` of the article's discussion in `order`, oldest first, at most
    discussion.page.STRUCTURED_COMMENTS: taken from the shared thread of that page, which
    the page itself was just rendered from (a discussion shown whole holds the same comments
    in every order). Nothing for an article readers may not see yet (an editor's preview):
    its comments are nobody's to read, and that answer is not kept, since the article's
    publication moves its page generation but not its thread version."""
    if not article.is_visible():
        return ()
    return _comments.get_or_make((article.pk, article.thread_version, order, page),
                                 lambda: _load_public(article, page, order))


def _load_public(article, page: int, order: str) -> tuple[tuple, ...]:
    from discussion import page as discussion_page

    rows = discussion_page.shared_parts(article, order, page)[5]  # (their times ISO 8601 already)
    return tuple((pk, login, created, _cut(markup_words(html, COMMENT_TEXT_CHARS), COMMENT_TEXT_CHARS), plus, minus)
                 for pk, login, created, html, plus, minus in rows)




def _weight(value: tuple) -> int:
    return sum(len(c[3]) + 100 for c in value)


# (article, thread version, order, page) → its public comments for the structured data. The thread
# version names every change a comment's text, votes, status or author's name may make.
_comments: Memo[tuple] = Memo("structured-comments", items=2_000, max_bytes=64 * 2**20, weigh=_weight)


def listing_head(request, page_obj, title: str, description: str) -> dict:
    """The head of a listing (the front, a section, a tag, an author): each of its pages is
    canonical to itself, page 1 to the bare address."""
    return head(title=title, description=shorten(description, DESCRIPTION_CHARS),
                canonical=paged_url(request.path, page_obj.number, "page"))
