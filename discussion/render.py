"""The discussion as HTML: one function renders a comment, the same for the page and for
the live stream; the thread is the flat node list wrapped in nested <ol> by comparing depths.

Rendering is plain string building (no template engine) because a 1,000-comment thread is
rendered on every cache miss; the markup here is the discussion's template.

The thread HTML is shared by every reader and cached. What differs between readers is kept
out of it: presence ("Online"/"Offline") with the member's rating, and the CSRF token, are
slots filled per request
(see `fill`); a viewer's own votes and comments are marked by a small style block. What only
one reader may read — their comments awaiting moderation, what moderators told them about
their comments — is never in it: a reader who has such a comment on the page gets a thread
rendered for them alone (discussion.page.for_viewer).
"""

from html import escape

from django.utils import translation
from django.utils.translation import get_language, gettext, pgettext

from accounts import ratings
from core import slots
from core.cache import memo_later
from core.display import Clock, clock
from core.memo import Memo
from core.text import quote_path
from discussion.decor import NONE, Decor
from discussion.models import Comment
from discussion.threads import MAX_INDENT, CommentRow, Node

# Slots a thread leaves for each request: the CSRF token ("t") and members' presence with their
# rating ("p<id>"): both move without the thread changing (a vote on another article moves a rating).
# Their markers carry this process's tag (core.slots), so no comment, name or note can make one.
TOKEN_SLOT = slots.marker("t")
_CUT = slots.cutter(rb"t|p[0-9]+")
_MARK = slots.TAG.encode()  # what begins a slot's name between its NULs (core.slots.marker)

def presence_slot(member_id: int) -> str:
    return slots.marker(f"p{member_id}")


def render_presence(until: float | None, rating: int | None = None) -> str:
    """What a member's slot holds: their rating, if they show one (accounts.ratings), then Online
    (with the time it lapses, for the page's script) or Offline, in the active language."""
    w = words()
    if until:
        presence = f'<span class="presence on" title="{w["online"]}" data-until="{int(until)}">{w["online"]}</span>'
    else:
        presence = f'<span class="presence" title="{w["offline"]}">{w["offline"]}</span>'
    return presence if rating is None else with_rating(presence, ratings.shown(rating))


def with_rating(presence: str, shown: str) -> str:
    """The presence span carrying the member's rating as an attribute, which the stylesheet
    shows beside it (one element a comment fewer than a span of its own: issue 21's markup
    budget; the page's script, changing the presence's text, leaves the rating be)."""
    return f'<span data-rating="{shown}" {presence[6:]}'


def _words() -> dict[str, str]:
    """The discussion markup's words in the active language, escaped for HTML."""
    return {k: escape(v) for k, v in {
        "online": pgettext("presence", "Online"), "offline": pgettext("presence", "Offline"),
        "rating": gettext("Rating"), "deleted": gettext("Comment deleted by its author."),
        "removed": gettext("Comment removed by a moderator."),
        "reason": gettext("Reason:"), "in_reply_to": gettext("in reply to"),
        "edited": gettext("edited"), "edited_by_mod": gettext("edited by a moderator"),
        "held": gettext("awaiting moderation"),
        "reply": gettext("Reply"), "more": gettext("More"),
        "picked": gettext("Editors’ pick"), "picked_title": gettext("Chosen by the editors"),
    }.items()}


def words(language: str | None = None) -> dict[str, str]:
    """The words in `language` (the active one by default): a caller passing the thread's
    language saves a lookup a comment; what is made is made in the language it is kept under."""
    language = language or get_language()
    kept = _comment_words.data.get(language)  # read directly, as a render does: no expiry, no use order
    if kept is not None:
        return kept[0]
    return _comment_words.get_or_make(language, lambda: _in(language, _words))


def _in(language: str, make):
    """make() in `language`: only a miss pays for the switch."""
    if language == get_language():
        return make()
    with translation.override(language):
        return make()


# The discussion markup's words per language: a comment is rendered a thousand times a render,
# and a dozen catalogue lookups each cost more than the rest of it.
_comment_words: Memo[dict[str, str]] = Memo("comment-words", items=16)


