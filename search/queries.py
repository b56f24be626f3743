"""Searching: articles a reader may see, comments a searcher may read, a page at a time.

Who may read what is the models' rule (Article.objects.published(),
Comment.objects.readable_by); the index only narrows it. Pages are counted by looking one
result past the page (never a count of every match: a common word matches half a million
comments), and go no further than MAX_PAGE."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Member
from core.text import fold
from discussion import threads
from discussion.models import Comment
from newsroom.models import Article, Section
from search import sql
from search.index import comment_config
from search.languages import query_configs
from search.words import MARK_CLOSE, MARK_GAP, MARK_OPEN, Query, marked, plain_text, snippet, stem

PER_PAGE = 20
ARTICLES_BESIDE_COMMENTS = 5  # publications shown above the comments when both kinds are asked for
MAX_PAGE = 50  # pages a search goes to: past a thousand results a reader narrows the search instead
MODERATION_STATUSES = [s for s, _label in Comment.Status.choices]


@dataclass
class Filters:
    section: Section | None = None
    section_slug: str = ""
    author: str = ""
    since: date | None = None
    until: date | None = None
    status: str = ""  # moderators' search only
    errors: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.section_slug or self.author or self.since or self.until or self.status)


def _day(raw: str, errors: list[str]) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10]) if len(raw) == 10 else date.fromisoformat("x")
    except ValueError:
        message = _("Dates are written as year-month-day, such as 2021-05-14.")
        if message not in errors:
            errors.append(message)
        return None


def read_filters(params, *, moderation: bool = False) -> Filters:
    f = Filters(errors=[])
    f.section_slug = (params.get("section") or "").strip()[:80]
    if f.section_slug:
        f.section = Section.objects.filter(slug=f.section_slug).first()
        if f.section is None:
            f.errors.append(_("There is no such section; every section was searched."))
            f.section_slug = ""
    f.author = (params.get("author") or "").replace("\x00", "").strip()[:150]
    f.since, f.until = _day(params.get("from", ""), f.errors), _day(params.get("to", ""), f.errors)
    if f.since and f.until and f.since > f.until:
        f.since, f.until = f.until, f.since
    if moderation:
        status = params.get("status") or ""
        f.status = status if status in MODERATION_STATUSES else ""
    return f


def _bounds(f: Filters) -> tuple[datetime | None, datetime | None]:
    """The date range as times in the site's zone: from the first day's start to the last's end."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(f.since, time.min, tzinfo=zone) if f.since else None
    end = datetime.combine(f.until + timedelta(days=1), time.min, tzinfo=zone) if f.until else None
    return start, end


@dataclass
class Page:
    hits: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


@dataclass
class CommentHit:
    comment: Comment
    snippet: str
    url: str


@dataclass
class ArticleHit:
    article: Article
    snippet: str


def _window(qs, number: int, per_page: int) -> tuple[list, bool]:
    start = (number - 1) * per_page
    with sql.time_limit(qs.db):
        rows = list(qs[start:start + per_page + 1])
    return rows[:per_page], len(rows) > per_page


def _snippets(texts: list[tuple[str, str]], query: Query) -> list[str]:
    """HTML snippets of (configuration, plain text) each, the query's words marked."""
    if connection.vendor == "postgresql":
        out = []
        for (_config, text), headline in zip(texts, sql.headlines(texts, query, (MARK_OPEN, MARK_CLOSE, MARK_GAP)),
                                             strict=True):
            bare = headline.translate({ord(MARK_OPEN): None, ord(MARK_CLOSE): None}).strip()
            html = marked(headline)
            if bare and not text.lstrip().startswith(bare[:40]):
                html = "… " + html
            if bare and not text.rstrip().endswith(bare[-40:]):
                html += " …"
            out.append(html)
        return out
    words = query.positive_words()
    out = []
    for config, text in texts:
        out.append(snippet(text, config, {stem(w, config) for w in words}))
    return out


