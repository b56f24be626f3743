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

import re
import secrets
import uuid
from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, json_script
from django.utils.translation import gettext, ngettext

from core.memo import Memo
from core.slots import cut, cutter, marker
from discussion import page as discussion_page
from discussion.page import Marks
from newsroom.variations import MEMBER_SLOTS
from visits import marks as visits

SLOTS = MEMBER_SLOTS  # what differs between members: see newsroom.variations
# Markers only the renderer can write (core.slots): a member's own text (a kept draft, say)
# holding NUL or a marker's name is shown as text, never filled.
MARKERS = {name: marker(name) for name in SLOTS}
_CUT = cutter(b"|".join(name.encode() for name in SLOTS))
_COMMENT_IDS = re.compile(rb'<li id="c(\d+)" class="comment(?! gone)')  # not placeholders


class Skeleton:
    """A member page cut at its slots: literal bytes and slot names, alternating."""

    __slots__ = ("parts", "slots", "generation", "ids")

    def __init__(self, html: bytes, generation: int | None = None):
        self.generation = generation  # the article's page generation it was rendered under
        self.parts, names = cut(_CUT, html)
        self.slots = [p.decode() for p in names]
        # The comments on the page, in page order: which are new is decided per member.
        self.ids = [int(i) for i in _COMMENT_IDS.findall(html)]

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


def _css_string(text: str) -> str:
    """`text` as a CSS string: every character but letters, digits and spaces escaped."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in text) + '"'


def new_since(new: list[int], nonce: str) -> bytes:
    """The `new` slot: a style block marking the comments new to the member (works without
    JavaScript) and a link to the first, which the script turns into "next new comment"."""
    if not new:
        return b""
    rules = (",".join(f"#c{i}>.c" for i in new) + "{box-shadow:inset 3px 0 0 var(--focus)}"
             + ",".join(f"#c{i}>.c .c-meta::after" for i in new)
             + "{content:" + _css_string(gettext("new")) + ";margin-left:.4rem;font-weight:700;color:var(--focus)}")
    label = ngettext("%(n)d new comment since your last visit", "%(n)d new comments since your last visit",
                     len(new)) % {"n": len(new)}
    return (f'<style nonce="{nonce}">{rules}</style>'
            f'<p class="new-since"><a class="button small" id="next-new" href="#c{new[0]}" '
            f'data-new="{escape(",".join(map(str, new)))}" data-next-label="{escape(gettext("Next new comment"))}">'
            f'{escape(label)}</a></p>').encode()


def values(member, m: Marks, token: str, nonce: str, account: bytes | None = None,
           new: list[int] | None = None) -> dict[str, bytes]:
    """The slots of one member's page; `new`: the ids of the comments new to them on it."""
    rules = m.style
    account = account_links(member) if account is None else account
    return {
        "account": account.replace(MARKERS["token"].encode(), token.encode()),
        "style": f'<style nonce="{nonce}">{rules}</style>'.encode() if rules else b"",
        "token": token.encode(),
        "me": str(member.pk).encode(),
        "votes": json_script(m.votes, "my-votes").encode(),
        "idem": uuid.uuid4().hex.encode(),
        "new": new_since(new or [], nonce),
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
# (member, article, generation) → (Marks, where their visit began: visits.marks.baseline)
_marks: Memo = Memo("member-marks", items=50_000, ttl=MEMO_SECONDS)



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
        start = visits.baseline(member.pk, article_id, max(skeleton_ids(skeleton), default=0))
        _viewers.put(session_key, (member, session.get(auth.HASH_SESSION_KEY), account))
        _marks.put((member.pk, article_id, skeleton.generation), (m, start))
        return _fill(skeleton, member, m, csrf_secret, account, start)
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
    kept = _marks.get((member.pk, article_id, skeleton.generation))
    if kept is None:
        return None
    m, start = kept
    data = _cached_session(session_key)
    if (not data or data.get(SESSION_KEY) != str(member.pk) or data.get(HASH_SESSION_KEY) != auth_hash
            or "_messages" in data or "comment_draft" in data):
        return None
    return _fill(skeleton, member, m, csrf_secret, account, start)


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


def skeleton_ids(skeleton: Skeleton) -> list[int]:
    return getattr(skeleton, "ids", None) or []  # a skeleton kept before it listed them: none


def _fill(skeleton: Skeleton, member, m: Marks, csrf_secret: str, account: bytes,
          start: int | None) -> tuple[bytes, str]:
    from django.middleware.csrf import _mask_cipher_secret  # the token Django's forms carry

    nonce = secrets.token_urlsafe(12)
    new = visits.pick(skeleton_ids(skeleton), start, m.own)
    return skeleton.fill(values(member, m, _mask_cipher_secret(csrf_secret), nonce, account, new)), nonce