def _author_bits(a, language: str | None = None, made: list | None = None) -> str:
    """The login link (with the real name, if it says something) and the presence slot of a
    comment's header, kept per author state (and language: a deleted account says so in words).
    `made`: where a render collects the bits it made, kept once its response has left (two
    hundred puts were a quarter of a millisecond of a render from nothing); else kept at once."""
    language = language or get_language()
    key = (a.pk, a.login, a.real_name, a.is_deleted, language)
    kept = _bylines.data.get(key)  # read directly, as the fragments are: no expiry, no use order
    if kept is not None:
        return kept[0]
    # Only a deleted account's bits have words; the others are made as they are, without
    # asking for the active language (a fifth of their making, two hundred times a render).
    bits = _in(language, lambda: _write_author_bits(a)) if a.is_deleted else _write_author_bits(a)
    if made is None:
        _bylines.put(key, bits)
    else:
        made.append((key, bits))
    return bits


_bylines: Memo[str] = Memo("bylines", items=50_000)


def _write_author_bits(a) -> str:
    """One element for the name: `dir="auto"` isolates it (a right-to-left login cannot reorder
    the header around it), so no <bdi> inside."""
    from accounts.models import real_name_shown

    login = escape(a.login)
    shown = real_name_shown(a.login, a.real_name)  # "123 (123)" says nothing twice
    byline = f"{login} ({escape(shown)})" if shown else login
    if a.is_deleted:
        # A deleted account: the name stays, without presence or profile link, and says it is gone.
        gone = escape(gettext("deleted account"))
        return f'<span class="login gone-account" dir="auto">{login}</span> ({gone})'
    return f'<a class="login" dir="auto" href="/members/{quote_path(a.login)}/">{byline}</a> {presence_slot(a.pk)}'


_LINK = '<a class="login"'


def _ranked(who: str, rank: str | None, language: str) -> str:
    """The author's bits with their rank riding on the name's link (data-rank, which the
    stylesheet shows after the name, as the rating rides on the presence span): no element of
    its own, on the thousand comments of a discussion whose members all have one. A deleted
    account, which has no link, shows none."""
    if not rank or not who.startswith(_LINK):
        return who
    return f'{_LINK} data-rank="{escape(rank_shown(rank, language))}"{who[len(_LINK):]}'


def rank_shown(name: str, language: str | None = None) -> str:
    """A rank's name in the reader's language: the default ranks' names are in the catalogues
    (curation.ranks.DEFAULT_NAMES); a name of the operator's own has no entry and reads as
    written. Kept by (name, language), so a renamed rank is simply another key."""
    language = language or get_language()
    key = (name, language)
    kept = _rank_names.data.get(key)  # read directly, as the bylines are
    if kept is not None:
        return kept[0]
    shown = _in(language, lambda: pgettext("rank", name))
    _rank_names.put(key, shown)
    return shown


_rank_names: Memo[str] = Memo("rank-names", items=256)


_GONE = {Comment.Status.DELETED: "deleted", Comment.Status.REMOVED: "removed"}  # their words (words())
_REMOVED = Comment.Status.REMOVED


BADGES = ("author", "staff", "moderator")


def badge_words() -> dict[str, tuple[str, str]]:
    """Each badge's label and its explanation (its title; /rules/ says the same)."""
    return {
        "author": (gettext("Author"), gettext("The author of this article")),
        "staff": (gettext("Staff"), gettext("A member of the editorial staff, speaking for the publication")),
        "moderator": (gettext("Moderator"), gettext("A moderator of the discussion")),
    }


def _badges(kinds: tuple[str, ...]) -> str:
    if not kinds:
        return ""
    words = badge_words()
    return "".join(f' <span class="badge b-{k}" title="{escape(words[k][1])}">{escape(words[k][0])}</span>'
                   for k in kinds)


