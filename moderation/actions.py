"""Moderator actions. Each one writes a line in the append-only log, with who, what and why."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Member
from core.errors import ActionError
from core.text import drop_nul
from discussion import actions as discussion_actions
from discussion.models import Comment, Vote
from moderation import policy, signals
from moderation.models import Ban, BrigadeCase, LogEntry, Reason, Report

Status = Comment.Status


TOLD_TO_AUTHOR = {"hide", "restore", "delete", "edit"}  # decisions on a comment its author hears of


def log(moderator, action: str, *, comment=None, member=None, article=None, reason="", note="") -> LogEntry:
    entry = LogEntry.objects.create(
        moderator=moderator if moderator is not None and moderator.is_authenticated else None,
        action=action, comment=comment, member=member,
        article=article or (comment.article if comment is not None else None),
        reason=reason, note=note[:2000],
    )
    if comment is not None and action in TOLD_TO_AUTHOR:
        _decided(entry, comment)
    return entry


def _decided(entry: LogEntry, comment: Comment) -> None:
    signals.decided.send(Comment, comment=comment, action=entry.action, moderator_id=entry.moderator_id,
                         entry_id=entry.pk)


def check_moderator(member) -> None:
    if not (member.is_authenticated and member.has_perm("moderation.moderate")):
        raise ActionError(_("Only moderators can do this."), status=403, code="not_moderator")


# --- reports ---------------------------------------------------------------------------------

def report(member, comment: Comment, reason: str, text: str = "") -> Report:
    """A member's complaint: once per comment, never on their own."""
    from moderation import limits

    if not member.is_authenticated:
        raise ActionError(_("Sign in to report a comment."), status=401, code="signin")
    policy.check_may_report(member)
    if comment.author_id == member.pk:
        raise ActionError(_("You cannot report your own comment."), status=403, code="own_comment")
    if reason not in Reason.values:
        raise ActionError(_("Choose a reason: spam, insult, off-topic, illegal or other."), field="reason")
    text = drop_nul(text or "").strip()  # a NUL cannot be stored (PostgreSQL) nor is ever meant
    if reason == Reason.OTHER and not text:
        raise ActionError(_("Say in a few words what is wrong."), field="text", code="text_needed")
    if len(text) > 1000:
        raise ActionError(_("Keep the report under 1,000 characters."), field="text")
    if Report.objects.filter(comment=comment, reporter=member).exists():
        raise ActionError(_("You have already reported this comment; the moderators will look at it."),
                          status=409, code="already_reported")
    limits.hit_report(member)
    with transaction.atomic():
        filed = Report.objects.create(comment=comment, reporter=member, reason=reason, text=text)
        signals.report_filed.send(Report, report=filed)
    return filed


def _resolve_reports(comment: Comment, decision: str = "kept", moderator=None) -> None:
    open_reports = Report.objects.filter(comment=comment, resolved=None)
    reporter_ids = list(open_reports.values_list("reporter_id", flat=True))
    open_reports.update(resolved=timezone.now())
    if reporter_ids:
        signals.reports_resolved.send(Comment, comment=comment, reporter_ids=reporter_ids, decision=decision,
                                      moderator_id=getattr(moderator, "pk", None))


# --- comments --------------------------------------------------------------------------------

def approve(moderator, comment: Comment, note: str = "") -> Comment:
    """A held or reported comment is fine: it becomes (or stays) public, reports close."""
    check_moderator(moderator)
    with transaction.atomic():
        was_held = comment.status == Status.HELD
        if was_held:
            discussion_actions.do_set_status(comment, Status.VISIBLE)
        _resolve_reports(comment, "kept", moderator)
        entry = log(moderator, "approve", comment=comment, member=comment.author, note=note)
        if was_held:
            _decided(entry, comment)
    return comment


def hide(moderator, comment: Comment, reason: str, note: str = "") -> Comment:
    """The comment becomes "removed by a moderator"; its author sees the reason."""
    check_moderator(moderator)
    if reason not in Reason.values:
        raise ActionError(_("Choose the reason for removing it."), field="reason")
    label = Reason(reason).label + (f": {note}" if note else "")
    with transaction.atomic():
        discussion_actions.do_set_status(comment, Status.REMOVED, reason=label, category=reason)
        _resolve_reports(comment, "hide", moderator)
        log(moderator, "hide", comment=comment, member=comment.author, reason=reason, note=note)
    return comment


def restore(moderator, comment: Comment, note: str = "") -> Comment:
    check_moderator(moderator)
    if comment.status not in (Status.REMOVED, Status.HELD):
        raise ActionError(_("Only removed or held comments can be restored."), status=409)
    if not comment.body:
        raise ActionError(_("This comment was deleted for good; there is nothing to restore."), status=409)
    with transaction.atomic():
        discussion_actions.do_set_status(comment, Status.VISIBLE)
        log(moderator, "restore", comment=comment, member=comment.author, note=note)
    return comment


def edit(moderator, comment: Comment, body: str, note: str) -> Comment:
    """A moderator's edit, with a note shown on the comment."""
    check_moderator(moderator)
    note = (note or "").strip()
    if not note:
        raise ActionError(_("Say why you edit it: the note is shown to its author."), field="note")
    body = discussion_actions.clean_body(body)
    with transaction.atomic():
        discussion_actions.do_edit(moderator, comment, body, note=note)
        _resolve_reports(comment, "edit", moderator)
        log(moderator, "edit", comment=comment, member=comment.author, note=note)
    return comment


