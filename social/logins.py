"""A login to suggest at a first sign-in with a provider, from what the provider calls the
person: it must pass Veche's login rules and be free (not taken, not confusable), else a number
is added; the person can always change it."""

import re

from accounts.actions import check_login_available
from accounts.models import LOGIN_MAX, LOGIN_MIN
from core.errors import ActionError

_NOT_ALLOWED = re.compile(r"[^\w \-.]+")
TRIES = 20  # "name", "name 2" … "name 20": past that the person picks one


def _shape(candidate: str) -> str:
    text = _NOT_ALLOWED.sub(" ", candidate or "")
    text = " ".join(text.split())[:LOGIN_MAX].strip()
    return text if len(text) >= LOGIN_MIN else ""


def suggest_login(*candidates: str) -> str:
    for raw in candidates:
        base = _shape(raw)
        if not base:
            continue
        for n in range(1, TRIES + 1):
            suffix = "" if n == 1 else f" {n}"
            login = base[: LOGIN_MAX - len(suffix)].strip() + suffix
            try:
                check_login_available(login)
            except ActionError:
                continue
            return login
    return ""
