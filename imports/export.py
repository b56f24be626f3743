"""Veche's own export: the whole site as JSON Lines, and one member's data.

The format is documented in docs/export-format.md. In short: one JSON object per line, each
with a "type"; a header first; then sections, tags, members, authors; then each article
followed by its comments, each comment followed by its votes and quotes; then the records
of the moderation app. Records refer to each other by stable keys — slugs, logins, and a
comment's "key" (its source_key, else "veche:<id>") — never by database ids, which a fresh
site assigns anew. Importing an export into an empty site and exporting again gives the same
file but for the header's time.

Everything is streamed: querysets are read in chunks, and only one article's comment keys
are held at a time.
"""

import json
import re
from urllib.parse import quote

from django.db import transaction
from django.utils import timezone

from accounts.models import Member
from discussion.models import Comment, Quote, Vote
from imports.rows import comment_key, iso, moderation_models, row_record, stable_ref
from newsroom.models import Article, Author, Section, Tag

FORMAT = "veche-export"
VERSION = 1
CHUNK = 2000  # rows fetched per query while streaming

_QUOTE_REF = re.compile(r"\[quote=c(\d{1,12})\]")
KEY_SAFE = ":/-._~@+"  # left as they are when a key is written into a quote marker


def body_with_keys(body: str, keys: dict[int, str]) -> str:
    """A comment's Markdown with "[quote=c<id>]" written as "[quote=key:<key>]" — ids change
    between sites, keys do not. A reference outside the article becomes "c0", which names no
    comment, exactly as it named none before (quotes only link within their article)."""
    def repl(m: re.Match) -> str:
        key = keys.get(int(m.group(1)))
        return f"[quote=key:{quote(key, safe=KEY_SAFE)}]" if key else "[quote=c0]"

    return _QUOTE_REF.sub(repl, body)


class _Writer:
    def __init__(self, stream):
        self.stream = stream
        self.counts: dict[str, int] = {}
        self._encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def write(self, record: dict) -> None:
        # U+2028/2029 are escaped so that no reader splitting on Unicode line ends breaks a record.
        line = self._encode(record).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        self.stream.write(line + "\n")
        self.counts[record["type"]] = self.counts.get(record["type"], 0) + 1


def member_record(m: Member, with_secrets: bool) -> dict:
    record = {
        "type": "member", "login": m.login, "real_name": m.real_name, "email": m.email,
        "about": m.about, "date_joined": iso(m.date_joined), "last_seen": iso(m.last_seen),
        "replies_seen_at": iso(m.replies_seen_at), "is_active": m.is_active,
        "is_staff": m.is_staff, "is_superuser": m.is_superuser, "is_deleted": m.is_deleted,
        "is_imported": m.is_imported, "import_key": m.import_key, "rating": m.rating,
        "comment_count": m.comment_count, "language": m.language, "profile_indexable": m.profile_indexable,
    }
    if with_secrets:
        record["password"] = m.password
    return record


def article_record(a: Article) -> dict:
    return {
        "type": "article", "slug": a.slug, "title": a.title, "lead": a.lead, "body": a.body,
        "section": a.section.slug, "author": a.author.slug if a.author else None,
        "tags": sorted(t.slug for t in a.tags.all()), "state": a.state,
        "published_at": iso(a.published_at), "source_url": a.source_url, "views": a.views,
        "comment_count": a.comment_count, "comments_open": a.comments_open,
        "comments_close_after_days": a.comments_close_after_days, "premoderated": a.premoderated,
    }


