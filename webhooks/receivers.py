"""Turning the discussion's and moderation's signals into webhook events. The signals come
inside the writing transaction: the deliveries are written there too, and their tasks are
enqueued on commit (webhooks.actions)."""

from discussion import signals as discussion_signals
from moderation import signals as moderation_signals
from webhooks import actions, payloads
from webhooks.models import Event

GONE = ("removed", "deleted")


def on_comment_written(sender, comment, what, old_status, **kwargs) -> None:
    if what == discussion_signals.POSTED:
        event = Event.COMMENT_POSTED
    elif what == discussion_signals.EDITED:
        event = Event.COMMENT_EDITED
    elif what == discussion_signals.STATUS and comment.status in GONE and old_status not in GONE:
        event = Event.COMMENT_REMOVED
    else:
        return
    endpoints = actions.endpoints_for(event)
    if endpoints:
        actions.do_queue_event(event, {"comment": payloads.comment(comment)}, endpoints)


def on_report_filed(sender, report, **kwargs) -> None:
    endpoints = actions.endpoints_for(Event.REPORT_FILED)
    if endpoints:
        actions.do_queue_event(Event.REPORT_FILED, {"report": payloads.report(report)}, endpoints)


def on_member_banned(sender, ban, **kwargs) -> None:
    endpoints = actions.endpoints_for(Event.MEMBER_BANNED)
    if endpoints:
        actions.do_queue_event(Event.MEMBER_BANNED, {"ban": payloads.ban(ban)}, endpoints)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from webhooks.models import Endpoint

    for signal in (post_save, post_delete):
        signal.connect(actions.forget_endpoints, sender=Endpoint, dispatch_uid=f"webhooks.endpoints.{signal is post_save}")
    discussion_signals.comment_written.connect(on_comment_written, dispatch_uid="webhooks.comment")
    moderation_signals.report_filed.connect(on_report_filed, dispatch_uid="webhooks.report")
    moderation_signals.member_banned.connect(on_member_banned, dispatch_uid="webhooks.ban")
