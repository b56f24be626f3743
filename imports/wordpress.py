"""WordPress WXR (RSS 2.0 with the wp: namespace, any export/1.x version) → Veche.

Each <item> of post_type "post" (or with no post_type, as in old exports) becomes an
article — title, slug from wp:post_name, body from content:encoded turned into Markdown,
section from its first category, tags from its post_tag categories, author from dc:creator
— unless `article_map` finds it among Veche's articles already. Items of other types
(pages, attachments, menu entries) are taken only when they have comments.

Its <wp:comment>s become comments threaded by wp:comment_parent. comment_approved 1 →
visible, 0 → held, spam → removed ("spam"), trash → deleted; pingbacks and trackbacks are
not comments and are left out. Times are the *_gmt fields (UTC); a comment with only the
local wp:comment_date is read as UTC, with a warning.

An item is complete when its </item> closes, so items are written as they are read, one
transaction each: a file malformed half-way keeps the whole items before the fault (the
error names the line) and a re-run resumes. Unlike Disqus, nothing is repaired here.
"""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from django.utils import timezone
from django.utils.text import slugify

from imports import articles
from imports.common import Options, Run, Summary, short_key, write_thread
from imports.errors import ImportFormatError
from imports.html2md import html_to_markdown
from imports.records import SourceComment, Status, person
from imports.xmlstream import Record, XMLRecords, prefix_for
from newsroom.actions import do_save_article
from newsroom.models import Article, Author, Section, Tag

SOURCE = "wordpress"
_PATHS = {("rss", "channel", "item"), ("rss", "channel", "item", "wp:comment")}
_STATES = {"publish": Article.State.PUBLISHED, "future": Article.State.SCHEDULED}
_APPROVED = {"1": (Status.VISIBLE, ""), "0": (Status.HELD, ""), "spam": (Status.REMOVED, "spam"),
             "trash": (Status.DELETED, "")}
_NOT_COMMENTS = {"pingback", "trackback"}


def _gmt(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _published(item: Record) -> datetime | None:
    found = _gmt(item.text("wp:post_date_gmt"))
    if found is None and item.text("pubDate"):
        try:
            found = parsedate_to_datetime(item.text("pubDate"))
        except (TypeError, ValueError):
            found = None
    return found


def _comment(rec: Record, seq: int, run: Run) -> SourceComment | None:
    summary = run.summary
    cid = rec.text("wp:comment_id")
    if rec.text("wp:comment_type") in _NOT_COMMENTS:
        summary.skipped += 1
        return None
    if not cid:
        summary.skipped += 1
        summary.warn("a comment without wp:comment_id was left out", rec.line)
        return None
    created = _gmt(rec.text("wp:comment_date_gmt"))
    if created is None:
        created = _gmt(rec.text("wp:comment_date"))
        if created is None:
            summary.skipped += 1
            summary.warn(f"comment {cid} has no readable date; left out", rec.line)
            return None
        summary.warn(f"comment {cid} has only a local date; read as UTC", rec.line)
    approved = rec.text("wp:comment_approved", "1").lower()
    if approved not in _APPROVED:
        summary.warn(f"comment {cid} has comment_approved={approved[:20]!r}; held for moderation",
                     rec.line)
    status, reason = _APPROVED.get(approved, (Status.HELD, ""))
    parent = rec.text("wp:comment_parent")
    user_id = rec.text("wp:comment_user_id")
    return SourceComment(
        id=cid, parent=parent if parent not in ("", "0") else None,
        author=person(source_id=f"user-{user_id}" if user_id not in ("", "0") else None,
                      email=rec.text("wp:comment_author_email"), name=rec.text("wp:comment_author")),
        created=created, body=html_to_markdown(rec.raw("wp:comment_content").strip(), autop=True),
        status=status, reason=reason, line=rec.line, seq=seq,
    )


def _get_or_create(model, name: str, slug: str = ""):
    slug = slugify(slug or name, allow_unicode=True)[:80] or "imported"
    found = model.objects.filter(slug=slug).first()
    return found or model.objects.create(name=name[:80] or slug, slug=slug)


def _new_article(run: Run, item: Record, info: articles.ThreadInfo, first_comment) -> Article:
    categories = [(text.strip(), attrs) for text, attrs in item.all("category")]
    section = next((_get_or_create(Section, name, attrs.get("nicename", "")) for name, attrs in categories
                    if attrs.get("domain") == "category" and name), None)
    creator = item.text("dc:creator")
    author = None
    if creator:
        slug = slugify(creator, allow_unicode=True)[:120] or "author"
        author = Author.objects.filter(slug=slug).first() or Author.objects.create(name=creator[:120], slug=slug)
    title = articles.title_for(info)
    article = Article(
        title=title, slug=articles.unique_slug(item.text("wp:post_name") or title),
        body=html_to_markdown(item.raw("content:encoded"), article=True, autop=True),
        section=section or articles.imported_section(), author=author,
        state=_STATES.get(item.text("wp:status", "publish"), Article.State.DRAFT),
        published_at=info.created or first_comment or timezone.now(),
        source_url=info.url[:500], comments_open=item.text("wp:comment_status", "open") != "closed",
    )
    do_save_article(article)
    for name, attrs in categories:
        if attrs.get("domain") == "post_tag" and name:
            article.tags.add(_get_or_create(Tag, name, attrs.get("nicename", "")))
    run.summary.articles_created += 1
    return article


def _item(rec: Record, run: Run) -> None:
    kind = rec.text("wp:post_type", "post")
    comments = [c for seq, child in enumerate(rec.children) if (c := _comment(child, seq, run))]
    if kind != "post" and not comments:
        return
    ident = rec.text("wp:post_id") or rec.text("guid") or rec.text("link") or rec.text("title")
    info = articles.ThreadInfo(short_key(ident or f"line-{rec.line}"), rec.text("link"),
                               rec.text("title"), _published(rec))
    first = min((c.created for c in comments), default=None)

    def article() -> Article:
        return articles.match(run, info) or _new_article(run, rec, info, first)

    write_thread(run, info.key, article, comments)


def load(path, options: Options | None = None) -> Summary:
    run = Run(SOURCE, options)
    records = XMLRecords(path, _PATHS, run.summary.warn, repairs=False)
    checked = False
    for rec in records:
        if not checked:  # before the first item is written: a plain RSS feed is not an export
            if not any(prefix_for(uri) == "wp" for uri in records.namespaces):
                raise ImportFormatError("not a WordPress export: it declares no wp: namespace "
                                        "(http://wordpress.org/export/1.x/)", 1)
            checked = True
        _item(rec, run)
    if records.root not in (None, "rss"):
        raise ImportFormatError(f"not a WordPress export: the root element is <{records.root}>", 1)
    return run.summary
