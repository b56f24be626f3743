"""Every change a member makes to their notifications: reading, following, e-mail preferences,
confirming an address, unsubscribing. (Who is told of what: notify.telling, run by the tasks.)"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Member
from core.tasks import enqueue_on_commit
from notify import kinds
from notify.models import Follow, Notification, Preferences


def preferences(member_id: int) -> Preferences:
    prefs: Preferences = Preferences.objects.get_or_create(member_id=member_id)[0]
    return prefs


# --- reading ----------------------------------------------------------------------------

def mark_read(member: Member, ids: Iterable[int]) -> int:
    n: int = Notification.objects.filter(recipient=member, pk__in=list(ids), read_at=None).update(
        read_at=timezone.now())
    _changed(member.pk)
    return n


def mark_all_read(member: Member) -> int:
    n: int = Notification.objects.filter(recipient=member, read_at=None).update(read_at=timezone.now())
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
    deleted: int = Follow.objects.filter(member_id=member_id, article_id=article_id).delete()[0]
    return deleted > 0


def is_following(member_id: int, article_id: int) -> bool:
    found: bool = Follow.objects.filter(member_id=member_id, article_id=article_id).exists()
    return found


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

    enqueue_on_commit(tasks.send_confirmation, member.pk, member.email, uuid.uuid4().hex[:12])
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
