"""The discussion as one viewer sees it: the shared cached thread plus their own marks.

Discussions up to threads.WHOLE_LIMIT comments show whole; longer ones by pages of
threads.PAGE_ROOTS top-level comments with all their replies, so the first screen of a
10,000-comment discussion costs what a short one does."""

import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import Count
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext, pgettext

from accounts import ratings
from accounts.presence import online_until
from core import dbrouter, statements
from core.cache import later, memo_later
from core.display import clock
from core.memo import Memo
from discussion import decor, patching, render, sql, threads
from discussion.models import EDIT_WINDOW, Comment
from discussion.threads import CommentRow

ORDERS = threads.ORDERS
CACHE_SECONDS = 24 * 3600


def thread_key(article, order: str, page: int, language: str | None = None, version: int | None = None) -> str:
    """The rendered thread's key: its words and times are in the reader's language.
    `version`: another version of the thread than the article's."""
    return (f"thread:{render.MARKUP}:{article.pk}:{article.thread_version if version is None else version}:"
            f"{order}:{page}:{language or get_language()}")


def paged(article) -> bool:
    return article.comment_count > threads.WHOLE_LIMIT


def _load(article, order: str, page: int, viewer_id: int | None):
    """(nodes, page number, page count, whole-article summary). The authors' ratings come
    with the comments' rows: the page about to be filled takes them from there (ratings.note)."""
    if not paged(article):
        comments = threads.load_comments(article.pk)
        _note_ratings(comments)
        return threads.build(comments, order, viewer_id=viewer_id), 1, 1, summary_of(comments)
    rp = threads.root_page(article.pk, order, page, viewer_id)
    _note_ratings(rp.comments)
    nodes = threads.build(rp.comments, order, viewer_id=viewer_id, root_numbers=rp.root_numbers)
    return nodes, rp.number, rp.count, summary_of_article(article)


def _drawn(article, order: str, page: int, viewer_id: int | None):
    """_load's (nodes, page number, page count, summary), the thread's decor, and whether its
    rows are known to be no older than the article's thread version (discussion.patching
    keeps only such a drawing). A whole discussion's reads — its rows, their authors, what
    decor asks — go to the database together (one round trip on PostgreSQL, where each was
    one: core.statements.ahead).

    Without read replicas, the rows are read after the article, from the same database: no
    older. With them, the rows may come from a replica behind the one the article came from;
    the version is read on the rows' database first, in their round trip (a discussion by
    pages, read in several, is not known to be)."""
    using = statements.reading(Comment)
    reads = [] if paged(article) else threads.reads(article.pk, using) + decor.reads(article)
    lag = dbrouter.reads_may_lag()
    check = bool(reads) and lag
    if check:
        reads = [(sql.THREAD_VERSION, [article.pk]), *reads]
    with statements.ahead(reads, using):
        seen = statements.read_ahead(sql.THREAD_VERSION, [article.pk]) if check else None
        exact = not lag or (seen is not None and seen[0][0] >= article.thread_version)
        nodes, number, count, summary = _load(article, order, page, viewer_id)
        return nodes, number, count, summary, decor.for_article(article, _authors(article, nodes)), exact


def _note_ratings(comments) -> None:
    """The ratings ratings.of would read for these comments' authors (none for a deleted account)."""
    authors = {c.author_id: c.author for c in comments}
    ratings.note((pk, None if a.is_deleted else a.rating) for pk, a in authors.items())


# Comments listed in a page's structured data (newsroom.seo). A very long discussion page
# holds thousands; listing them all would make the page's head larger than its text for what
# a search engine reads of it, so the first this many public comments of the page are listed
# (oldest first), and commentCount still says how many there are.
STRUCTURED_COMMENTS = 100


def _public_rows(nodes) -> tuple[tuple, ...]:
    """(id, login, created, body_html, plus, minus) of a thread's first public comments by
    id: what the page's structured data says of them, taken from the rows the thread was
    rendered from rather than read again. `created` is ISO 8601 in the site's zone, to the
    second, as the thread writes it (core.display.Clock: no conversion through the zone
    database for each). The ids sorted bare: sorting the comments by a key took twice as long."""
    visible = Comment.Status.VISIBLE
    by_id = {c.pk: c for c in (n.comment for n in nodes) if c.status == visible}
    times = clock()
    out = []
    for pk in sorted(by_id)[:STRUCTURED_COMMENTS]:
        c = by_id[pk]
        out.append((pk, c.author.login, times.format(c._created if type(c) is CommentRow else c.created)[0],
                    c.body_html, c.plus, c.minus))
    return tuple(out)


