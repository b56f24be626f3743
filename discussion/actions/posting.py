"""Posting: a comment checked (`check_post`, `check_import`) and written (`do_post`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, router, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core import statements
from core.errors import ActionError
from core.markup import MentionLookup, mention_names, quote_sources, render_comment
from core.text import strip_invisible
from discussion import live as discussion_live
from discussion import signals, sql
from discussion.actions.common import Status, count_public, lock_article
from discussion.models import BODY_MAX, Comment, Quote
from newsroom import versions
from newsroom.models import Article
from newsroom.versions import Change
from ops import metrics

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import Member

# What names and links a quote's source while a comment is rendered: (its link, its caption),
# or None when the source is not public.
Describe = Callable[[str], tuple[str, str] | None]


@dataclass
class Draft:
    """A checked comment, ready to be written."""

    body: str
    body_html: str
    parent: Comment | None
    status: str
    quotes: list[tuple[Comment | None, str, str]]  # (source comment, article anchor, text)


def clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not strip_invisible(body).strip():
        raise ActionError(_("The comment is empty: write something first."), field="body", code="empty")
    if len(body) > BODY_MAX:
        raise ActionError(
            _("A comment has at most %(max)s characters; this one has %(count)s.") % {
                "max": number_format(BODY_MAX, force_grouping=True),
                "count": number_format(len(body), force_grouping=True)},
            field="body", code="too_long", status=400,
        )
    return body


def describe_source(article: Article) -> Describe:
    """The function that names and links a quote's source while a comment is rendered. The
    words ("… wrote:") become part of the comment's stored text, shown to every reader: they
    are in the article's language (Article.language), whoever writes and reads it."""
    from django.utils import translation

    def describe(ref: str) -> tuple[str, str] | None:
        base = article.get_absolute_url()
        with translation.override(getattr(article, "language", None) or translation.get_language()):
            if ref.startswith("c"):
                # The rendered text is public: it names the author of a public comment only.
                src = (Comment.objects.filter(pk=int(ref[1:]), article=article, status=Comment.Status.VISIBLE)
                       .select_related("author").only("id", "author__login").first())
                if src is None:
                    return None
                return f"{base}#c{src.pk}", _("%(login)s wrote:") % {"login": src.author.login}
            if ref == "title":
                return f"{base}#article-title", _("From the article:")
            return f"{base}#{ref}", _("From the article:")

    return describe


def mention_lookup(body: str) -> MentionLookup | None:
    """Who the @mentions of `body` name, looked up in one query: active members, matched as
    logins are (case, width); a missing one stays plain text."""
    from django.urls import reverse

    from accounts.models import Member
    from core.text import fold

    names = mention_names(body)
    if not names:
        return None
    found = dict(Member.objects.filter(login_folded__in=[fold(n) for n in names], is_deleted=False,
                                       is_active=True).values_list("login_folded", "login"))

    def lookup(name: str) -> tuple[str, str] | None:
        login = found.get(fold(name))
        return (reverse("accounts:profile", args=[login]), login) if login else None

    return lookup


def quotes_in(article: Article, body: str) -> list[tuple[Comment | None, str, str]]:
    out: list[tuple[Comment | None, str, str]] = []
    refs = quote_sources(body)
    for ref in refs:
        if ref.startswith("c"):
            src = Comment.objects.filter(pk=int(ref[1:]), article=article).first()
            if src is not None:
                out.append((src, "", _quoted_text(body, ref)))
        else:
            out.append((None, ref, _quoted_text(body, ref)))
    return out


def _quoted_text(body: str, ref: str) -> str:
    lines = body.split("\n")
    marker = f"[quote={ref}]"
    for i, line in enumerate(lines):
        if line.lstrip("> ").strip() == marker:
            taken = []
            for nxt in lines[i + 1:]:
                if not nxt.lstrip().startswith(">"):
                    break
                taken.append(nxt.lstrip()[1:].strip())
            return "\n".join(taken).strip()
    return ""


def check_post(member: Member | AnonymousUser, article: Article, body: str,
               parent_id: int | None = None) -> Draft:
    """Validate a new comment; raises ActionError with a reason a person can act on."""
    from moderation import policy

    if not member.is_authenticated:
        raise ActionError(_("Sign in to comment."), status=401, code="signin")
    if not article.is_visible():
        raise ActionError(_("This publication does not exist."), status=404, code="not_found")
    reason = article.comments_closed_reason()
    if reason:
        raise ActionError(reason, status=403, code="closed")
    policy.check_may_comment(member)
    body = clean_body(body)
    parent: Comment | None = None
    if parent_id is not None:
        parent = Comment.objects.select_related("author", "article").filter(pk=parent_id).first()
        if parent is None or not parent.is_readable_by(member):  # a hidden one is not told apart
            raise ActionError(_("The comment you reply to does not exist (any more)."), code="no_parent",
                              field="parent")
        if parent.article_id != article.pk:
            raise ActionError(_("The comment you reply to belongs to another publication."),
                              code="wrong_article", field="parent")
        if parent.status not in (Status.VISIBLE,) and not (
            parent.status == Status.HELD and parent.author_id == member.pk
        ):
            raise ActionError(_("That comment cannot be replied to: it was removed."), code="parent_gone",
                              field="parent")
    status = policy.screen_comment(member, article, body)
    if parent is not None and parent.status == Status.HELD:
        # Under a comment readers do not see yet, a reply waits with it: shown now, it would
        # be public (and could quote the held text) while the thread above it is not.
        status = Status.HELD
    html = render_comment(body, describe_source(article), mention_lookup(body))
    return Draft(body, html, parent, status, quotes_in(article, body))