def render_comment(node: Node, *, held: bool = False, private: bool = False, authors: dict | None = None,
                   times: Clock | None = None, decor: Decor = NONE, language: str | None = None,
                   w: dict[str, str] | None = None) -> str:
    """One comment as an open <li> (its replies, if any, follow before the closing tag): see
    _comment. `private`: the markup goes to the comment's author alone, so it carries what
    moderators said to them (a removal's reason, an edit's note); markup for every reader says
    only that a moderator removed or edited it. `authors` memoises the author fragments across
    one thread (members comment often); `times` is the site zone's clock and `language` the
    active language, both looked up once per thread; `w`, the words in that language (words())."""
    language = language or get_language()
    return _comment(node, held, private, {} if authors is None else authors, times or clock(language), decor,
                    language, w or words(language))


def _comment(node: Node, held: bool, private: bool, authors: dict, times: Clock, decor: Decor, language: str,
             w: dict[str, str], bylines: list | None = None) -> str:
    """render_comment with everything looked up once per thread passed in, by position: the
    hottest function of a render from nothing (a thousand calls; each lookup of the language
    reads a context-local variable, and a thousand of them were a tenth of a render). Its id is
    written out once, not at each use, and a row's fields are read without the properties that
    would convert them. `bylines`: where the header bits it makes go, for the render to keep
    (_author_bits).

    Eleven elements for a plain comment (at most twelve on average: docs/performance.md): the
    header (its number, which is the permalink, the name, presence, the time), the text, and
    the actions every comment has — reply, +, − (buttons of the thread's one vote form) and
    "More", the comment's action page (discussion.views.actions), which lists the rest for the
    viewer. Quoting is in the reply form the script opens (and by selection), and on that page."""
    c = node.comment
    cid = str(c.pk)
    row = type(c) is CommentRow
    iso, human = times.format(c._created if row else c.created)
    head_extra = ""
    if node.depth >= MAX_INDENT and node.parent is not None:  # (node.flattened)
        p = node.parent.comment
        head_extra = (f' <span class="reply-to">{w["in_reply_to"]} <a href="#c{p.pk}" dir="auto">'
                      f'{escape(p.author.login)}</a></span>')
    num = f'<a href="#c{cid}" class="num">{node.index}.</a>'
    gone = _GONE.get(c.status)
    if gone is not None:
        gone = w[gone]
        reason = ""
        if private and c.status == _REMOVED and c.moderation_reason:
            reason = f' <span class="mod-reason">{w["reason"]} {escape(c.moderation_reason)}</span>'
        return (
            f'<li id="c{cid}" class="comment gone" data-depth="{node.depth}">'
            f'<header>{num} <em>{gone}</em>{reason} <time datetime="{iso}">{human}</time>{head_extra}</header>'
        )
    who = authors.get(c.author_id)
    if who is None:
        who = authors[c.author_id] = _ranked(_author_bits(c.author, language, bylines),
                                             decor.ranks.get(c.author_id), language)
    marks = ""
    edited = c._edited if row else c.edited
    if edited:
        e_iso, e_human = times.format(edited)
        when = f' <time datetime="{e_iso}">{e_human}</time>'
        if c.moderator_note:
            note = f": {escape(c.moderator_note)}" if private else ""
            marks = f' <span class="edited mod-note">{w["edited_by_mod"]}{note}{when}</span>'
        else:
            marks = f' <span class="edited">{w["edited"]}{when}</span>'
    elif c.moderator_note:
        note = f": {escape(c.moderator_note)}" if private else ""
        marks = f' <span class="edited mod-note">{w["edited_by_mod"]}{note}</span>'
    if held:
        marks += f' <strong class="held-mark">{w["held"]}</strong>'
    picked = c.pk in decor.picked
    if picked:
        marks += f' <strong class="pick-mark" title="{w["picked_title"]}">{w["picked"]}</strong>'
    kinds = decor.badges.get(c.author_id)
    badges = _badges(kinds) if kinds else ""
    # The vote buttons belong to the thread's one vote form, which holds the thread (see
    # VOTE_FORM), each posting to its comment's address: one CSRF token per page instead of
    # one per comment. Their text
    # is the count (the script reads and rewrites it). Whose comment it is (data-author) lets
    # a member's style collapse the comments of those they ignore (curation.ignoring) and the
    # script add Edit and Delete to the member's own. "More" leads to the comment's action page,
    # which robots.txt keeps out of search: nofollow says so on the link too (its one word is no
    # description of a page a search engine should read).
    return (
        f'<li id="c{cid}" class="comment{" held" if held else ""}{" picked" if picked else ""}" '
        f'data-author="{c.author_id}" data-depth="{node.depth}">'
        f'<header>{num} {who}{badges} <time datetime="{iso}">{human}</time>{marks}{head_extra}</header>'
        f'<div class="c-text" dir="auto">{c.body_html}</div>'
        f'<a href="/comments/{cid}/reply/" data-act="reply">{w["reply"]}</a> '
        f'<button formaction="/comments/{cid}/vote/" class="plus" name="value" '
        f'value="1">+{c.plus}</button> '
        f'<button formaction="/comments/{cid}/vote/" class="minus" name="value" '
        f'value="-1">&#8722;{c.minus}</button> '
        f'<a href="/comments/{cid}/" class="more" rel="nofollow">{w["more"]}</a>'
    )


