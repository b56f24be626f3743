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
from django.utils import translation
from django.utils.html import escape, json_script
from django.utils.translation import get_language, gettext, ngettext

from core import compress
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

    __slots__ = ("parts", "slots", "generation", "deflated", "ids")

    def __init__(self, html: bytes, generation: int | None = None):
        self.generation = generation  # the article's page generation it was rendered under
        self.parts, self.slots = cut(_CUT, html, bytes.decode)
        # The parts deflated apart (core.compress.deflate_part), once, by the page cache's
        # compressor after the skeleton is kept; None until then (the page goes plain).
        self.deflated: list[bytes] | None = None
        # The comments on the page, in page order: which are new is decided per member.
        self.ids = [int(i) for i in _COMMENT_IDS.findall(html)]

    def deflate(self) -> None:
        """Deflate the parts (the page cache's compressor thread calls this, once)."""
        self.deflated = [compress.deflate_part(p) for p in self.parts]

    def fill(self, values: dict[str, bytes]) -> bytes:
        out = [self.parts[0]]
        for name, literal in zip(self.slots, self.parts[1:], strict=True):
            out.append(values[name])
            out.append(literal)
        return b"".join(out)

    def fill_gzip(self, values: dict[str, bytes]) -> bytes | None:
        """The filled page gzip-encoded from the deflated parts, the member's values stored
        between them uncompressed (see core.compress); None until the parts are deflated."""
        deflated = getattr(self, "deflated", None)  # a skeleton pickled before it had them
        if deflated is None:
            return None
        plain: list[bytes] = [self.parts[0]]
        coded: list[bytes | None] = [deflated[0]]
        for name, literal, literal_coded in zip(self.slots, self.parts[1:], deflated[1:], strict=True):
            plain += (values[name], literal)
            coded += (None, literal_coded)
        return compress.gzip_joined(plain, coded)


def account_links(member) -> bytes:
    """The header's account links, with a slot for the token (reads the cache, or the database)."""
    from accounts.roles import can_moderate
    from notify.unread import unread_count

    return _account(member, unread_count(member), can_moderate(member))


def follow_button(member, article_id: int) -> bytes:
    """The follow button's form, with a slot for the token (reads the database)."""
    from notify.follow import button

    return button(member.pk, article_id, MARKERS["token"])


def member_style(member) -> str:
    """The member's own rules besides their marks on the article: the collapsed comments of the
    members they ignore (curation.ignoring)."""
    from curation import ignoring

    return ignoring.style(ignoring.ignored_ids(member.pk))


def ignoring_words_needed(style: str) -> bool:
    from curation import ignoring

    return ignoring.WORDS in style


def ignoring_words() -> str:
    """The stand-in sentence of an ignored member's comment, in the active language: member_style
    is kept per member whatever the language, so its words are added when the page is filled."""
    from curation import ignoring

    return "#thread{" + ignoring.WORDS + ":" + _css_string(" " + gettext("Comment by a member you ignore — show")) + "}"


def _css_string(text: str) -> str:
    """`text` as a CSS string: every character but letters, digits and spaces escaped."""
    # Each escape ends with a space, which CSS takes as the escape's end: a space written after
    # it in the text then stays ("ignore — show" kept its second space only so).
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x} " for c in text) + '"'


def new_since(new: list[int], nonce: str) -> bytes:
    """The `new` slot: a style block marking the comments new to the member (works without
    JavaScript) and a link to the first, which the script turns into "next new comment"."""
    if not new:
        return b""
    rules = (",".join(f"#c{i}>header" for i in new) + "{box-shadow:inset 3px 0 0 var(--focus)}"
             + ",".join(f"#c{i}>header::after" for i in new)
             + "{content:" + _css_string(gettext("new")) + ";margin-left:.4rem;font-weight:700;color:var(--focus)}")
    label = ngettext("%(n)d new comment since your last visit", "%(n)d new comments since your last visit",
                     len(new)) % {"n": len(new)}
    return (f'<style nonce="{nonce}">{rules}</style>'
            f'<p class="new-since"><a class="button small" id="next-new" href="#c{new[0]}" '
            f'data-new="{escape(",".join(map(str, new)))}" data-next-label="{escape(gettext("Next new comment"))}">'
            f'{escape(label)}</a></p>').encode()