def preview_comment(member: Member | AnonymousUser, article: Article, body: str) -> str:
    """The markup a comment with this text would show, rendered as check_post renders it (the
    same cleaning, smilies, quotes' sources and sanitising); nothing is written. Its own rate
    limit (moderation.limits.PREVIEW), not the posting ones: a preview posts nothing."""
    from moderation import limits

    if not member.is_authenticated:
        raise ActionError("Sign in to comment.", status=401, code="signin")
    if not article.is_visible():
        raise ActionError("This publication does not exist.", status=404, code="not_found")
    body = clean_body(body)
    limits.hit_preview(member)
    return render_comment(body, describe_source(article))


def check_import(article: Article, body: str, parent: Comment | None, status: str = Status.VISIBLE) -> Draft:
    """A comment from an import: the text is checked and rendered like any other, but the
    rules for live members (sign-in, closed discussions, limits) do not apply."""
    body = clean_body(body)
    html = render_comment(body, describe_source(article), mention_lookup(body))
    return Draft(body, html, parent, status, quotes_in(article, body))


_columns: statements.Columns | None = None


def _inserting() -> statements.Columns:
    """The comment's row written by a statement written out (Comment has no save signals)."""
    global _columns
    if _columns is None:
        _columns = statements.Columns(Comment)
    return _columns


def _sent_before(member: Member, article: Article, idempotency_key: str) -> Comment | None:
    """The comment this member already posted on this article with this key (a retried post),
    through the key's unique index."""
    sent: Comment | None = Comment.objects.filter(author=member, article=article,
                                                  idempotency_key=idempotency_key).first()
    return sent


def do_post(member: Member, article: Article, draft: Draft, *, idempotency_key: str | None = None,
            created: datetime | None = None, source_key: str | None = None) -> Comment:
    """Write a checked comment. Caller may hold a transaction; this opens its own savepoint.
    A repeated `idempotency_key` returns the comment stored the first time."""
    if idempotency_key:
        existing = _sent_before(member, article, idempotency_key)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            lock_article(article.pk)
            comment = Comment(
                article=article,
                parent=draft.parent,
                root_id=(draft.parent.root_id or draft.parent.pk) if draft.parent else None,
                author=member,
                depth=draft.parent.depth + 1 if draft.parent else 0,
                body=draft.body,
                body_html=draft.body_html,
                status=draft.status,
                created=created or timezone.now(),
                idempotency_key=idempotency_key or None,
                source_key=source_key,
            )
            _inserting().insert(comment, router.db_for_write(Comment))
            for src, anchor, text in draft.quotes:
                Quote.objects.create(comment=comment, source_comment=src, source_anchor=anchor, text=text)
            if draft.status == Status.VISIBLE:
                # A reply to a comment that is no longer shown as it was (deleted since the
                # check, or an import's reply to a deleted one) may bring it back as a
                # placeholder, renumbering its siblings: read under the lock.
                brings_back = draft.parent is not None and statements.one(
                    sql.STATUS, [draft.parent.pk])[0] != Status.VISIBLE
                count_public(comment, +1, Change.ORDER if brings_back else Change.NEW_COMMENT)
            else:
                versions.changed(article.pk, Change.HELD_COMMENT)
            signals.comment_written.send(Comment, comment=comment, what=signals.POSTED, old_status=None)
    except IntegrityError:
        if idempotency_key:
            existing = _sent_before(member, article, idempotency_key)
            if existing is not None:
                return existing
        raise
    if draft.status == Status.VISIBLE:
        # Numbered once the article's lock is let go, so posts to one discussion queue on it
        # for less time. The number still is this comment's: later posts took the lock after
        # it, so their ids are higher, and the count stops at this id.
        discussion_live.comment_added(comment, draft.parent)
    return comment


def post_comment(member: Member | AnonymousUser, article: Article, body: str,
                 parent_id: int | None = None, **kw: Any) -> Comment:
    """check_post then do_post: what views and the API call."""
    from moderation import limits

    draft = check_post(member, article, body, parent_id)
    retried = bool(kw.get("idempotency_key") and _sent_before(member, article, kw["idempotency_key"]))
    if not retried:
        limits.hit_comment(member)  # a retried post is not a second comment
    comment = do_post(member, article, draft, **kw)
    if not retried:
        metrics.COMMENTS.labels(comment.status).inc()
    return comment
