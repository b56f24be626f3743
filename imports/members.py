"""Imported commenters become members that cannot sign in until they claim the account.

The same person (the same key in the same source) is always the same member; a login that
is taken by someone else, or confusable with an existing login, gets a visible suffix
("Bakht-imported", then "Bakht-imported-2") — never a silent merge with a live member."""

from django.contrib.auth.hashers import make_password

from accounts.models import LOGIN_MAX, Member
from accounts.validators import validate_login_shape
from core.text import fold, skeleton

SUFFIX = "-imported"


def _usable_login(login: str) -> str:
    """Make an arbitrary source name fit the login rules."""
    cleaned = "".join(ch if (ch.isalnum() or ch in " -_.") else " " for ch in login)
    cleaned = " ".join(cleaned.split())[:LOGIN_MAX].strip()
    if len(cleaned) < 2:
        cleaned = (cleaned + "-member")[:LOGIN_MAX]
    try:
        validate_login_shape(cleaned)
    except Exception:
        cleaned = "member"
    return cleaned


def _taken(login: str) -> bool:
    return Member.objects.filter(login_folded=fold(login)).exists() or Member.objects.filter(
        login_skeleton=skeleton(login)).exists()


def resolve(source: str, key: str, login: str, *, real_name: str = "", email: str = "",
            deleted: bool = False, joined=None) -> Member:
    """The member for `key` in `source`, created on first sight."""
    import_key = f"{source}:{key}"[:200]
    found = Member.objects.filter(import_key=import_key).first()
    if found is not None:
        return found
    base = _usable_login(login)
    candidate = base
    n = 1
    while _taken(candidate):
        n += 1
        tail = SUFFIX if n == 2 else f"{SUFFIX}-{n - 1}"
        candidate = base[: LOGIN_MAX - len(tail)].rstrip() + tail
    extra = {"date_joined": joined} if joined else {}
    member = Member(login=candidate, real_name=(real_name or "")[:64], email=(email or "")[:254],
                    is_imported=True, is_deleted=deleted, is_active=not deleted,
                    import_key=import_key, password=make_password(None), **extra)
    member.save()
    return member


def joined_by(member: Member, when) -> None:
    """An imported comment written at `when`: its author had joined by then. A member created
    by the import (date_joined: the day of the import) or given a later join date by its
    source would otherwise show "Joined" after their first comment."""
    if when is not None and member.date_joined is not None and when < member.date_joined:
        Member.objects.filter(pk=member.pk, date_joined__gt=when).update(date_joined=when)
        member.date_joined = when
