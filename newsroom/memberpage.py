"""Article pages for signed-in members, assembled from a skeleton shared by all of them.

One member's article page differs from another's in a few places only: the account links in
the header, the CSRF token of its forms, the key that makes the comment form idempotent, the
member's id and votes for the script, and a style block marking their own comments and votes
(with the request's CSP nonce). The article view renders the page with those places left as
slots — the skeleton — and keeps it like the anonymous page: under the article's generation,
for at most pagecache.TTL seconds. Each member's page is the skeleton with its slots filled,
by the article view or, without entering Django, by the ASGI front (`personalise`).

A page that is not the same for every member besides those slots — the member has a comment
awaiting moderation on it or one with a word from the moderators (shown to them only), a saved draft, a message to show, a ban
notice — is rendered for that member alone and not kept.
"""

import secrets
import uuid
from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import json_script

from core.memo import Memo
from core.slots import cut, cutter, marker
from discussion import page as discussion_page
from discussion.page import Marks
from newsroom.variations import MEMBER_SLOTS

SLOTS = MEMBER_SLOTS  # what differs between members: see newsroom.variations
# Markers only the renderer can write (core.slots): a member's own text (a kept draft, say)
# holding NUL or a marker's name is shown as text, never filled.
MARKERS = {name: marker(name) for name in SLOTS}
_CUT = cutter(b"|".join(name.encode() for name in SLOTS))


class Skeleton:
    """A member page cut at its slots: literal bytes and slot names, alternating."""

    __slots__ = ("parts", "slots", "generation")

    def __init__(self, html: bytes, generation: int | None = None):
        self.generation = generation  # the article's page generation it was rendered under
        self.parts, names = cut(_CUT, html)
        self.slots = [p.decode() for p in names]

    def fill(self, values: dict[str, bytes]) -> bytes:
        out = [self.parts[0]]
        for name, literal in zip(self.slots, self.parts[1:], strict=True):
            out.append(values[name])
            out.append(literal)
        return b"".join(out)


def account_links(member) -> bytes:
    """The header's account links, with a slot for the token (reads the cache, or the database)."""
    from accounts.replies import unread_count
    from accounts.roles import can_moderate

    return _account(member, unread_count(member), can_moderate(member))


def member_style(member) -> str:
    """The member's own rules besides their marks on the article: the curation links their
    role allows and the collapsed comments of the members they ignore (curation.ignoring)."""
    from accounts.roles import can_moderate
    from curation import ignoring

    return ignoring.style(member.pk, ignoring.ignored_ids(member.pk), can_moderate(member))


def values(member, m: Marks, token: str, nonce: str, account: bytes | None = None,
           extra: str | None = None) -> dict[str, bytes]:
    """The slots of one member's page. `extra`: member_style(member), when known."""
    extra = member_style(member) if extra is None else extra
    rules = "\n".join(r for r in (m.style, extra) if r)
    account = account_links(member) if account is None else account
    return {
        "account": account.replace(MARKERS["token"].encode(), token.encode()),
        "style": f'<style nonce="{nonce}">{rules}</style>'.encode() if rules else b"",
        "token": token.encode(),
        "me": str(member.pk).encode(),
        "votes": json_script(m.votes, "my-votes").encode(),
        "idem": uuid.uuid4().hex.encode(),
    }


_accounts: Memo[bytes] = Memo("account-links", items=10_000)


def _account(member, unread: int, moderator: bool) -> bytes:
    """The header's account links, rendered once per member and state (with a slot for the
    token): a template render costs more than the rest of a member page."""
    key = (member.pk, member.login, unread, moderator)
    return _accounts.get_or_make(key, lambda: render_to_string("_account.html", {
        "user": member, "csrf_token": MARKERS["token"], "unread_replies": unread,
        "can_moderate": moderator}).encode())


def shareable(request, member, m: Marks, draft) -> bool:
    """Whether the page rendered for this request may serve other members as a skeleton."""
    from django.contrib.messages import get_messages

    from moderation.policy import active_ban

    return not (m.personal or draft or len(get_messages(request)) or active_ban(member))


# --- the ASGI front's side ------------------------------------------------------------------

def _session(session_key: str):
    from importlib import import_module

    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