def shared_parts(article, order: str, page: int = 1) -> tuple[render.Split, int, str, int, int, tuple]:
    """The public thread (one page of it), split at its slots, from the cache or rendered
    afresh: (parts, comments shown, moderation summary, page number, page count, the first
    public comments for the structured data — see _public_rows).

    Looked up first in this process's memory (no unpickling of a large value), then in the
    shared cache. The key holds the thread version, so no layer can serve a stale thread."""
    key = thread_key(article, order, page)
    hit = _local.get(key)
    if hit is not None:
        return hit
    shared = bool(settings.REDIS_URL)  # embedded: this process's memory is the only cache
    hit = cache.get(key) if shared else None
    if hit is None:
        # After votes, the thread this process drew before them with their comments redrawn
        # (discussion.patching); else drawn from nothing, and kept for the next votes.
        language = get_language()
        hit = patching.after_votes(article, order, page, language, not paged(article))
        if hit is None:
            nodes, number, count, summary, shown_decor, exact = _drawn(article, order, page, None)
            html = render.render_thread_bytes(nodes, decor=shown_decor)
            hit = (render.Split(html), len(nodes), summary, number, count, _public_rows(nodes))
            if exact:
                patching.keep(article, order, page, language, hit, nodes, shown_decor)
        if shared:
            later.set(key, hit, timeout=CACHE_SECONDS)
    _local.put(key, hit)
    return hit


def _thread_bytes(value) -> int:
    return value[0].size  # (Split, shown, summary, page, pages)


# Rendered threads of this process (no unpickling of a large value from the shared cache).
_local: Memo[tuple] = Memo("threads", items=64, max_bytes=128 * 2**20, weigh=_thread_bytes, lru=True)


def _summary(removed: Counter) -> str:
    """The public account of moderation: "3 comments removed by moderators: 2 insult, 1 spam"."""
    from moderation.models import Reason

    total = sum(removed.values())
    if not total:
        return ""
    labels = dict(Reason.choices)
    parts = ", ".join(gettext("%(count)d %(reason)s") % {"count": n, "reason": str(labels.get(k, k)).lower()}
                      for k, n in removed.most_common())
    return ngettext("%(count)d comment removed by moderators: %(reasons)s.",
                    "%(count)d comments removed by moderators: %(reasons)s.", total) % {
        "count": total, "reasons": parts}


def summary_of(comments) -> str:
    return _summary(Counter(c.removal_category or "other" for c in comments if c.status == Comment.Status.REMOVED))


def summary_of_article(article) -> str:
    rows = (Comment.objects.filter(article=article, status=Comment.Status.REMOVED)
            .values_list("removal_category").annotate(n=Count("id")))
    return _summary(Counter({(cat or "other"): n for cat, n in rows}))




@dataclass
class Marks:
    """What one member has on one article: their comments (those still editable) and votes."""

    own: list[int] = field(default_factory=list)
    editable: list[int] = field(default_factory=list)
    votes: dict[int, int] = field(default_factory=dict)
    held: bool = False  # a comment of theirs awaits moderation: the thread they see is their own
    # Their comments with a word from the moderators (an edit's note, a removal's reason),
    # which only they may read: the thread they see is their own, too.
    noted: list[int] = field(default_factory=list)

    @property
    def personal(self) -> bool:
        """The member's page is not the one every member sees (besides its slots)."""
        return self.held or bool(self.noted)

    @property
    def style(self) -> str:
        return viewer_style(self.own, self.votes)


def _authors(article, nodes) -> set[int] | None:
    """The members whose comments a render draws (their ranks are its decor's to show): for a
    discussion shown whole, None — every commenter of the article, one index range of its
    comments (a list of a few hundred ids took six times as long on PostgreSQL, which parses
    and binds each); for a page of a long one, the authors it draws."""
    return {n.comment.author_id for n in nodes} if paged(article) else None


def marks(member_id: int | None, article_id: int) -> Marks:
    """Two small indexed queries, written out: every member page view asks them, and building
    them through the ORM cost more than running them."""
    if member_id is None:
        return Marks()
    db = connections[router.db_for_read(Comment)]  # a replica, unless the reader is pinned
    since = db.ops.adapt_datetimefield_value(timezone.now() - EDIT_WINDOW)
    with db.cursor() as cursor:
        cursor.execute(sql.MINE, [since, Comment.Status.REMOVED, article_id, member_id])
        mine = cursor.fetchall()
        cursor.execute(sql.VOTES, [member_id, article_id])
        votes = dict(cursor.fetchall())
    return Marks(own=[cid for cid, _s, _e, _n in mine],
                 editable=[cid for cid, st, recent, _n in mine if recent and st in ("visible", "held")],
                 votes=votes, held=any(st == Comment.Status.HELD for _c, st, _e, _n in mine),
                 noted=[cid for cid, _s, _e, noted in mine if noted])


