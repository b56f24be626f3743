"""Every change of notification state: who is told of what, reading, following, e-mail
preferences and confirming an address. Views, tasks and the signal receivers come here."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote

from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.models import Member
from core.tasks import enqueue_on_commit
from discussion.models import Comment, Quote
from notify import kinds
from notify.models import Follow, Notification, Preferences

log = logging.getLogger(__name__)

MENTIONS_NOTIFIED = 5  # at most this many members are told of one comment's mentions
BATCH = 2000  # rows written per statement when many followers are told at once


def may_notify(sender_id: int | None, recipient_id: int) -> bool:
    """Whether `sender` may cause a notification to `recipient`. The one place a rule such
    as an ignore list (the curation work) plugs in; never yourself."""
    return sender_id != recipient_id


def preferences(member_id: int) -> Preferences:
    prefs, _ = Preferences.objects.get_or_create(member_id=member_id)
    return prefs


# --- who is told of a comment ------------------------------------------------------------

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

    if comment.parent_id:
        add(Comment.objects.filter(pk=comment.parent_id).values_list("author_id", flat=True), "reply")
    add(Quote.objects.filter(comment=comment, source_comment__isnull=False)
        .values_list("source_comment__author_id", flat=True), "quote")
    logins = mentioned_logins(comment)[:MENTIONS_NOTIFIED]
    if logins:
        add(Member.objects.filter(login__in=logins).values_list("id", flat=True), "mention")
    if with_followers:
        add(Follow.objects.filter(article_id=comment.article_id).values_list("member_id", flat=True), "followed")
    return found


def tell_of_comment(comment_id: int, with_followers: bool = True) -> list[int]:
    """Write the notifications a public comment brings (idempotent: the unique constraint
    turns a second run into nothing). Returns the ids of the members newly told.
    A comment nobody may read (held, removed, on an unpublished article) tells nobody: it is
    told of when a moderator approves it."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.VISIBLE or not comment.article.is_visible():
        return []
    wanted = recipients_of(comment, with_followers)
    live = set(Member.objects.filter(pk__in=list(wanted), is_active=True, is_deleted=False)
               .values_list("id", flat=True)) if len(wanted) < BATCH else None
    rows = [Notification(recipient_id=member_id, kind=kind, comment_id=comment.pk, actor_id=comment.author_id,
                         created=comment.created)
            for member_id, kind in wanted.items()
            if may_notify(comment.author_id, member_id) and (live is None or member_id in live)]
    before = set(Notification.objects.filter(comment_id=comment.pk, kind__in=["reply", "quote", "mention",
                                                                                "followed"])
                 .values_list("recipient_id", flat=True))
    rows = [r for r in rows if r.recipient_id not in before]
    for i in range(0, len(rows), BATCH):
        Notification.objects.bulk_create(rows[i:i + BATCH], ignore_conflicts=True)
    told = [r.recipient_id for r in rows]
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


def after_telling(member_ids: list[int]) -> None:
    """Header counts forgotten, open pages told, e-mails due enqueued (after commit)."""
    if not member_ids:
        return
    from notify import live, unread

    unread.forget(member_ids)
    live.unread_changed(member_ids)
    from notify import tasks

    now = confirmed_for_now(member_ids)
    for i in range(0, len(now), 500):
        enqueue_on_commit(tasks.deliver, now[i:i + 500])


def confirmed_for_now(member_ids: list[int]) -> list[int]:
    """Of these members, those with a confirmed address and a kind they want at once (those
    without preferences have no confirmed address, so get nothing but the confirmation)."""
    out = []
    for i in range(0, len(member_ids), BATCH):
        for prefs in Preferences.objects.filter(member_id__in=member_ids[i:i + BATCH]).exclude(confirmed_email=""):
            if any(prefs.delivery(k) == kinds.NOW for k in kinds.KINDS):
                out.append(prefs.member_id)
    return out


# --- reading ----------------------------------------------------------------------------

def mark_read(member: Member, ids: Iterable[int]) -> int:
    n = Notification.objects.filter(recipient=member, pk__in=list(ids), read_at=None).update(read_at=timezone.now())
    _changed(member.pk)
    return n


def mark_all_read(member: Member) -> int:
    n = Notification.objects.filter(recipient=member, read_at=None).update(read_at=timezone.now())
    _changed(member.pk)
    return n


def _changed(member_id: int) -> None:
    from notify import live, unread

    unread.forget([member_id])
    live.unread_changed([member_id])


# --- following --------------------------------------------------------------------------

def follow(member: Member, article_id: int) -> bool:
    """True when the member did not follow it before."""
    try:
        with transaction.atomic():
            Follow.objects.create(member=member, article_id=article_id)
    except IntegrityError:
        return False
    return True


def unfollow(member_id: int, article_id: int) -> bool:
    return Follow.objects.filter(member_id=member_id, article_id=article_id).delete()[0] > 0


def is_following(member_id: int, article_id: int) -> bool:
    return Follow.objects.filter(member_id=member_id, article_id=article_id).exists()


def follow_when_commenting(comment: Comment) -> None:
    """Commenting follows the discussion, unless the member turned that off."""
    prefs = Preferences.objects.filter(member_id=comment.author_id).only("follow_when_commenting").first()
    if prefs is None or prefs.follow_when_commenting:
        follow(comment.author, comment.article_id)


# --- preferences and the address --------------------------------------------------------

def set_preferences(member: Member, email: dict[str, str], follow_when_commenting: bool) -> Preferences:
    prefs = preferences(member.pk)
    prefs.email = {k: v for k, v in email.items() if k in kinds.KINDS and v in dict(kinds.DELIVERIES)}
    prefs.follow_when_commenting = follow_when_commenting
    prefs.save(update_fields=["email", "follow_when_commenting"])
    return prefs


def unsubscribe(member_id: int, kind: str | None = None) -> None:
    """No more e-mail (of one kind, or of any)."""
    prefs = preferences(member_id)
    for name in [kind] if kind else list(kinds.KINDS):
        prefs.email[name] = kinds.NEVER
    prefs.save(update_fields=["email"])


def request_confirmation(member: Member) -> bool:
    """Send a confirmation link to the member's address (after commit); False when there is
    none or it is confirmed already."""
    if not member.email or preferences(member.pk).confirmed_email == member.email:
        return False
    from notify import tasks

    enqueue_on_commit(tasks.send_confirmation, member.pk, member.email)
    return True


def confirm_address(member_id: int, address: str) -> bool:
    """The member proved `address` is theirs: True when it still is their address."""
    with transaction.atomic():
        member = Member.objects.filter(pk=member_id, is_deleted=False).first()
        if member is None or member.email != address:
            return False
        prefs = preferences(member_id)
        prefs.confirmed_email = address
        prefs.save(update_fields=["confirmed_email"])
    return True


def choose_at_signup(member: Member, choice: str) -> None:
    """The one choice a new member makes at sign-up (notify.forms.SIGNUP_CHOICES); anything
    else keeps the defaults."""
    from notify.forms import signup_deliveries

    deliveries = signup_deliveries(choice)
    if deliveries is not None:
        prefs = preferences(member.pk)
        prefs.email = deliveries
        prefs.save(update_fields=["email"])