def comments(viewer, query: Query, f: Filters, number: int = 1, *, moderation: bool = False,
             per_page: int | None = None) -> Page:
    """Comments the query finds, newest first. On the public page only what a reader is shown
    on the discussion (public comments, and the searcher's own awaiting moderation) of
    published articles, whatever the searcher's role; in the moderation area every comment a
    moderator may read, with its status."""
    number, per_page = min(max(1, number), MAX_PAGE), per_page or PER_PAGE
    qs = Comment.objects.readable_by(viewer)
    if not moderation:
        shown = Q(status=Comment.Status.VISIBLE)
        if viewer is not None and viewer.is_authenticated:
            shown |= Q(status=Comment.Status.HELD, author_id=viewer.pk)
        now = timezone.now()
        qs = qs.filter(shown, article__state__in=Article.SHOWN, article__published_at__lte=now)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.section is not None:
        qs = qs.filter(article__section_id=f.section.pk)
    if f.author:
        member = Member.objects.filter(login_folded=fold(f.author)).only("id").first()
        if member is None:
            return Page([], number, False)
        qs = qs.filter(author_id=member.pk)
    start, end = _bounds(f)
    if start:
        qs = qs.filter(created__gte=start)
    if end:
        qs = qs.filter(created__lt=end)
    qs = qs.select_related("author", "article", "article__section").only(
        "id", "body", "body_html", "status", "created", "author_id", "article_id", "root_id",
        "author__login", "author__real_name", "author__is_deleted",
        "article__title", "article__slug", "article__comment_count", "article__section__name",
        "article__section__slug", "article__state", "article__published_at", "article__language")
    rows, more = _window(sql.match_comments(qs, query, query_configs()), number, per_page)
    texts = [(comment_config(c.article), plain_text(c.body_html) if c.body else "") for c in rows]
    pages: dict[int, dict[int, int]] = {}
    hits = []
    for c, snip in zip(rows, _snippets(texts, query), strict=True):
        hits.append(CommentHit(c, snip, permalink(c, pages)))
    return Page(hits, number, more)


def permalink(c: Comment, pages: dict[int, dict[int, int]] | None = None) -> str:
    """The comment's address on the page of its discussion that shows it (a long discussion
    is shown by pages of top-level comments with their replies). `pages` keeps each long
    discussion's pages for the other results on it."""
    from discussion.page import paged

    base = c.article.get_absolute_url()
    if not paged(c.article):
        return f"{base}#c{c.pk}"
    pages = {} if pages is None else pages
    if c.article_id not in pages:
        pages[c.article_id] = threads.root_pages(c.article_id)
    n = pages[c.article_id].get(c.root_id or c.pk, 1)
    return f"{base}?p={n}#c{c.pk}" if n > 1 else f"{base}#c{c.pk}"


def articles(query: Query, f: Filters, number: int = 1, per_page: int | None = None) -> Page:
    """Published articles the query finds, the best match first."""
    number, per_page = min(max(1, number), MAX_PAGE), per_page or PER_PAGE
    qs = Article.objects.published()
    if f.section is not None:
        qs = qs.filter(section_id=f.section.pk)
    if f.author:
        qs = qs.filter(Q(author__slug=f.author) | Q(author__member__login_folded=fold(f.author)))
    start, end = _bounds(f)
    if start:
        qs = qs.filter(published_at__gte=start)
    if end:
        qs = qs.filter(published_at__lt=end)
    qs = qs.select_related("section", "author").only(
        "id", "title", "slug", "lead", "body_html", "published_at", "views", "comment_count",
        "language", "section__name", "section__slug", "author__name", "author__slug")
    rows, more = _window(sql.match_articles(qs, query, query_configs()), number, per_page)
    texts = [(comment_config(a), " ".join(filter(None, [a.lead, plain_text(a.body_html)]))) for a in rows]
    return Page([ArticleHit(a, s) for a, s in zip(rows, _snippets(texts, query), strict=True)], number, more)