# The thread is inside its vote form, and the buttons are the form's by being in it. Pointed at
# from outside (form="vote-form" on every button, the form after the thread) the page's parsing
# took 2.2 s of a phone's main thread in one task: the browser re-checks a form's default
# button for each submit button associated with it through the attribute. Forms a script opens
# in a comment (reply, edit) are nested in this one, which the DOM allows: their fields are
# their own form's.
VOTE_FORM = ('<form id="vote-form" class="vote-form" method="post" action="">'
             f'<input type="hidden" name="csrfmiddlewaretoken" value="{TOKEN_SLOT}">')
THREAD_OPEN = VOTE_FORM + '<ol class="thread" id="thread">'
THREAD_CLOSE = "</ol></form>"
# Raised when the thread's markup changes shape, or what is kept with it (discussion.page.
# shared_parts: its public rows, their times ISO text since 4; its Split's size since 5): kept threads (Redis keeps them an
# hour, across a deploy) are keyed by it, so a page is never assembled from a value of another shape.
MARKUP = 5


def list_only(thread_html: bytes) -> bytes:
    """The thread's <ol> without the vote form around it: what a page that has its form
    already puts in place of its own list (the script's resync)."""
    start = thread_html.index(b'<ol class="thread"')
    return thread_html[start:len(thread_html) - len(b"</form>")]


def fragment_key(node: Node, held: bool, private: bool = False, language: str | None = None,
                 decor: Decor = NONE) -> tuple:
    """Everything a comment's markup depends on (its row, its author, its place in the tree,
    whether it is drawn for its author alone, the language its words and time are in): a
    changed comment simply misses the fragments memo, and nothing has to be invalidated."""
    if language is None:
        language = get_language()
    c, a = node.comment, node.comment.author
    reply_to = node.parent.comment.author.login if node.depth >= MAX_INDENT and node.parent is not None else None
    stamp = (c._created, c._edited) if type(c) is CommentRow else (c.created, c.edited)  # (CommentRow.stamp)
    # The body by its hash: a body changes only with its edit time, which is in the key too;
    # keeping the text itself in every key would double what the memo holds.
    return (c.pk, c.status, c.plus, c.minus, stamp, c.moderator_note, c.moderation_reason,
            hash(c.body_html), a.login, a.real_name, a.is_deleted, node.index, node.depth, reply_to, held,
            private, language, decor.key(c.pk, c.author_id))


# Rendered comments: a discussion that changed (a new comment, a vote) is re-rendered from the
# rows its query returns, and all but the changed comments come from here. About 2 KB each.
fragments: Memo[bytes] = Memo("fragments", items=20_000)
# The threads (article, language) whose fragments this process has begun to keep. A thread it
# has never rendered has none to find, and a render of it skips a thousand lookups, each of
# which hashed its comment's text; the keys are still made, for its fragments to be kept.
# Forgotten with the fragments (core.memo.forget_all); an entry left after its fragments went
# only costs the lookups again.
fragment_threads: Memo[bool] = Memo("fragment-threads", items=20_000)


