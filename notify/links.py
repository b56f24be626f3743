"""Signed links in e-mails: confirm an address, unsubscribe, unfollow. Each is signed with the
site's key and its own salt (one kind of link cannot stand for another) and lasts a while;
a tampered or expired one is refused, and the page says so, changing nothing."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_MAX_AGE = timedelta(days=7)  # a confirmation link older than this asks for a new one
# Unsubscribe and unfollow links live long: a reader acts on an old e-mail too.
LINK_MAX_AGE = timedelta(days=365)

_CONFIRM, _UNSUBSCRIBE, _UNFOLLOW = "notify.confirm", "notify.unsubscribe", "notify.unfollow"


def absolute(path: str) -> str:
    return str(settings.VECHE_SITE_URL).rstrip("/") + path


def confirm_url(member_id: int, address: str) -> str:
    token = signing.dumps({"m": member_id, "e": address}, salt=_CONFIRM, compress=True)
    return absolute(reverse("notify:confirm", args=[token]))


def unsubscribe_url(member_id: int, kind: str = "") -> str:
    token = signing.dumps({"m": member_id, "k": kind}, salt=_UNSUBSCRIBE, compress=True)
    return absolute(reverse("notify:unsubscribe", args=[token]))


def unfollow_url(member_id: int, article_id: int) -> str:
    token = signing.dumps({"m": member_id, "a": article_id}, salt=_UNFOLLOW, compress=True)
    return absolute(reverse("notify:unfollow-link", args=[token]))


def _read(token: str, salt: str, max_age: timedelta) -> dict | None:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):  # SignatureExpired is a BadSignature
        return None
    return data if isinstance(data, dict) else None


def read_confirm(token: str) -> tuple[int, str] | None:
    data = _read(token, _CONFIRM, CONFIRM_MAX_AGE)
    if data is None or not isinstance(data.get("m"), int) or not isinstance(data.get("e"), str):
        return None
    return data["m"], data["e"]


def read_unsubscribe(token: str) -> tuple[int, str] | None:
    data = _read(token, _UNSUBSCRIBE, LINK_MAX_AGE)
    if data is None or not isinstance(data.get("m"), int) or not isinstance(data.get("k"), str):
        return None
    return data["m"], data["k"]


def read_unfollow(token: str) -> tuple[int, int] | None:
    data = _read(token, _UNFOLLOW, LINK_MAX_AGE)
    if data is None or not isinstance(data.get("m"), int) or not isinstance(data.get("a"), int):
        return None
    return data["m"], data["a"]
