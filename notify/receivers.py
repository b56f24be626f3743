"""What notifications hear: comments written (discussion.signals), moderators' decisions
(moderation.signals), editors' picks (curation.signals), members created or given a new
address. Each receiver runs inside the writer's transaction and only enqueues a task for
after its commit."""

import uuid

from django.db.models.signals import post_save

from core.tasks import enqueue_on_commit


def _tell_on_commit(task, *args) -> None:
    """Telling members writes their notifications and announces the new unread counts on the
    live stream. With Redis the stream's broker is shared, so a worker anywhere may do it; in
    the embedded mode the broker lives in the server's process and a worker process's
    announcement would reach no page, so the server tells them itself once the post has
    committed, in its background thread after the answer (core.background; e-mail still goes
    through the queue's worker)."""
    from django.db import transaction

    from core import queue
    from core.background import background

    if queue.mode() == "redis":
        enqueue_on_commit(task, *args)
    else:
        def tell() -> None:  # a named hook (Django names a robust one that failed)
            background.submit(task.call, *args)

        transaction.on_commit(tell, robust=True)


def comment_written(sender, comment, what, old_status, **kwargs) -> None:
    from discussion.signals import EDITED, POSTED, STATUS
    from notify import tasks

    visible = comment.status == comment.Status.VISIBLE
    if what == POSTED or (what == EDITED and visible) or (what == STATUS and visible and old_status != "visible"):
        _tell_on_commit(tasks.fan_out, comment.pk, what)
    elif what == STATUS and not visible and old_status == "visible":
        from notify.telling import repoint_followed

        repoint_followed(comment)  # what its "followed" notifications counted stays told


def decided(sender, comment, action, moderator_id=None, entry_id=None, **kwargs) -> None:
    """A moderator's decision on a comment: its author is told (not of an approval of a
    comment that was never held: nothing changed for them)."""
    from notify import tasks

    if comment.author_id:
        _tell_on_commit(tasks.decided, comment.pk, [comment.author_id], "moderated", action,
                        str(entry_id or ""), moderator_id)


def reports_resolved(sender, comment, reporter_ids, decision, moderator_id=None, **kwargs) -> None:
    from notify import tasks

    if reporter_ids:
        _tell_on_commit(tasks.decided, comment.pk, list(reporter_ids), "report", decision, "", moderator_id)


def comment_picked(sender, comment, picked_by=None, **kwargs) -> None:
    """The editors picked a comment (curation.actions.pick): its author is told, after the
    pick commits (notify.telling.tell_of_pick checks it still stands)."""
    from notify import tasks

    _tell_on_commit(tasks.picked, comment.pk)


def comment_unpicked(sender, comment, **kwargs) -> None:
    """A pick undone: its notification goes too, unless it was e-mailed already (a digest
    would otherwise still say the editors picked it). Nobody is told of the unpick."""
    from django.db import transaction

    from notify.models import Notification
    from notify.unread import forget

    taken = Notification.objects.filter(kind="picked", comment=comment, email__isnull=True)
    recipients = list(taken.values_list("recipient_id", flat=True))
    if recipients:
        taken.delete()
        transaction.on_commit(lambda: forget(recipients))


def member_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    """A new member, or a new address: confirm it before anything is sent to it."""
    if not instance.email or instance.is_imported:
        return
    if not created and update_fields is not None and "email" not in update_fields:
        return  # (a login stamp, a password)
    from notify.models import Preferences

    prefs = Preferences.objects.filter(member_id=instance.pk).first()
    if prefs is not None and instance.email in (prefs.confirmed_email, prefs.confirmation_sent_to):
        return
    Preferences.objects.update_or_create(member_id=instance.pk, defaults={"confirmation_sent_to": instance.email})
    from notify import tasks

    enqueue_on_commit(tasks.send_confirmation, instance.pk, instance.email, uuid.uuid4().hex[:12])


def connect() -> None:
    from django.contrib.auth import get_user_model

    from curation.signals import comment_picked as picked_signal
    from curation.signals import comment_unpicked as unpicked_signal
    from discussion.signals import comment_written as written
    from moderation.signals import decided as decided_signal
    from moderation.signals import reports_resolved as resolved_signal

    written.connect(comment_written, dispatch_uid="notify.comment_written")
    decided_signal.connect(decided, dispatch_uid="notify.decided")
    resolved_signal.connect(reports_resolved, dispatch_uid="notify.reports_resolved")
    picked_signal.connect(comment_picked, dispatch_uid="notify.comment_picked")
    unpicked_signal.connect(comment_unpicked, dispatch_uid="notify.comment_unpicked")
    post_save.connect(member_saved, sender=get_user_model(), dispatch_uid="notify.member_saved")
