"""Every change curation makes: picks, the pinned note, the ignore list.

Picks and pins are moderation acts: editors and moderators only (a pin: editors only, of
their own note), each logged in the moderation log (moderation.actions.log) and undone the
same way; each raises the article's thread version (Change.CURATION) and tells open pages to
reload their thread (a live "resync"). Ignoring is a member's own affair: it changes their
page alone (newsroom.memberpage), never the shared one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Member
from core.errors import ActionError
from curation.ignoring import ignored_ids, is_ignoring
from curation.models import Ignore, Pick, Pin
from curation.signals import comment_picked, comment_unpicked
from discussion.actions.common import lock_article
from discussion.models import Comment
from live.events import publish_on_commit
from newsroom import versions
from newsroom.versions import Change

__all__ = ["ignore", "ignored_ids", "is_ignoring", "pick", "pin", "unignore", "unpick", "unpin"]

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

IGNORE_MAX = 1000  # members one may ignore: a list to manage, not a wall


def can_pick(member: Any) -> bool:
    """Editors and moderators (editors hold the moderator's permission too: the roles). Asked
    of the permission itself, as moderation's check_moderator does, not of the briefly
    remembered role (accounts.roles), so a role just given acts at once."""
    return member is not None and member.is_authenticated and member.has_perm("moderation.moderate")


def can_pin(member: Any) -> bool:
    return can_pick(member) and member.has_perm("newsroom.change_article")


def _changed(comment: Comment) -> None:
    versions.changed(comment.article_id, Change.CURATION)
    publish_on_commit({"type": "resync", "article": comment.article_id})


def check_pick(member: Member | AnonymousUser, comment: Comment) -> None:
    if not member.is_authenticated:
        raise ActionError(_("Sign in to pick comments."), status=401, code="signin")
    if not can_pick(member):
        raise ActionError(_("Only editors and moderators can pick comments."), status=403, code="not_editor")
    if comment.status != Comment.Status.VISIBLE or not comment.article.is_visible():
        raise ActionError(_("Only a comment every reader can see can be picked."), status=409, code="not_visible")


def pick(member: Member | AnonymousUser, comment: Comment, note: str = "") -> Pick:
    """Mark the comment "Editors' pick" and list it above the discussion; its author is told
    (the comment_picked signal)."""
    from moderation.actions import log

    check_pick(member, comment)
    with transaction.atomic():
        lock_article(comment.article_id)
        if Pick.objects.filter(comment=comment).exists():
            raise ActionError(_("This comment is already picked."), status=409, code="already_picked")
        p: Pick = Pick.objects.create(comment=comment, article_id=comment.article_id, picked_by=member)
        log(member, "pick", comment=comment, member=comment.author, note=note)
        _changed(comment)
        comment_picked.send(Pick, comment=comment, picked_by=member)
    return p


def unpick(member: Member | AnonymousUser, comment: Comment, note: str = "") -> None:
    from moderation.actions import log

    if not member.is_authenticated or not can_pick(member):
        raise ActionError(_("Only editors and moderators can pick comments."), status=403, code="not_editor")
    with transaction.atomic():
        lock_article(comment.article_id)
        if not Pick.objects.filter(comment=comment).delete()[0]:
            raise ActionError(_("This comment is not picked."), status=409, code="not_picked")
        log(member, "unpick", comment=comment, member=comment.author, note=note)
        comment_unpicked.send(Pick, comment=comment)
        _changed(comment)


def check_pin(member: Member | AnonymousUser, comment: Comment) -> None:
    if not member.is_authenticated:
        raise ActionError(_("Sign in to pin a note."), status=401, code="signin")
    if not can_pin(member):
        raise ActionError(_("Only editors can pin a note."), status=403, code="not_editor")
    if comment.author_id != member.pk:
        raise ActionError(_("An editor pins a note of their own."), status=403, code="not_yours")
    if comment.status != Comment.Status.VISIBLE or not comment.article.is_visible():
        raise ActionError(_("Only a comment every reader can see can be pinned."), status=409, code="not_visible")


def pin(member: Member | AnonymousUser, comment: Comment, note: str = "") -> Pin:
    """Pin the editor's own comment to the top of its discussion, in place of any pinned before."""
    from moderation.actions import log

    check_pin(member, comment)
    with transaction.atomic():
        lock_article(comment.article_id)
        Pin.objects.filter(article_id=comment.article_id).delete()
        p: Pin = Pin.objects.create(article_id=comment.article_id, comment=comment, pinned_by=member)
        log(member, "pin", comment=comment, member=comment.author, note=note)
        _changed(comment)
    return p


def unpin(member: Member | AnonymousUser, comment: Comment, note: str = "") -> None:
    from moderation.actions import log

    if not member.is_authenticated or not can_pin(member):
        raise ActionError(_("Only editors can pin a note."), status=403, code="not_editor")
    with transaction.atomic():
        lock_article(comment.article_id)
        if not Pin.objects.filter(article_id=comment.article_id, comment=comment).delete()[0]:
            raise ActionError(_("This note is not pinned."), status=409, code="not_pinned")
        log(member, "unpin", comment=comment, member=comment.author, note=note)
        _changed(comment)


# --- the ignore list ---------------------------------------------------------------------------

def ignore(member: Member | AnonymousUser, target: Member) -> Ignore:
    if not member.is_authenticated:
        raise ActionError(_("Sign in to ignore a member."), status=401, code="signin")
    if target.pk == member.pk:
        raise ActionError(_("You cannot ignore yourself."), status=400, code="self")
    if target.is_deleted:
        raise ActionError(_("This account is deleted."), status=409, code="deleted")
    if Ignore.objects.filter(member=member).count() >= IGNORE_MAX:
        raise ActionError(_("You ignore as many members as one can; stop ignoring someone first."),
                          status=409, code="too_many")
    try:
        with transaction.atomic():
            row: Ignore = Ignore.objects.create(member=member, ignored=target)
    except IntegrityError:
        raise ActionError(_("You already ignore this member."), status=409, code="already") from None
    _forget_page(member.pk)
    return row


def unignore(member: Member | AnonymousUser, target: Member) -> None:
    if not member.is_authenticated:
        raise ActionError(_("Sign in to manage your ignore list."), status=401, code="signin")
    if not Ignore.objects.filter(member=member, ignored=target).delete()[0]:
        raise ActionError(_("You do not ignore this member."), status=409, code="not_ignored")
    _forget_page(member.pk)


def _forget_page(member_id: int) -> None:
    """The member's page held in this process's memory shows their old list: drop it after
    commit (other processes' copies lapse within newsroom.memberpage.MEMO_SECONDS)."""
    from newsroom import memberpage

    transaction.on_commit(lambda: memberpage.forget_member(member_id))