def values(member, m: Marks, token: str, nonce: str, account: bytes | None = None,
           follow: bytes | None = None, article_id: int | None = None,
           extra: str | None = None, new: list[int] | None = None) -> dict[str, bytes]:
    """The slots of one member's page. `follow`: the follow button (made for `article_id`
    when not given); `extra`: member_style(member), when known; `new`: the ids of the
    comments new to them on it."""
    extra = member_style(member) if extra is None else extra
    if ignoring_words_needed(extra):
        extra += "\n" + ignoring_words()
    rules = "\n".join(r for r in (m.style, extra) if r)
    account = account_links(member) if account is None else account
    if follow is None:
        follow = follow_button(member, article_id) if article_id is not None else b""
    return {
        "account": account.replace(MARKERS["token"].encode(), token.encode()),
        "follow": follow.replace(MARKERS["token"].encode(), token.encode()),
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
    key = (member.pk, member.login, unread, moderator, get_language())
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
# (member, article, generation, language) → (Marks, follow button, where their visit began:
# visits.marks.baseline)
_marks: Memo = Memo("member-marks", items=50_000, ttl=MEMO_SECONDS)
_styles: Memo[str] = Memo("member-styles", items=50_000, ttl=MEMO_SECONDS)  # member → member_style


def forget_member(member_id: int) -> None:
    """The member's own rules changed (their ignore list): this process reads them again."""
    _styles.pop(member_id)



def personalise(skeleton: Skeleton, article_id: int, session_key: str, csrf_secret: str, language: str,
                explicit: bool = True, gzip: bool = False):
    """(body, nonce, content encoding) of the member's page — gzip-encoded when `gzip` asks
    and the skeleton's parts are deflated (see _fill) — or None when Django must answer: the session is
    not a signed-in member's, or it holds something this page would show (a message, a draft),
    or the page would not be the shared one (a comment awaiting moderation, a ban).
    Runs in a worker thread: it reads the session, the member and their marks, and keeps
    them for personalise_from_memory. `language`: the reader's (the skeleton is in it); the
    account links are written in it. Not `explicit` (neither ?lang= nor the language cookie
    chose it: the browser's), a member who saved another language gets Django's answer, in
    theirs (core.middleware.LanguageMiddleware then sets the cookie)."""
    from django.db import close_old_connections

    close_old_connections()
    try:
        with translation.override(language):
            return _personalise(skeleton, article_id, session_key, csrf_secret, language, explicit, gzip)
    finally:
        close_old_connections()


def _personalise(skeleton: Skeleton, article_id: int, session_key: str, csrf_secret: str, language: str,
                 explicit: bool, gzip: bool):
    from django.contrib import auth

    from accounts import presence
    from moderation.policy import active_ban

    session = _session(session_key)
    if session.is_empty() or "_messages" in session or "comment_draft" in session:
        return None
    member = auth.get_user(SimpleNamespace(session=session))
    if not member.is_authenticated or active_ban(member) or not _speaks(member, language, explicit):
        return None
    m = discussion_page.marks(member.pk, article_id)
    if m.personal:
        return None
    presence.touch(member)
    account = account_links(member)
    follow = follow_button(member, article_id)  # in the reader's language, as the key says
    extra = member_style(member)
    start = visits.baseline(member.pk, article_id, max(skeleton_ids(skeleton), default=0))
    _viewers.put((session_key, language), (member, session.get(auth.HASH_SESSION_KEY), account))
    _marks.put((member.pk, article_id, skeleton.generation, language), (m, follow, start))
    _styles.put(member.pk, extra)
    return _fill(skeleton, member, m, csrf_secret, account, follow, gzip, extra, start)


def _speaks(member, language: str, explicit: bool) -> bool:
    """Whether the page in `language` is the one Django would give this member."""
    from core.languages import supported

    return explicit or not supported(member.language) or member.language == language


def personalise_from_memory(skeleton: Skeleton, article_id: int, session_key: str, csrf_secret: str,
                            language: str, explicit: bool = True, gzip: bool = False):
    """_from_memory in the reader's language: the member's values written now (the ignored
    comments' sentence, the new-since label) are words too."""
    with translation.override(language):
        return _from_memory(skeleton, article_id, session_key, csrf_secret, language, explicit, gzip)


def _from_memory(skeleton: Skeleton, article_id: int, session_key: str, csrf_secret: str,
                 language: str, explicit: bool = True, gzip: bool = False):
    """personalise for a member whose session, account links and marks on this state of the
    article were read within MEMO_SECONDS: no database, one cache read (the session, which
    must still say the same member with the same password), so it runs on the event loop.
    None when personalise must run. What it may show late, by at most MEMO_SECONDS: a new
    unread-notifications count, a follow button just pressed, a ban or a password change made elsewhere (Django, which answers
    every form, applies those at once); an Edit link just past its window (the edit is then
    refused with a reason). Anything that changes the discussion changes the generation,
    and so the key of the marks."""
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY

    viewer = _viewers.get((session_key, language))  # the account links are in that language
    if viewer is None or skeleton.generation is None:
        return None
    member, auth_hash, account = viewer
    if not _speaks(member, language, explicit):
        return None
    kept = _marks.get((member.pk, article_id, skeleton.generation, language))
    extra = _styles.get(member.pk)
    if kept is None or extra is None:
        return None
    m, follow, start = kept
    data = _cached_session(session_key)
    if (not data or data.get(SESSION_KEY) != str(member.pk) or data.get(HASH_SESSION_KEY) != auth_hash
            or "_messages" in data or "comment_draft" in data):
        return None
    return _fill(skeleton, member, m, csrf_secret, account, follow, gzip, extra, start)


def viewer_id(session_key: str, language: str) -> int | None:
    """The id of the member whose page was last filled for this session (the request log)."""
    viewer = _viewers.get((session_key, language))
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
          follow: bytes, gzip: bool = False, extra: str | None = None,
          start: int | None = None) -> tuple[bytes, str, str | None]:
    """(body, CSP nonce, its content encoding: "gzip" when asked for and the skeleton's
    parts are deflated, else None)."""
    from django.middleware.csrf import _mask_cipher_secret  # the token Django's forms carry

    nonce = secrets.token_urlsafe(12)
    new = visits.pick(skeleton_ids(skeleton), start, m.own)
    filled = values(member, m, _mask_cipher_secret(csrf_secret), nonce, account, follow, extra=extra, new=new)
    if gzip:
        body = skeleton.fill_gzip(filled)
        if body is not None:
            return body, nonce, "gzip"
    return skeleton.fill(filled), nonce, None