def render_thread(nodes: list[Node], held_ids: frozenset[int] = frozenset(),
                  private_ids: frozenset[int] = frozenset(), decor: Decor = NONE) -> str:
    """The whole discussion as nested ordered lists, depth capped at MAX_INDENT."""
    return render_thread_bytes(nodes, held_ids, private_ids, decor).decode()


_DEEPEST = MAX_INDENT - 1  # the deepest indentation a comment is shown at


def render_thread_bytes(nodes: list[Node], held_ids: frozenset[int] = frozenset(),
                        private_ids: frozenset[int] = frozenset(), decor: Decor = NONE) -> bytes:
    """render_thread as UTF-8, the form pages are sent in: kept fragments are bytes already,
    so a re-render encodes only the comments that changed. `held_ids` and `private_ids` name
    the viewer's own comments shown as held and with what moderators told them (see
    render_comment): only a thread rendered for that viewer alone passes them."""
    if not nodes:
        return (THREAD_OPEN + THREAD_CLOSE).encode()
    out = [THREAD_OPEN.encode()]
    cur = 0
    first = True
    bylines: list[tuple[tuple, str]] = []  # made by this render, kept after its answer (_author_bits)
    authors: dict = {}
    language = get_language()
    times = clock(language)
    w = words(language)
    thread = (nodes[0].comment.article_id, language)
    # Read directly, as fragments.data is below: neither memo expires or keeps a use order.
    kept = fragments.data if thread in fragment_threads.data else None
    made: list[tuple[tuple, bytes]] = []
    # Of a thread never rendered here, the rows' fragments are keyed once the response has
    # left (a key hashes its comment's text); a row is not changed after it is read, but a
    # model instance may be, so its key is taken now.
    unkeyed: list[tuple[Node, bool, bool, bytes]] = []
    append = out.append
    for node in nodes:
        d = node.depth
        if d > _DEEPEST:  # (node.display_depth)
            d = _DEEPEST
        if first:
            first = False
        elif d > cur:
            append(b'<ol class="replies">')
        elif d < cur:
            append(b"</li></ol>" * (cur - d) + b"</li>")
        else:
            append(b"</li>")
        c = node.comment
        pk = c.pk
        held, private = pk in held_ids, pk in private_ids
        if kept is None:
            html = _comment(node, held, private, authors, times, decor, language, w, bylines).encode()
            if type(c) is CommentRow:
                unkeyed.append((node, held, private, html))
            else:
                made.append((fragment_key(node, held, private, language, decor), html))
            append(html)
            cur = d
            continue
        key = fragment_key(node, held, private, language, decor)
        hit = kept.get(key)
        if hit is None:
            html = _comment(node, held, private, authors, times, decor, language, w, bylines).encode()
            made.append((key, html))
            append(html)
        else:
            append(hit[0])
        cur = d
    out.append(b"</li></ol>" * cur + b"</li>" + THREAD_CLOSE.encode())
    if made or unkeyed:
        if kept is None:
            fragment_threads.put(thread, True)
        # Kept for the next render once this one's response has left (core.cache.memo_later):
        # a thousand entries put were a millisecond of a render from nothing. A render meanwhile
        # makes them again; a fragment kept late is still right, its key naming what it shows.
        memo_later.call("comment fragments kept", _keep, made, unkeyed, language, decor, bylines)
    return b"".join(out)


def _keep(made: list[tuple[tuple, bytes]], unkeyed: list[tuple[Node, bool, bool, bytes]], language: str,
          decor: Decor, bylines: list[tuple[tuple, str]]) -> None:
    """A render's new fragments put in the memo, those of rows keyed now, and the bylines it
    made (render_thread_bytes): one item of memo_later's for a render."""
    _bylines.put_all(bylines)
    fragments.put_all([*made, *((fragment_key(node, held, private, language, decor), html)
                                for node, held, private, html in unkeyed)])


