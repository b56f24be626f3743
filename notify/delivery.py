"""Sending: at once (coalesced: at most one e-mail per member per WINDOW), as a daily digest,
and the address's confirmation. Every message is an `Email` row made before it is sent and
marked once it is: a duplicated or retried task finds the row and sends nothing twice; a row
made but not sent (the SMTP server refused, the worker died) is sent by the next run.

What a run may still do twice: a worker killed in the instant between the SMTP server
accepting a message and the row being marked sends that one message again on restart —
SMTP has no way to ask whether a message was taken."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Member
from discussion.models import Comment
from notify import kinds, mail
from notify.models import Email, Notification, Preferences
from notify.unread import TEXT_KINDS, visible

log = logging.getLogger(__name__)

WINDOW = timedelta(minutes=10)  # at most one e-mail per member in this time; more wait and go together
DIGEST_HOUR = 7  # the daily digest goes after this hour (the site's time zone)


class Address:
    """The member and the confirmed address mail may go to, or None."""

    @staticmethod
    def of(member_id: int) -> tuple[Member, Preferences] | None:
        member = Member.objects.filter(pk=member_id, is_active=True, is_deleted=False).first()
        prefs = Preferences.objects.filter(member_id=member_id).first()
        if member is None or prefs is None or not member.email or prefs.confirmed_email != member.email:
            return None
        return member, prefs


def _pending(member: Member, prefs: Preferences, delivery: str, before=None):
    wanted = [k for k in kinds.KINDS if prefs.delivery(k) == delivery]
    qs = visible(member).filter(email=None, read_at=None, kind__in=wanted)
    if before is not None:
        qs = qs.filter(created__lt=before)
    return qs


def send_row(email: Email, connection=None) -> bool:
    """Send a made, unsent e-mail; mark it. Raises when the server refuses (the task retries)."""
    found = Address.of(email.member_id)
    notifications = list(Notification.objects.filter(email=email).select_related(
        "comment__article", "actor").order_by("id"))
    if found is None or not notifications:  # the address went, or nothing is left to say
        Email.objects.filter(pk=email.pk).update(sent_at=timezone.now(), error="nothing to send")
        return False
    member, prefs = found
    # Only what the member may still read goes (a comment removed since is left out).
    shown = set(visible(member).filter(pk__in=[n.pk for n in notifications]).values_list("pk", flat=True))
    notifications = [n for n in notifications if n.pk in shown]
    if not notifications:
        Email.objects.filter(pk=email.pk).update(sent_at=timezone.now(), error="nothing left to send")
        return False
    message = mail.notifications_message(member, prefs.confirmed_email, notifications,
                                         digest=email.key.startswith("digest:"))
    message.connection = connection
    try:
        message.send()
    except Exception as exc:
        Email.objects.filter(pk=email.pk).update(attempts=email.attempts + 1, error=mail.one_line(repr(exc))[:300])
        raise
    Email.objects.filter(pk=email.pk).update(sent_at=timezone.now(), error="")
    return True


def send_many(emails: list[Email], connection) -> list[str]:
    """send_row for many rows, their members, addresses and notifications read in a fixed
    number of queries; what is said is checked again now (a comment removed since the row
    was made is left out). A refused message leaves its row unsent and the others go."""
    if not emails:
        return []
    member_ids = [e.member_id for e in emails]
    members = {m.pk: m for m in Member.objects.filter(pk__in=member_ids, is_active=True, is_deleted=False)}
    prefs = {p.member_id: p for p in Preferences.objects.filter(member_id__in=member_ids)}
    by_email: dict[int, list[Notification]] = {}
    for n in (Notification.objects.filter(email__in=emails, read_at=None)
              .select_related("comment__article", "actor").order_by("id")):
        by_email.setdefault(n.email_id, []).append(n)
    comment_ids = {n.comment_id for ns in by_email.values() for n in ns}
    public = set(Comment.objects.public().filter(pk__in=comment_ids).values_list("pk", flat=True))
    out = []
    for email in emails:
        member, p = members.get(email.member_id), prefs.get(email.member_id)
        notes = [n for n in by_email.get(email.pk, []) if n.kind not in TEXT_KINDS or n.comment_id in public]
        if member is None or p is None or not member.email or p.confirmed_email != member.email or not notes:
            Email.objects.filter(pk=email.pk).update(sent_at=timezone.now(), error="nothing to send")
            out.append("none")
            continue
        message = mail.notifications_message(member, p.confirmed_email, notes, digest=email.key.startswith("digest:"))
        message.connection = connection
        try:
            message.send()
        except Exception as exc:
            log.exception("e-mail %s to member %s failed", email.pk, email.member_id)
            Email.objects.filter(pk=email.pk).update(attempts=email.attempts + 1, error=mail.one_line(repr(exc))[:300])
            out.append("failed")
            connection.close()
            connection.open()
            continue
        Email.objects.filter(pk=email.pk).update(sent_at=timezone.now(), error="")
        out.append("sent")
    return out


def resend_unsent(member_id: int, connection=None) -> None:
    for email in Email.objects.filter(member_id=member_id, sent_at=None).exclude(key__startswith="confirm:"):
        send_row(email, connection)


def deliver_now(member_id: int, now=None) -> str:
    """Send what the member wants at once, in one message. Returns what happened: "sent",
    "wait" (an e-mail went less than WINDOW ago: the rest waits for send_due), "none"."""
    now = now or timezone.now()
    if Address.of(member_id) is None:
        return "none"
    resend_unsent(member_id)
    with transaction.atomic():
        # Locked so that two tasks for one member cannot both pass the window.
        prefs = Preferences.objects.select_for_update().get(member_id=member_id)
        member = Member.objects.get(pk=member_id)
        if prefs.last_email_at and now - prefs.last_email_at < WINDOW:
            return "wait"
        ids = list(_pending(member, prefs, kinds.NOW).order_by("id").values_list("id", flat=True)[:100])
        if not ids:
            return "none"
        try:
            with transaction.atomic():
                email = Email.objects.create(member_id=member_id, key=f"now:{ids[0]}")
        except IntegrityError:
            return "none"  # a duplicated run made it
        Notification.objects.filter(pk__in=ids, email=None).update(email=email)
        prefs.last_email_at = now
        prefs.save(update_fields=["last_email_at"])
    send_row(email)
    return "sent"


def digest_members(day: date) -> list[int]:
    """Members with something unmailed from before the end of `day` and a confirmed address."""
    ids = (Notification.objects.filter(email=None, read_at=None)
           .values_list("recipient_id", flat=True).distinct())
    waiting = set(Preferences.objects.filter(member_id__in=ids).exclude(confirmed_email="")
                  .values_list("member_id", flat=True))
    # and those whose digest of that day was made but not sent (a worker stopped mid-run)
    waiting |= set(Email.objects.filter(key=f"digest:{day.isoformat()}", sent_at=None)
                   .values_list("member_id", flat=True))
    return sorted(waiting)


CLAIM = 200  # members whose digests are made in one transaction


def _claim_digests(member_ids: list[int], day: date, now) -> None:
    """Make the day's digest rows of these members, each holding their unmailed notifications
    of the kinds they want daily, in one transaction (a row per member, at most once a day)."""
    key = f"digest:{day.isoformat()}"
    with transaction.atomic():
        prefs = {p.member_id: p for p in Preferences.objects.select_for_update().filter(member_id__in=member_ids)}
        made = set(Email.objects.filter(member_id__in=member_ids, key=key).values_list("member_id", flat=True))
        members = {m.pk: m for m in Member.objects.filter(pk__in=member_ids, is_active=True, is_deleted=False)}
        wanted: dict[int, list[int]] = {}
        public = Comment.objects.public().values("pk")
        pending = (Notification.objects.filter(recipient_id__in=list(members), email=None, read_at=None, created__lt=now)
                   .filter(~Q(kind__in=TEXT_KINDS) | Q(comment__in=public))
                   .order_by("id").values_list("id", "recipient_id", "kind"))
        for pk, member_id, kind in pending:
            p = prefs.get(member_id)
            if p is None or member_id in made or p.delivery(kind) != kinds.DAILY:
                continue
            if p.last_email_at and now - p.last_email_at < WINDOW:
                continue  # mailed moments ago: send_due sends it later
            ids = wanted.setdefault(member_id, [])
            if len(ids) < 200:
                ids.append(pk)
        if not wanted:
            return
        Email.objects.bulk_create([Email(member_id=m, key=key, created=now) for m in wanted])
        rows = dict(Email.objects.filter(member_id__in=list(wanted), key=key).values_list("member_id", "id"))
        for member_id, ids in wanted.items():
            Notification.objects.filter(pk__in=ids, email=None).update(email_id=rows[member_id])
            prefs[member_id].last_email_at = now
        Preferences.objects.bulk_update([prefs[m] for m in wanted], ["last_email_at"])


def send_digests(day: date | None = None, now=None) -> dict[str, int]:
    """Every member's digest for `day` (today), over one SMTP connection: made CLAIM members
    at a time, then sent and marked one by one. Safe to run again (a restarted worker): a
    digest sent is skipped, one made but not sent is sent."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    key = f"digest:{day.isoformat()}"
    counts: dict[str, int] = {}
    connection = get_connection()
    try:
        connection.open()
        members = digest_members(day)
        for i in range(0, len(members), CLAIM):
            chunk = members[i:i + CLAIM]
            _claim_digests(chunk, day, now)
            emails = list(Email.objects.filter(member_id__in=chunk, key=key, sent_at=None).order_by("member_id"))
            for what in send_many(emails, connection):
                counts[what] = counts.get(what, 0) + 1
    finally:
        connection.close()
    return counts


