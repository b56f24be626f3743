"""Who is told of what: the notifications a comment, a moderator's decision or an editors'
pick brings.
Called by notify.tasks (after the writer's commit); idempotent through the unique constraint."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

from django.db import IntegrityError, connections, router, transaction
from django.db.models import QuerySet
from django.urls import Resolver404, resolve

from accounts.models import Member
from core import statements
from discussion.models import Comment
from notify import kinds, sql
from notify.models import Follow, Notification, Preferences
from notify.rules import blocked, may_notify, silenced

MENTIONS_NOTIFIED = 5  # at most this many members are told of one comment's mentions
BATCH = 2000  # rows written per statement when many followers are told at once


# --- who is told of a comment ------------------------------------------------------------

_loading: tuple[statements.Columns, statements.Columns, str] | None = None


def comment_with_article(comment_id: int) -> Comment | None:
    """The comment with its article's address and state (the rest of the article loads if
    asked for), in one statement written out: the ORM's select_related lookup cost a post's
    fan-out a millisecond, most of it compiling."""
    global _loading
    from newsroom.models import Article

    if _loading is None:
        comment_columns = statements.Columns(Comment)
        article_columns = statements.Columns(Article, ["id", "slug", "title", "state", "published_at"])
        _loading = (comment_columns, article_columns, (
            f"SELECT {comment_columns.select()}, {article_columns.select()} "  # noqa: S608 (names from the models)
            f'FROM "{comment_columns.table}" JOIN "{article_columns.table}" '
            f'ON "{article_columns.table}"."{Article._meta.pk.column}" = '
            f'"{comment_columns.table}"."{Comment._meta.get_field("article").column}" '
            f'WHERE "{comment_columns.table}"."{Comment._meta.pk.column}" = %s'))
    comment_columns, article_columns, select = _loading
    using = statements.reading(Comment)
    row = statements.one(select, [comment_id], using)
    if row is None:
        return None
    comment: Comment = comment_columns.instance(row, using)
    comment.article = article_columns.instance(row, using, start=len(comment_columns))
    return comment


_MENTION_A = re.compile(r'<a\b[^>]*\bclass="mention"[^>]*>')
_HREF = re.compile(r'\bhref="([^"]+)"')


def mentioned_logins(comment: Comment) -> list[str]:
    """The logins the comment's rendered mentions link to, in order, distinct."""
    out: dict[str, None] = {}
    for tag in _MENTION_A.findall(comment.body_html):
        href = _HREF.search(tag)
        if href is None:
            continue
        try:
            match = resolve(unquote(href.group(1).replace("&amp;", "&")))
        except Resolver404:
            continue
        if match.url_name == "profile" and "login" in match.kwargs:
            out.setdefault(match.kwargs["login"], None)
    return list(out)


def recipients_of(comment: Comment, with_followers: bool = True) -> dict[int, str]:
    """member id → the kind they are told of `comment` by (the first that applies, in the
    order of kinds.KINDS): a reply, a quote, a mention, a followed discussion."""
    found: dict[int, str] = {}

    def add(ids: Iterable[int], kind: str) -> None:
        for member_id in ids:
            if member_id and member_id not in found:
                found[member_id] = kind

    using = statements.reading(Comment)
    if comment.parent_id:
        add((row[0] for row in statements.rows(sql.PARENT_AUTHOR, [comment.parent_id], using)), "reply")
    add((row[0] for row in statements.rows(sql.QUOTED_AUTHORS, [comment.pk], using)), "quote")
    logins = mentioned_logins(comment)[:MENTIONS_NOTIFIED]
    if logins:
        add(Member.objects.filter(login__in=logins).values_list("id", flat=True), "mention")
    if with_followers:
        add((row[0] for row in statements.rows(sql.FOLLOWERS_TO_TELL, [comment.article_id, comment.article_id,
                                                                       comment.pk], using)), "followed")
    return found


def pending_followed(article_id: int) -> QuerySet[Notification]:
    """The "new comments in a discussion you follow" notifications of this discussion still
    waiting for their members: unread, not yet e-mailed, and of a comment still public. While a
    follower has one, the discussion's next comments add no other (it stands for them all, and
    its line counts them: notify.mail.items_of); once read or mailed, the next comment tells
    them again. A discussion that a few hundred follow and a few hundred comment in would
    otherwise write a row per follower per comment (10,000 comments × 300 followers = 3 million
    rows), each in the one SQLite writer."""
    return Notification.objects.filter(kind="followed", read_at=None, email=None, article_id=article_id,
                                       comment__status=Comment.Status.VISIBLE)


def repoint_followed(comment: Comment) -> None:
    """`comment` stops being public: each "followed" notification of it moves to the next public
    comment of the discussion it stood for (after it, by another member than its recipient and
    none they ignore, before their next "followed" notification there) — the comments it
    counted are not lost with it. One with nothing after it is deleted while pending (the next
    comment tells anew); a read or mailed one is left, unseen. Inside the status change's
    transaction (notify.receivers)."""
    for n in Notification.objects.filter(kind="followed", comment=comment):
        later = (Notification.objects.filter(recipient_id=n.recipient_id, kind="followed",
                                             comment__article_id=comment.article_id, comment_id__gt=comment.pk)
                 .order_by("comment_id").values_list("comment_id", flat=True).first())
        after = (Comment.objects.filter(article_id=comment.article_id, pk__gt=comment.pk,
                                        status=Comment.Status.VISIBLE)
                 .exclude(author_id__in={n.recipient_id} | silenced(n.recipient_id)))
        if later is not None:
            after = after.filter(pk__lt=later)
        found = after.order_by("pk").values_list("pk", "author_id").first()
        if found is not None:
            Notification.objects.filter(pk=n.pk).update(comment_id=found[0], actor_id=found[1])
        elif n.read_at is None and n.email_id is None:
            Notification.objects.filter(pk=n.pk).delete()