class Split:
    """A rendered thread (UTF-8) cut at its slots, prepared once so filling it per request is
    a list comprehension and a join."""

    __slots__ = ("parts", "slots", "members", "size")

    def __init__(self, html: bytes):
        # -1 is the CSRF token; other numbers are members whose presence goes there.
        literal, self.slots = slots.cut(_CUT, html, _slot)
        self.parts = [b""] * (len(literal) + len(self.slots))  # literal markup, each slot's place between
        self.parts[0::2] = literal
        self.size = len(html)
        self.members = set(self.slots)
        self.members.discard(-1)

    def fill(self, token: str, online: dict[int, float], rated: dict[int, int]) -> bytes:
        """The thread with the CSRF token and each member's slot filled: their rating from
        `rated` (accounts.ratings.of; none for a member absent from it) and their presence
        from `online` (accounts.presence.online_until). Runs on every page build: per member,
        a few dict reads and one join (the markup is render_presence's, in bytes)."""
        off = render_presence(None).encode()
        on = {member: render_presence(until).encode() for member, until in online.items()}
        shown = {}
        for m in self.members:
            presence = on.get(m, off)
            r = rated.get(m)
            # with_rating, in bytes: the presence span (b"<span ...") with the rating's attribute
            shown[m] = presence if r is None else b"".join((b'<span data-rating="', _signed(r), b'" ', presence[6:]))
        mark = token.encode()
        filled = list(self.parts)
        filled[1::2] = [mark if m < 0 else shown[m] for m in self.slots]
        return b"".join(filled)


    def patched(self, old: bytes, new: bytes) -> "Split | None":
        """This thread with one comment's markup `old` (its open <li> as render_comment writes
        it, slot markers included) become `new`, which must hold the same slots: only the
        literal parts that differ are replaced. None when `old` is not here whole, at its
        comment's <li>, slot for slot (the caller then renders the thread from nothing)."""
        was, now = old.split(b"\x00"), new.split(b"\x00")
        if len(was) != len(now) or was[1::2] != now[1::2] or not was[0].startswith(b'<li id="c'):
            return None
        head = was[0][:was[0].find(b'"', 8) + 1]  # b'<li id="c123"'
        parts, last = self.parts, len(was) - 1
        at = off = -1
        for i in range(0, len(parts), 2):
            off = parts[i].find(head)
            if off >= 0:
                at = i
                break
        if at < 0 or at + last >= len(parts):
            return None
        first = parts[at]
        if first[off:off + len(was[0])] != was[0] or (last and off + len(was[0]) != len(first)):
            return None
        start = len(_MARK)
        for k in range(1, last + 1):
            if k % 2:  # a slot: the same member's (or the token's) where the thread has it
                name = was[k]
                if not name.startswith(_MARK) or self.slots[(at + k - 1) // 2] != _slot(name[start:]):
                    return None
            elif (parts[at + k] != was[k]) if k < last else not parts[at + k].startswith(was[k]):
                return None
        replaced = list(parts)
        for k in range(0, last + 1, 2):
            if was[k] == now[k]:
                continue
            piece = replaced[at + k]
            if k == 0:
                replaced[at] = piece[:off] + now[0] + (piece[off + len(was[0]):] if not last else b"")
            elif k < last:
                replaced[at + k] = now[k]
            else:
                replaced[at + k] = now[k] + piece[len(was[k]):]
        split = Split.__new__(Split)
        split.parts, split.slots, split.members = replaced, self.slots, self.members
        split.size = self.size + len(new) - len(old)
        return split


def _slot(name: bytes) -> int:
    """A slot's name as Split keeps it: -1 for the CSRF token, else the member's id."""
    return -1 if name == b"t" else int(name[1:])


def _signed(rating: int) -> bytes:
    """accounts.ratings.shown in bytes, without a call through str."""
    return b"+%d" % rating if rating > 0 else (b"\xe2\x88\x92%d" % -rating if rating < 0 else b"0")


def fill_one(html: str, token: str, online: dict[int, float], rated: dict[int, int]) -> str:
    return Split(html.encode()).fill(token, online, rated).decode()