def send_due(now=None) -> dict[str, int]:
    """The sweep a worker runs every few minutes: unsent rows again, and what waited for the
    window; the digests after DIGEST_HOUR."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for email in Email.objects.filter(sent_at=None).exclude(key__startswith="confirm:"):
        try:
            send_row(email)
            counts["resent"] = counts.get("resent", 0) + 1
        except Exception:
            log.exception("e-mail %s failed again", email.pk)
    waiting = (Preferences.objects.exclude(confirmed_email="").filter(member_id__in=Notification.objects.filter(
        email=None, read_at=None).values("recipient_id")).values_list("member_id", flat=True))
    for member_id in waiting:
        what = deliver_now(member_id, now)
        counts[what] = counts.get(what, 0) + 1
    if timezone.localtime(now).hour >= DIGEST_HOUR:
        for what, n in send_digests(timezone.localdate(now)).items():
            counts[f"digest-{what}"] = n
    return counts


def send_confirmation(member_id: int, address: str, nonce: str) -> bool:
    member = Member.objects.filter(pk=member_id, is_deleted=False).first()
    if member is None or member.email != address:
        return False
    try:
        with transaction.atomic():
            email = Email.objects.create(member_id=member_id, key=f"confirm:{nonce}"[:40])
    except IntegrityError:
        email = Email.objects.get(member_id=member_id, key=f"confirm:{nonce}"[:40])
        if email.sent_at is not None:
            return False
    message = mail.confirmation_message(member, address)
    try:
        message.send()
    except Exception as exc:
        Email.objects.filter(pk=email.pk).update(attempts=email.attempts + 1, error=mail.one_line(repr(exc))[:300])
        raise
    Email.objects.filter(pk=email.pk).update(sent_at=timezone.now())
    return True
