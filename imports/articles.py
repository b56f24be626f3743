"""Which article a source thread belongs to, and the placeholder made when none fits.

A thread imported before keeps its article (imports.common.write_thread finds it through
its comments). Otherwise, by the chosen `article_map`: "url" — Article.source_url, then the
URL's path against the article URLs; "title" — the exact title; "create" — a new
placeholder, or the one an earlier run made for the same URL.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify

from imports.common import Run
from imports.html2md import escape
from newsroom.actions import do_save_article
from newsroom.models import Article, Section

IMPORTED_SECTION = "Imported"
TITLE_MAX = 250
SLUG_MAX = 200  # of the 250 allowed, leaving room for a "-2" suffix


@dataclass
class ThreadInfo:
    key: str  # the thread's key within its source
    url: str = ""
    title: str = ""
    created: datetime | None = None


def by_url(url: str) -> Article | None:
    if not url:
        return None
    found = Article.objects.filter(source_url=url).order_by("id").first()
    if found:
        return found
    try:
        match = resolve(unquote(urlsplit(url).path) or "/")
    except (Resolver404, ValueError):
        return None
    if match.view_name != "newsroom:article":
        return None
    slug = match.kwargs.get("slug") or (match.args[0] if match.args else None)
    return Article.objects.filter(slug=slug).first() if slug else None


def match(run: Run, info: ThreadInfo) -> Article | None:
    """An existing article for the thread, or None (the caller creates one)."""
    mode, found = run.options.article_map, None
    if mode == "url":
        found = by_url(info.url)
    elif mode == "title" and info.title:
        found = Article.objects.filter(title=info.title).order_by("id").first()
    elif mode == "create" and info.url:
        # Only an article an import made for this URL: Veche's own articles have no source_url.
        found = Article.objects.filter(source_url=info.url).order_by("id").first()
    if found is not None:
        run.summary.articles_matched += 1
    return found


def unique_slug(text: str, fallback: str = "imported") -> str:
    base = slugify(text, allow_unicode=True)[:SLUG_MAX].strip("-") or fallback
    candidate, n = base, 1
    while Article.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def imported_section() -> Section:
    section, _ = Section.objects.get_or_create(slug="imported", defaults={"name": IMPORTED_SECTION})
    return section


def title_for(info: ThreadInfo) -> str:
    title = " ".join((info.title or "").split())
    if not title and info.url:
        parts = urlsplit(info.url)
        title = (parts.netloc + unquote(parts.path)).strip("/") or info.url
    return (title or f"Imported discussion {info.key}")[:TITLE_MAX]


def placeholder(run: Run, info: ThreadInfo, first_comment: datetime | None = None) -> Article:
    """A published article standing for a thread whose article Veche does not have."""
    title = title_for(info)
    where = info.url or title
    article = Article(
        title=title, slug=unique_slug(title), section=imported_section(),
        body=f"Imported discussion of {escape(where)}",
        state=Article.State.PUBLISHED, source_url=info.url[:500],
        published_at=info.created or first_comment or timezone.now(),
    )
    do_save_article(article)
    run.summary.articles_created += 1
    return article


def article_for(run: Run, info: ThreadInfo, first_comment: datetime | None = None) -> Article:
    return match(run, info) or placeholder(run, info, first_comment)
