"""A comment's text and status after it is posted: edits, deletion by its author, and the
status changes moderators make (moderation.actions comes through here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import ratings
from accounts.models import Member
from core.errors import ActionError
from core.markup import render_comment
from discussion import decor, signals
from discussion import live as discussion_live
from discussion.actions.common import Status, count_public, lock_article
from discussion.actions.posting import clean_body, describe_source, mention_lookup, quotes_in
from discussion.models import Comment, CommentRevision, Quote
from newsroom import versions
from newsroom.versions import Change

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def check_edit(member: Member | AnonymousUser, comment: Comment, body: str) -> str:
    if not member.is_authenticated or member.pk != comment.author_id:
        raise ActionError(_("You can edit only your own comments."), status=403, code="not_yours")
    if not comment.is_editable_by(member):
        raise ActionError(_("A comment can be edited for 15 minutes after it is posted; that time has passed."),
                          status=403, code="edit_window")
    from moderation import policy

    policy.check_may_comment(member)
    return clean_body(body)


MODERATOR_NOTE_MAX = 300  # characters: Comment.moderator_note


def do_edit(member: Member, comment: Comment, body: str, *, note: str | None = None) -> Comment:
    """Replace a comment's text (by its author, or by a moderator through moderation.actions,
    whose `note` to the author goes with it)."""
    article = comment.article
    fields = ["body", "body_html", "edited"]
    with transaction.atomic():
        lock_article(comment.article_id)
        # The text replaced is kept (moderators read it: discussion.views.history), read from
        # the row rather than the caller's instance, which may be older than the last edit.
        before = Comment.objects.filter(pk=comment.pk).values_list("body", "created", "edited").first()
        if before is not None and before[0] != body:
            CommentRevision.objects.create(comment_id=comment.pk, body=before[0], written=before[2] or before[1],
                                           replaced_by=member if member.is_authenticated else None,
                                           by_moderator=note is not None)
        comment.body = body
        comment.body_html = render_comment(body, describe_source(article), mention_lookup(body))
        comment.edited = timezone.now()
        if note is not None:
            comment.moderator_note = note[:MODERATOR_NOTE_MAX]
            fields.append("moderator_note")
        comment.save(update_fields=fields)
        Quote.objects.filter(comment=comment).delete()
        for src, anchor, text in quotes_in(article, body):
            Quote.objects.create(comment=comment, source_comment=src, source_anchor=anchor, text=text)
        versions.changed(comment.article_id, Change.TEXT)
        signals.comment_written.send(Comment, comment=comment, what=signals.EDITED, old_status=comment.status)
        if comment.status == Status.VISIBLE:
            discussion_live.comment_changed(comment, "comment.edit")
    return comment


def edit_comment(member: Member | AnonymousUser, comment: Comment, body: str) -> Comment:
    return do_edit(member, comment, check_edit(member, comment, body))


def delete_comment(member: Member | AnonymousUser, comment: Comment) -> Comment:
    """The author deletes their comment; with replies it stays as a placeholder."""
    if not comment.is_deletable_by(member):
        raise ActionError(_("You can delete only your own comments."), status=403, code="not_yours")
    return do_set_status(comment, Status.DELETED)


def do_set_status(comment: Comment, status: str, reason: str = "", *, category: str = "",
                  destroy_text: bool = False) -> Comment:
    """Move a comment between visible, held, deleted and removed, keeping counters exact.
    A removal carries its `reason` (shown to the author) and `category` (counted in the public
    summary); `destroy_text` empties the text for good (illegal content). Any other status
    clears both."""
    removed = status == Status.REMOVED
    with transaction.atomic():
        lock_article(comment.article_id)
        locked: Comment = (Comment.objects.select_for_update().select_related("author", "article")
                           .get(pk=comment.pk))
        was_public = locked.status == Status.VISIBLE
        old_status = locked.status
        locked.status = status
        locked.moderation_reason = reason if removed else ""
        locked.removal_category = category if removed else ""
        fields = ["status", "moderation_reason", "removal_category"]
        if destroy_text and removed:
            locked.body = locked.body_html = ""
            fields += ["body", "body_html"]
            # Its earlier versions go too: text removed for good is not kept anywhere.
            CommentRevision.objects.filter(comment_id=locked.pk).delete()
        locked.save(update_fields=fields)
        now_public = status == Status.VISIBLE
        if was_public != now_public:
            count_public(locked, +1 if now_public else -1, Change.STATUS)
            # Votes on a comment that is no longer public leave the author's rating.
            score = locked.plus - locked.minus
            Member.objects.filter(pk=locked.author_id).update(
                rating=F("rating") + (score if now_public else -score)
            )
            ratings.forget_on_commit(locked.author_id)  # its rank: comment_written, below
        else:
            versions.changed(locked.article_id, Change.STATUS)
        signals.comment_written.send(Comment, comment=locked, what=signals.STATUS, old_status=old_status)
        if now_public and not was_public and locked.status == Status.VISIBLE:
            # Approved or restored, it may carry a pick made before it was removed: drawn with
            # the thread's whole decor, not a new comment's (discussion.live.new_comment_markup).
            locked.published_decor = decor.for_article(locked.article, [locked.author_id])
            discussion_live.comment_added(locked)
        elif was_public and not now_public:
            discussion_live.comment_changed(locked, "comment.remove")
    comment.status, comment.moderation_reason = locked.status, locked.moderation_reason
    comment.removal_category, comment.body, comment.body_html = locked.removal_category, locked.body, locked.body_html
    return locked
