"""The discussion's live events, each carrying the very fragment the page renders."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from core.memo import Memo
from discussion import render, sql, threads
from discussion.models import Comment
from live.events import publish_on_commit


def node_for(comment: Comment) -> "threads.Node | None":
    """The comment's node as the public thread shows it, from a few indexed queries rather
    than the whole thread (posting must not grow slower as a discussion grows): its number
    among its shown siblings, and its parent for "in reply to". None when it is not shown."""
    Status = Comment.Status
    c = Comment.objects.select_related("author").get(pk=comment.pk)
    if c.status == Status.HELD or (c.status == Status.DELETED and not _has_shown_reply(c.pk)):
        return None
    index = sibling_index(c)
    parent = None
    if c.parent_id is not None:
        p = Comment.objects.select_related("author").only("id", "depth", "author__login").get(pk=c.parent_id)
        parent = threads.Node(p, 0, None, p.depth)
    return threads.Node(c, index, parent, c.depth)


# The last top-level count this process made, per article: (the article's order version
# then, the comment counted to, its number). A discussion's top level is its longest list of
# siblings (thousands on a hot story) and every new top-level comment is numbered: with this,
# only the comments since the last one are counted. Ids only grow and a new comment takes
# its number at the end, so the kept count holds while the order version stands (anything
# that could renumber raises it: newsroom.versions.RENUMBERS).
_top_counts: Memo[tuple[int, int, int]] = Memo("top-counts", items=10_000)


def sibling_index(c: Comment) -> int:
    """The comment's number among its shown siblings: one indexed count (the covering index on
    article, parent, id, status), on the top level from the last count kept; deleted siblings
    count only while they keep a shown reply, which is rare, so they are looked at one by one."""
    from django.db import connection

    from core import statements

    Status = Comment.Status
    top = c.parent_id is None
    kept = _top_counts.get(c.article_id) if top else None
    if kept is not None and kept[1] >= c.pk:
        kept = None  # an older comment (released from moderation, edited): counted from the start
    query = sql.SIBLINGS + ("parent_id IS NULL" if top else "parent_id = %s")

    def count(after: int) -> tuple[int, int, int]:  # (shown, deleted, the order version)
        params = [Status.VISIBLE, Status.REMOVED, Status.DELETED, c.article_id, c.article_id, after, c.pk]
        row: tuple[int, int, int] = statements.one(query, params if top else [*params, c.parent_id])
        return row

    after, known = (kept[1], kept[2]) if kept is not None else (0, 0)
    shown, deleted, version = count(after)
    if kept is not None and version != kept[0]:  # renumbered since the kept count
        after, known = 0, 0
        shown, deleted, version = count(0)
    index = known + shown
    if deleted:
        siblings = Comment.objects.filter(article_id=c.article_id, id__gt=after, id__lte=c.pk,
                                          parent_id=c.parent_id, status=Status.DELETED)
        for sibling in siblings.values_list("id", flat=True):
            if sibling == c.pk or _has_shown_reply(sibling):
                index += 1
    # Kept only from committed rows read in one statement with their order version: not from
    # inside a transaction (it may roll back), nor when deleted siblings were looked at after
    # that statement, nor for a comment that does not count itself.
    if top and not deleted and not connection.in_atomic_block and c.status in (Status.VISIBLE, Status.REMOVED):
        _top_counts.put(c.article_id, (version, c.pk, int(index)))
    return int(index)


def _has_shown_reply(comment_id: int) -> bool:
    """Whether a deleted comment still shows as a placeholder: some reply below it shows.
    Walks down level by level (no recursion: deleted chains can be long)."""
    Status = Comment.Status
    level = [comment_id]
    while level:
        rows = list(Comment.objects.filter(parent_id__in=level).exclude(status=Status.HELD)
                    .values_list("id", "status"))
        if any(st != Status.DELETED for _id, st in rows):
            return True
        level = [rid for rid, _st in rows]
    return False


_quiet = threading.local()


@contextmanager
def quiet() -> Iterator[None]:
    """No per-comment events inside: for bulk writers (importers), which send one `resync`
    of the article instead of n events that each reload the whole thread."""
    before = getattr(_quiet, "on", False)
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = before


def muted() -> bool:
    """Inside quiet(): no event, and nothing else a bulk change leaves out (a vote's record
    for patching its thread: discussion.actions.voting)."""
    return getattr(_quiet, "on", False)


def comment_added(comment: Comment, parent: Comment | None = None) -> None:
    """A new public comment, just written: its number is counted (among the siblings with lower
    ids), and its node is built from the rows in hand — `parent` loaded with its author —
    rather than read back. The event goes out after the commit."""
    if muted():
        return
    parent_node = threads.Node(parent, 0, None, parent.depth) if parent is not None else None
    node = threads.Node(comment, sibling_index(comment), parent_node, comment.depth)
    comment.published_node = node  # the poster's answer shows the same node

    def event() -> dict[str, Any]:
        return {
            "type": "comment.new", "article": comment.article_id, "comment": comment.pk,
            "parent": comment.parent_id, "number": node.index, "depth": node.depth,
            "author": comment.author_id,
            **_in_languages(lambda: _filled(new_comment_markup(comment), comment.author_id)),
        }

    publish_on_commit(LazyEvent(event, "comment.new", comment.article_id))


def comment_changed(comment: Comment, kind: str) -> None:
    if muted():
        return

    def event() -> dict[str, Any]:
        node = node_for(comment)
        html = _in_languages(lambda: _public_html(node)) if node is not None else {"html": ""}
        return {"type": kind, "article": comment.article_id, "comment": comment.pk, **html}

    publish_on_commit(LazyEvent(event, kind, comment.article_id))


def vote_changed(comment: Comment, plus: int, minus: int) -> None:
    """The counts as the voting transaction leaves them (read under the article's lock)."""
    if muted():
        return
    publish_on_commit({"type": "comment.vote", "article": comment.article_id, "comment": comment.pk,
                       "plus": plus, "minus": minus})


def _in_languages(make: Callable[[], str]) -> dict[str, Any]:
    """An event's markup, made once per language the site offers: "html" in the site's own,
    and with more than one language "html_by_language" — each stream sends its reader the
    markup in their language (live.stream.frame_bytes), like the pages kept per language."""
    from django.conf import settings
    from django.utils import translation

    from core.languages import enabled

    made = {}
    for code in enabled():
        with translation.override(code):
            made[code] = make()
    site = made.get(settings.LANGUAGE_CODE) or next(iter(made.values()))
    return {"html": site, "html_by_language": made} if len(made) > 1 else {"html": site}


def new_comment_markup(comment: Comment) -> str:
    """A comment just posted (comment_added gave it its node), rendered once per language for
    both its live event and its poster's answer: a new comment has nothing only its author
    may read, so the two are the same markup, with slots for presence and the CSRF token."""
    from django.utils.translation import get_language

    made = getattr(comment, "published_markup", None)
    if made is None:
        made = comment.published_markup = {}
    language = get_language()
    html = made.get(language)
    if html is None:
        from discussion import (
            decor,  # a moderator's, a staff member's or the author's badge, a rank
        )

        # Read once for all the languages (picks, badges and ranks say the same in each).
        shown = getattr(comment, "published_decor", None)
        if shown is None:
            shown = comment.published_decor = decor.for_new_comment(comment.article, comment.author_id)
        html = made[language] = render.render_comment(comment.published_node, decor=shown) + "</li>"
    return html


def _filled(html: str, author_id: int) -> str:
    """A comment's markup as any reader gets it: its author's presence and rating filled, the
    CSRF token left empty for the page's script to fill from its own form."""
    from accounts import ratings
    from accounts.presence import online_until

    return render.fill_one(html, "", online_until([author_id]), ratings.of([author_id]))


def _public_html(node: threads.Node) -> str:
    from discussion import decor  # an edit or a removal keeps a pick's mark and the badges
    from newsroom.models import Article

    shown = decor.for_article(Article.objects.select_related("author").get(pk=node.comment.article_id),
                              [node.comment.author_id])
    return _filled(render.render_comment(node, decor=shown) + "</li>", node.comment.author_id)


class LazyEvent(dict):
    """An event whose payload is computed after commit, when the thread is final."""

    def __init__(self, build: Callable[[], dict[str, Any] | None], kind: str, article: int) -> None:
        super().__init__(type=kind, article=article)
        self.build = build