MEMO_SECONDS = 5  # a member seen this recently is served from memory (see personalise_from_memory)


_viewers: Memo[tuple] = Memo("viewers", items=10_000, ttl=MEMO_SECONDS)  # session key → (member, auth hash, account links)
_marks: Memo = Memo("member-marks", items=50_000, ttl=MEMO_SECONDS)  # (member, article, generation) → Marks
_styles: Memo[str] = Memo("member-styles", items=50_000, ttl=MEMO_SECONDS)  # member → member_style


def forget_member(member_id: int) -> None:
    """The member's own rules changed (their ignore list): this process reads them again."""
    _styles.pop(member_id)



def personalise(skeleton: Skeleton, article_id: int, session_key: str, csrf_secret: str):
    """(body, nonce) of the member's page, or None when Django must answer: the session is
    not a signed-in member's, or it holds something this page would show (a message, a draft),
    or the page would not be the shared one (a comment awaiting moderation, a ban).
    Runs in a worker thread: it reads the session, the member and their marks, and keeps
    them for personalise_from_memory."""
    from django.contrib import auth
    from django.db import close_old_connections

    from accounts import presence
    from moderation.policy import active_ban

    close_old_connections()
    try:
        session = _session(session_key)
        if session.is_empty() or "_messages" in session or "comment_draft" in session:
            return None
        member = auth.get_user(SimpleNamespace(session=session))
        if not member.is_authenticated or active_ban(member):
            return None
        m = discussion_page.marks(member.pk, article_id)
        if m.personal:
            return None
        presence.touch(member)
        account = account_links(member)
        extra = member_style(member)
        _viewers.put(session_key, (member, session.get(auth.HASH_SESSION_KEY), account))
        _marks.put((member.pk, article_id, skeleton.generation), m)
        _styles.put(member.pk, extra)
        return _fill(skeleton, member, m, csrf_secret, account, extra)
    finally:
        close_old_connections()


def personalise_from_memory(skeleton: Skeleton, article_id: int, session_key: str, csrf_secret: str):
    """personalise for a member whose session, account links and marks on this state of the
    article were read within MEMO_SECONDS: no database, one cache read (the session, which
    must still say the same member with the same password), so it runs on the event loop.
    None when personalise must run. What it may show late, by at most MEMO_SECONDS: a new
    unread-replies count, a ban or a password change made elsewhere (Django, which answers
    every form, applies those at once); an Edit link just past its window (the edit is then
    refused with a reason). Anything that changes the discussion changes the generation,
    and so the key of the marks."""
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY

    viewer = _viewers.get(session_key)
    if viewer is None or skeleton.generation is None:
        return None
    member, auth_hash, account = viewer
    m = _marks.get((member.pk, article_id, skeleton.generation))
    extra = _styles.get(member.pk)
    if m is None or extra is None:
        return None
    data = _cached_session(session_key)
    if (not data or data.get(SESSION_KEY) != str(member.pk) or data.get(HASH_SESSION_KEY) != auth_hash
            or "_messages" in data or "comment_draft" in data):
        return None
    return _fill(skeleton, member, m, csrf_secret, account, extra)


def viewer_id(session_key: str) -> int | None:
    """The id of the member whose page was last filled for this session (the request log)."""
    viewer = _viewers.get(session_key)
    return viewer[0].pk if viewer is not None else None


def _cached_session(session_key: str) -> dict | None:
    """The session's data as the cached_db engine keeps it in the cache, or None (not cached,
    or another engine: the thread path reads it properly)."""
    from django.core.cache import caches

    from core.cache import CacheUnavailable

    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.cached_db":
        return None
    try:
        return caches[settings.SESSION_CACHE_ALIAS].get(_session(session_key).cache_key)
    except CacheUnavailable:
        return None


def _fill(skeleton: Skeleton, member, m: Marks, csrf_secret: str, account: bytes,
          extra: str) -> tuple[bytes, str]:
    from django.middleware.csrf import _mask_cipher_secret  # the token Django's forms carry

    nonce = secrets.token_urlsafe(12)
    return skeleton.fill(values(member, m, _mask_cipher_secret(csrf_secret), nonce, account, extra)), nonce