def _article_thread(w: _Writer, article: Article) -> None:
    keys = {pk: comment_key(pk, sk) for pk, sk in
            Comment.objects.filter(article=article).values_list("id", "source_key").iterator(chunk_size=CHUNK)}
    votes = iter(Vote.objects.filter(comment__article=article).order_by("comment_id", "id")
                 .values_list("comment_id", "voter__login", "value", "counted", "created")
                 .iterator(chunk_size=CHUNK))
    quotes = iter(Quote.objects.filter(comment__article=article).order_by("comment_id", "id")
                  .values_list("comment_id", "source_comment_id", "source_anchor", "text")
                  .iterator(chunk_size=CHUNK))
    vote, quote_row = next(votes, None), next(quotes, None)
    comments = (Comment.objects.filter(article=article).order_by("id")
                .values_list("id", "parent_id", "author__login", "depth", "body", "status", "created",
                             "edited", "plus", "minus", "moderation_reason")
                .iterator(chunk_size=CHUNK))
    for pk, parent, login, depth, body, status, created, edited, plus, minus, reason in comments:
        key = keys[pk]
        w.write({
            "type": "comment", "key": key, "article": article.slug,
            "parent": keys.get(parent) if parent else None, "author": login, "depth": depth,
            "status": status, "created": iso(created), "edited": iso(edited), "plus": plus,
            "minus": minus, "moderation_reason": reason, "body": body_with_keys(body, keys),
        })
        while vote is not None and vote[0] == pk:
            w.write({"type": "vote", "comment": key, "voter": vote[1], "value": vote[2],
                     "counted": vote[3], "created": iso(vote[4])})
            vote = next(votes, None)
        while quote_row is not None and quote_row[0] == pk:
            source = quote_row[1]
            w.write({"type": "quote", "comment": key,
                     "source_comment": keys.get(source) or stable_ref(Comment, source),
                     "source_anchor": quote_row[2], "text": quote_row[3]})
            quote_row = next(quotes, None)


def write_export(stream, with_secrets: bool = False) -> dict[str, int]:
    """Write the whole site to `stream` (text); returns the number of records of each type.
    Runs in one transaction, for one consistent snapshot where the database gives it."""
    w = _Writer(stream)
    with transaction.atomic():
        w.write({"type": FORMAT, "version": VERSION, "exported": iso(timezone.now()),
                 "secrets": with_secrets})
        for s in Section.objects.order_by("id").iterator(chunk_size=CHUNK):
            w.write({"type": "section", "slug": s.slug, "name": s.name, "description": s.description,
                     "position": s.position, "premoderated": s.premoderated})
        for t in Tag.objects.order_by("id").iterator(chunk_size=CHUNK):
            w.write({"type": "tag", "slug": t.slug, "name": t.name})
        for m in Member.objects.order_by("id").iterator(chunk_size=CHUNK):
            w.write(member_record(m, with_secrets))
        for a in Author.objects.select_related("member").order_by("id").iterator(chunk_size=CHUNK):
            w.write({"type": "author", "slug": a.slug, "name": a.name, "bio": a.bio,
                     "member": a.member.login if a.member else None})
        articles = (Article.objects.select_related("section", "author").prefetch_related("tags")
                    .order_by("id").iterator(chunk_size=200))
        for article in articles:
            w.write(article_record(article))
            _article_thread(w, article)
        for model in moderation_models():
            for obj in model._default_manager.order_by("pk").iterator(chunk_size=CHUNK):
                w.write(row_record(obj))
    return w.counts


# --- One member's data ("download my data") -------------------------------------------

def member_data(member: Member) -> dict:
    """Everything Veche holds about `member` that is theirs to take: the profile, their
    comments (with the article each belongs to) and their votes. Held in memory: one
    member's share of the site."""
    profile = member_record(member, with_secrets=False)
    for internal in ("type", "import_key", "is_staff", "is_superuser", "is_active", "replies_seen_at"):
        profile.pop(internal, None)
    comments = [{
        "id": c.pk, "article": c.article.slug, "article_title": c.article.title,
        "url": c.get_absolute_url(), "parent": c.parent_id, "status": c.status,
        "created": iso(c.created), "edited": iso(c.edited), "plus": c.plus, "minus": c.minus,
        "moderation_reason": c.moderation_reason, "body": c.body,
    } for c in Comment.objects.filter(author=member).select_related("article").order_by("id")]
    votes = [{
        "comment": v.comment_id, "article": v.comment.article.slug, "value": v.value,
        "created": iso(v.created),
    } for v in Vote.objects.filter(voter=member).select_related("comment__article").order_by("id")]
    return {"format": "veche-member-data", "version": VERSION, "exported": iso(timezone.now()),
            "profile": profile, "comments": comments, "votes": votes}