def for_viewer(request, article, order: str = "oldest", page: int = 1, shared: bool = False,
               token: str | None = None) -> dict:
    """Everything the article template needs about the discussion for this request.
    `shared`: the page is for every anonymous reader alike, so it carries no CSRF token
    (such a reader has nothing to post; a vote sends them to sign in). `token`: what to put
    where the CSRF token goes (a member page's skeleton puts a slot there)."""
    viewer = request.user if request.user.is_authenticated else None
    mine = marks(viewer.pk if viewer else None, article.pk)
    if mine.personal:  # rendered for this member alone, never kept for others
        nodes, number, count, summary, shown_decor, _exact = _drawn(article, order, page, viewer.pk)
        held_ids = frozenset(n.comment.pk for n in nodes if n.comment.status == Comment.Status.HELD)
        html = render.render_thread_bytes(nodes, held_ids, frozenset(mine.noted), shown_decor)
        parts, shown = render.Split(html), len(nodes)
    else:
        parts, shown, summary, number, count, _public = shared_parts(article, order, page)
    if token is None:
        token = "" if shared else get_token(request)
    html = parts.fill(token, online_until(parts.members), ratings.of(parts.members))
    return {
        "thread_html": html,
        "shown": shown,
        "moderation_summary": summary,
        "order": order,
        "page": number,
        "pages": count,
        "page_range": range(1, count + 1) if count > 1 else (),
        "marks": mine,
        "now": int(time.time()),
    }


def viewer_style(own_ids, votes) -> str:
    """CSS that marks a viewer's votes and takes the vote buttons off their own comments
    (works without JS). Their Edit and Delete are on each comment's action page; the page's
    script adds them in place to their own comments (discussion.js)."""
    rules = []
    if own_ids:
        rules.append(",".join(f"#c{i}>button" for i in own_ids) + "{display:none}")
    ups = [f"#c{c}>.plus" for c, v in votes.items() if v == 1]
    downs = [f"#c{c}>.minus" for c, v in votes.items() if v == -1]
    if ups:
        rules.append(",".join(ups) + "{background:var(--plus-bg);color:var(--plus-fg);font-weight:700}")
    if downs:
        rules.append(",".join(downs) + "{background:var(--minus-bg);color:var(--minus-fg);font-weight:700}")
    return "\n".join(rules)


def clear_caches() -> None:
    """Empty the shared cache and every cache of this process (tests, benchmarks)."""
    from core import memo
    from core.pagecache import compressor
    from newsroom import viewcount

    # A page still being compressed (after its answer) would be kept, and sent on to Redis,
    # after the clearing; waited for, it no longer takes the processor from what comes next.
    compressor.flush()
    later.flush()  # a write still on its way would land after the clearing
    memo_later.flush()  # as would a render's fragments
    cache.clear()
    memo.forget_all()
    viewcount.forget()  # not a cache: counts not written yet, which a test must not inherit


def order_choices() -> list[tuple[str, str]]:
    """The discussion's orders with their names in the active language."""
    names = {"oldest": pgettext("order of comments", "Oldest"), "newest": pgettext("order of comments", "Newest"),
             "best": pgettext("order of comments", "Best")}
    return [(o, names.get(o, o.capitalize())) for o in ORDERS]


# The plural categories a browser's Intl.PluralRules names, with a number of each for ngettext
# (gettext's rules and these agree on whole numbers: Russian 1, 21 "one"; 2–4, 22 "few"; …).
_PLURAL_SAMPLES = {"one": 1, "few": 2, "many": 5, "other": 5}


def _plural_forms(say) -> dict[str, str]:
    """`say(n)`: the ngettext of a message for n; its forms by category, "{n}" for the number."""
    return {cat: say(n).replace("%(count)s", "{n}") for cat, n in _PLURAL_SAMPLES.items()}


def js_words() -> dict:
    """The words the page's script writes, in the active language (the page carries them as
    JSON: no build step, no catalog to fetch). "{n}" and "{login}" are filled by the script."""
    return {
        "online": pgettext("presence", "Online"), "offline": pgettext("presence", "Offline"),
        "deleted": gettext("Comment deleted by its author."),
        "new_comments": _plural_forms(lambda n: ngettext("%(count)s new comment", "%(count)s new comments", n)),
        "new_elsewhere": _plural_forms(lambda n: ngettext("%(count)s new comment on another page",
                                                          "%(count)s new comments on another page", n)),
        "vote_failed": gettext("The vote was not counted."),
        "post_failed": gettext("The comment could not be published."),
        "network": gettext("The network failed; your text is still here. Try again."),
        "not_saved": gettext("Not saved."), "not_deleted": gettext("Not deleted."),
        "reply_to": gettext("Your reply to %(login)s").replace("%(login)s", "{login}"),
        "reply_this": gettext("Your reply to this comment"),
        "cancel": gettext("Cancel"), "save": gettext("Save"), "quote": gettext("Quote"),
        "no_edit": gettext("This comment can no longer be edited."),
        "edit": gettext("Edit your comment"),
        # The controls the script adds to the member's own comments (Edit within the window).
        "edit_link": gettext("Edit"), "delete_link": gettext("Delete"),
        "edit_seconds": int(EDIT_WINDOW.total_seconds()),
        "quote_comment": gettext("Quote the comment"),
        "confirm_delete": gettext("Delete your comment? If it has replies, it stays as a placeholder."),
        "collapse": gettext("Collapse this comment and its replies"),
        "expand": gettext("Expand this comment and its replies"),
    }