def delete(moderator, comment: Comment, reason: str, note: str = "") -> Comment:
    """Remove the text for good (illegal content): unlike hide, nothing can be restored."""
    check_moderator(moderator)
    if reason not in Reason.values:
        raise ActionError(_("Choose the reason for deleting it."), field="reason")
    with transaction.atomic():
        discussion_actions.do_set_status(comment, Status.REMOVED, reason=Reason(reason).label, category=reason,
                                         destroy_text=True)
        _resolve_reports(comment, "delete", moderator)
        log(moderator, "delete", comment=comment, member=comment.author, reason=reason, note=note)
    return comment


COMMENT_ACTIONS = {"approve", "hide", "restore", "delete"}
# The author is told why their comment went: the moderator chooses the reason, no default
# ("Spam", "Other") speaks for them.
REASON_NEEDED = {"hide": gettext_lazy("Choose a reason for hiding: the author is told why."),
                 "delete": gettext_lazy("Choose a reason for deleting: the author is told why.")}


def check_comment_action(action: str, reason: str) -> None:
    """Whether `action` is one of COMMENT_ACTIONS with the reason it needs; nothing changes."""
    if action not in COMMENT_ACTIONS:
        raise ActionError(_("Unknown action %(action)r.") % {"action": action}, code="bad_action")
    if action in REASON_NEEDED and reason not in Reason.values:
        raise ActionError(str(REASON_NEEDED[action]), field="reason", code="reason_needed")


def apply(moderator, action: str, comment: Comment, reason: str = "", note: str = "") -> Comment:
    """One of COMMENT_ACTIONS by name: the queue's buttons and its bulk form call this."""
    check_comment_action(action, reason)
    if action == "approve":
        return approve(moderator, comment, note)
    if action == "hide":
        return hide(moderator, comment, reason, note)
    if action == "restore":
        return restore(moderator, comment, note)
    return delete(moderator, comment, reason, note)


# --- bans ------------------------------------------------------------------------------------

BAN_DAYS_MAX = 3650  # ten years: longer is what a permanent ban is for

def ban(moderator, member: Member, *, days: int | None, scope: str, reason: str,
        hide_comments: bool = False) -> Ban:
    """Ban for `days` (None: permanent). A full ban ends the member's sessions."""
    check_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason: the member sees it."), field="reason")
    if scope not in Ban.Scope.values:
        raise ActionError(_("Choose commenting-only or full."), field="scope")
    if days is not None and not (1 <= days <= BAN_DAYS_MAX):
        raise ActionError(_("A ban lasts 1 to 3,650 days, or is permanent."), field="days")
    if member.pk == moderator.pk:
        raise ActionError(_("You cannot ban yourself."), status=403)
    with transaction.atomic():
        until = timezone.now() + timedelta(days=days) if days else None
        b = Ban.objects.create(member=member, moderator=moderator, scope=scope, reason=reason,
                               until=until, hid_comments=hide_comments)
        if scope == Ban.Scope.FULL:
            Member.objects.filter(pk=member.pk).update(session_epoch=F("session_epoch") + 1)
        if hide_comments:
            for c in Comment.objects.filter(author=member, status__in=[Status.VISIBLE, Status.HELD]):
                discussion_actions.do_set_status(c, Status.REMOVED, reason=f"Author banned: {reason}",
                                                 category=Reason.OTHER)
        policy.forget_ban(member.pk)  # now, and again after commit against a racing read
        transaction.on_commit(lambda: policy.forget_ban(member.pk))
        log(moderator, "ban", member=member, reason=scope,
            note=f"{'permanent' if days is None else f'{days} days'}; {reason}"
                 + ("; all comments hidden" if hide_comments else ""))
        signals.member_banned.send(Ban, ban=b)
    return b


def lift_ban(moderator, b: Ban, note: str = "") -> Ban:
    check_moderator(moderator)
    b.lifted = timezone.now()
    b.save(update_fields=["lifted"])
    policy.forget_ban(b.member_id)
    log(moderator, "lift-ban", member=b.member, note=note)
    return b


# --- brigade cases ---------------------------------------------------------------------------

def release_case(moderator, case: BrigadeCase, note: str = "") -> BrigadeCase:
    """The votes were honest after all: they count again."""
    check_moderator(moderator)
    with transaction.atomic():
        for vote in case.votes.filter(counted=False).select_related("comment"):
            discussion_actions.do_count_vote(vote, True)
        case.state, case.resolved, case.resolved_by = BrigadeCase.State.RELEASED, timezone.now(), moderator
        case.save(update_fields=["state", "resolved", "resolved_by"])
        log(moderator, "release-votes", member=case.target, note=f"case {case.pk}: {case.summary}. {note}")
    return case


def discard_case(moderator, case: BrigadeCase, note: str = "") -> BrigadeCase:
    """The votes were a brigade: they are removed."""
    check_moderator(moderator)
    with transaction.atomic():
        ids = list(case.votes.values_list("id", flat=True))
        for vote in Vote.objects.filter(pk__in=ids, counted=True).select_related("comment"):
            discussion_actions.do_count_vote(vote, False)
        case.state, case.resolved, case.resolved_by = BrigadeCase.State.DISCARDED, timezone.now(), moderator
        case.save(update_fields=["state", "resolved", "resolved_by"])
        Vote.objects.filter(pk__in=ids).delete()
        log(moderator, "discard-votes", member=case.target,
            note=f"case {case.pk}: {len(ids)} votes removed. {case.summary}. {note}")
    return case