def tell_of_comment(comment_id: int, with_followers: bool = True, comment: Comment | None = None) -> list[int]:
    """Write the notifications a public comment brings (idempotent: the unique constraint
    turns a second run into nothing). Returns the ids of the members newly told.
    A comment nobody may read (held, removed, on an unpublished article) tells nobody: it is
    told of when a moderator approves it."""
    if comment is None:  # (the fan-out task hands the one it loaded, with its article)
        comment = comment_with_article(comment_id)
    if comment is None or comment.status != Comment.Status.VISIBLE or not comment.article.is_visible():
        return []
    wanted = recipients_of(comment, with_followers)
    # Followers are read active only; the few others (the parent's author, those quoted or
    # mentioned) are checked here.
    direct = [m for m, kind in wanted.items() if kind != "followed"]
    gone = set(direct) - set(Member.objects.filter(pk__in=direct, is_active=True, is_deleted=False)
                             .values_list("id", flat=True)) if direct else set()
    before = {row[0] for row in statements.rows(sql.TOLD_OF, [comment.pk], router.db_for_write(Notification))}
    created = connections[router.db_for_write(Notification)].ops.adapt_datetimefield_value(comment.created)
    no = gone | before | blocked(comment.author_id, wanted)
    rows = [(member_id, kind, comment.pk, comment.author_id, comment.article_id, created)
            for member_id, kind in wanted.items()
            if member_id not in no]
    if rows:
        with transaction.atomic(using=router.db_for_write(Notification)), \
                connections[router.db_for_write(Notification)].cursor() as cursor:
            for i in range(0, len(rows), BATCH):
                cursor.executemany(sql.INSERT, rows[i:i + BATCH])
    told = [r[0] for r in rows]
    after_telling(told)
    return told


def tell_of_decision(comment_id: int, member_ids: Iterable[int], kind: str, decision: str, key: str = "",
                     actor_id: int | None = None) -> list[int]:
    """A moderator's decision on a member's comment ("moderated") or on their report ("report")."""
    told = []
    for member_id in member_ids:
        if actor_id is not None and not may_notify(actor_id, member_id):
            continue
        try:
            with transaction.atomic():
                Notification.objects.create(recipient_id=member_id, kind=kind, comment_id=comment_id,
                                            key=key, decision=decision, actor_id=actor_id)
        except IntegrityError:
            continue  # told already (a duplicated task)
        told.append(member_id)
    after_telling(told)
    return told


def tell_of_pick(comment_id: int) -> list[int]:
    """The author of a comment the editors picked, told once (the unique constraint: a pick
    undone and made again tells nothing new), and only while it is still picked and public
    (undone, or the comment held, removed or deleted before this runs: nobody). An editor who
    picks their own comment is not told. The pick is the newsroom's word, not a member's:
    no actor, so an author who ignores the picking editor is told all the same."""
    comment = (Comment.objects.select_related("article", "author", "pick")
               .filter(pk=comment_id, pick__isnull=False).first())
    if comment is None or comment.status != Comment.Status.VISIBLE or not comment.article.is_visible():
        return []
    author = comment.author
    if not author.is_active or author.is_deleted or comment.pick.picked_by_id == author.pk:
        return []
    try:
        with transaction.atomic():
            Notification.objects.create(recipient=author, kind="picked", comment=comment)
    except IntegrityError:
        return []  # told already (picked before, or a duplicated task)
    after_telling([author.pk])
    return [author.pk]


def after_telling(member_ids: list[int]) -> None:
    """Header counts forgotten, open pages told (after commit). The caller (a task) enqueues
    the e-mails due: notify.tasks.mail_told."""
    if not member_ids:
        return
    from notify import live, unread

    unread.forget(member_ids)
    live.unread_changed(member_ids)


def confirmed_for_now(member_ids: list[int]) -> list[int]:
    """Of these members, those with a confirmed address and a kind they want at once (those
    without preferences have no confirmed address, so get nothing but the confirmation)."""
    out = []
    for i in range(0, len(member_ids), BATCH):
        for prefs in Preferences.objects.filter(member_id__in=member_ids[i:i + BATCH]).exclude(confirmed_email=""):
            if any(prefs.delivery(k) == kinds.NOW for k in kinds.KINDS):
                out.append(prefs.member_id)
    return out


def follow_when_commenting(comment: Comment) -> None:
    """Commenting follows the discussion, unless the member turned that off (one read; a
    write only for a member's first comment there)."""
    wants, follows = statements.one(sql.FOLLOWING, [comment.author_id, comment.author_id, comment.article_id],
                                    using=router.db_for_write(Follow))
    if (wants is None or wants) and not follows:
        Follow.objects.get_or_create(member_id=comment.author_id, article_id=comment.article_id)
