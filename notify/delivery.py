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
from django.utils import timezone

from accounts.models import Member
from notify import kinds, mail
from notify.models import Email, Notification, Preferences
from notify.unread import visible

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


def send_digest(member_id: int, day: date, connection=None, now=None) -> str:
    """The member's digest for `day`, once: its row's key is the day."""
    now = now or timezone.now()
    found = Address.of(member_id)
    if found is None:
        return "none"
    key = f"digest:{day.isoformat()}"
    email = Email.objects.filter(member_id=member_id, key=key).first()
    if email is None:
        with transaction.atomic():
            prefs = Preferences.objects.select_for_update().get(member_id=member_id)
            member = found[0]
            if prefs.last_email_at and now - prefs.last_email_at < WINDOW:
                return "wait"
            ids = list(_pending(member, prefs, kinds.DAILY, before=now).order_by("id").values_list("id", flat=True)[:200])
            if not ids:
                return "none"
            try:
                with transaction.atomic():
                    email = Email.objects.create(member_id=member_id, key=key)
            except IntegrityError:
                return "none"
            Notification.objects.filter(pk__in=ids, email=None).update(email=email)
            prefs.last_email_at = now
            prefs.save(update_fields=["last_email_at"])
    elif email.sent_at is not None:
        return "none"  # sent already: a restarted run skips it
    return "sent" if send_row(email, connection) else "none"


def send_digests(day: date | None = None) -> dict[str, int]:
    """Every member's digest for `day` (today), over one SMTP connection. Safe to run again
    (a restarted worker): who has theirs is skipped."""
    day = day or timezone.localdate()
    counts: dict[str, int] = {}
    connection = get_connection()
    try:
        connection.open()
        for member_id in digest_members(day):
            try:
                what = send_digest(member_id, day, connection)
            except Exception:  # one refused address does not stop the others; its row waits
                log.exception("digest to member %s failed", member_id)
                what = "failed"
                connection.close()
                connection.open()
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
