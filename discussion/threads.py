"""Loading an article's discussion and ordering it as a tree, without recursion.

The whole tree comes in two queries, its rows and then their authors (ordered by id: a reply
is always newer than its parent);
the tree is then built, numbered and flattened in Python with explicit stacks, so a reply
chain thousands deep neither recurses nor nests HTML past what a browser keeps.
This is the only module that may hold database-specific SQL for threads.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db.models import Q

from discussion import sql
from discussion.models import Comment

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

MAX_INDENT = 6  # levels of indentation; deeper replies say "in reply to <login>"
ORDERS = ("oldest", "newest", "best")
WHOLE_LIMIT = 1500  # discussions up to this many comments show whole; longer ones by pages…
PAGE_ROOTS = 100  # …of this many top-level comments, each with all its replies

Status = Comment.Status

# A comment in a thread: a row of load_comments, or a model instance (a live event's node).
ThreadComment: TypeAlias = "Comment | CommentRow"


class Node:
    """A shown comment in the tree: `index` is 1-based among its shown siblings, oldest first.
    A plain class with slots: a thousand are made for every render."""

    __slots__ = ("comment", "index", "parent", "depth")

    def __init__(self, comment: ThreadComment, index: int, parent: Node | None, depth: int) -> None:
        self.comment, self.index, self.parent, self.depth = comment, index, parent, depth

    @property
    def display_depth(self) -> int:
        return min(self.depth, MAX_INDENT - 1)

    @property
    def flattened(self) -> bool:
        """Shown at the deepest indentation though it replies to something deeper."""
        return self.depth >= MAX_INDENT

    @property
    def number(self) -> str:
        """The path, "2.1.1": built by walking up, so only callers that want it pay for it."""
        parts = []
        node: Node | None = self
        while node is not None:
            parts.append(str(node.index))
            node = node.parent
        return ".".join(reversed(parts))


def wilson_lower_bound(plus: int, minus: int, z: float = 1.96) -> float:
    """Lower bound of the 95 % Wilson interval of the share of plus votes."""
    n = plus + minus
    if n == 0:
        return 0.0
    p = plus / n
    return (p + z * z / (2 * n) - z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)) / (1 + z * z / n)


class AuthorRow:
    """The author fields a thread shows, without a model instance, and their rating as read
    with it: never drawn into the thread (it fills their slot on each page), the page takes
    it from here rather than asking for it again (discussion.page._load)."""

    __slots__ = ("pk", "login", "real_name", "is_deleted", "rating")

    def __init__(self, pk: int, login: str, real_name: str, is_deleted: bool, rating: int) -> None:
        self.pk, self.login, self.real_name, self.is_deleted, self.rating = pk, login, real_name, is_deleted, rating


class CommentRow:
    """The comment fields a thread shows. Loading rows rather than model instances makes a
    1,000-comment thread load several times faster; the renderer reads the same attributes
    from either. Times read from SQLite stay text until something asks for them: a thread
    re-rendered from kept fragments never does."""

    __slots__ = ("pk", "id", "parent_id", "article_id", "depth", "body_html", "status", "_created", "_edited",
                 "plus", "minus", "moderation_reason", "moderator_note", "removal_category", "author_id", "author")

    def __init__(self, row: Sequence[Any], article_id: int, authors: dict[int, AuthorRow]) -> None:
        (self.pk, self.parent_id, self.depth, self.body_html, self.status, self._created, self._edited, self.plus,
         self.minus, self.author_id, moderation) = row
        self.id = self.pk
        self.article_id = article_id
        if moderation is None:  # (sql.THREAD_ROWS: the three texts, all empty)
            self.moderation_reason = self.moderator_note = self.removal_category = ""
        else:
            self.moderation_reason, self.moderator_note, self.removal_category = json.loads(moderation)
        self.author = authors[self.author_id]

    @property
    def created(self) -> datetime:
        value = self._created
        if not isinstance(value, datetime):
            value = self._created = _aware(value)
        return value

    @property
    def edited(self) -> datetime | None:
        value: str | datetime | None = self._edited
        if value is not None and not isinstance(value, datetime):
            value = self._edited = _aware(value)
        return value

    def with_counts(self, plus: int, minus: int) -> CommentRow:
        """This row with other vote counts (a thread patched after votes: discussion.patching);
        the row itself is not changed, since a kept thread may be drawn from it meanwhile."""
        row = CommentRow.__new__(CommentRow)
        for name in CommentRow.__slots__:
            setattr(row, name, getattr(self, name))
        row.plus, row.minus = plus, minus
        return row

    @property
    def stamp(self) -> tuple:
        """The row's times as read, for keys: cheaper than parsing them."""
        return self._created, self._edited


def _aware(value: str) -> datetime:
    """A time read as UTC text (see _TIMES_AS_TEXT); parsed in C."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


_FIELDS = ("id", "parent_id", "depth", "body_html", "status", "created", "edited", "plus", "minus", "author_id",
           "moderation_reason", "moderator_note", "removal_category")


def load_comments(article_id: int, using: str | None = None, roots: list[int] | None = None) -> list[CommentRow]:
    """Every comment of an article with its author, in two queries (the rows, then their
    authors); with `roots`, only those top-level comments and their subthreads."""
    from django.db import connections, router

    alias = using or router.db_for_read(Comment)
    times = _times_as_text(connections[alias])
    if times is not None:
        rows = _rows(alias, times, article_id, roots)
    else:  # another database: the ORM's rows, in the same shape
        qs = Comment.objects.using(alias).filter(article_id=article_id).order_by("id")
        if roots is not None:
            qs = qs.filter(Q(pk__in=roots) | Q(root_id__in=roots))
        rows = [(*r[:10], json.dumps(r[10:]) if any(r[10:]) else None) for r in qs.values_list(*_FIELDS)]
    authors = _authors(alias, {row[9] for row in rows}, article_id if roots is None else None)
    # (A comment whose author's row is not there is left out, as a join would leave it.)
    return [CommentRow(row, article_id, authors) for row in rows if row[9] in authors]


def reads(article_id: int, using: str) -> list[tuple[str, list]]:
    """The statements load_comments runs for a whole discussion, for core.statements.ahead:
    its rows, and its authors asked by the article (their ids come only with the rows)."""
    from django.db import connections

    times = _times_as_text(connections[using])
    if times is None:
        return []
    return [(_rows_statement(using, times) + _OF_ARTICLE, [article_id]),
            (sql.AUTHORS_OF_ARTICLE, [article_id])]


def _authors(alias: str, ids: set[int], article_id: int | None = None) -> dict[int, AuthorRow]:
    """The authors of a thread's rows, by id; read ahead by the article (`reads`), when they
    were, for an article's whole thread."""
    from core import statements

    ahead = statements.read_ahead(sql.AUTHORS_OF_ARTICLE, [article_id]) if article_id is not None else None
    if not ids:
        return {}
    condition = statements.in_ids("id", alias)
    if ahead is not None:
        found = ahead
    elif condition is None:
        from accounts.models import Member

        found = Member.objects.using(alias).filter(pk__in=ids).values_list("id", "login", "real_name", "is_deleted",
                                                                           "rating")
    else:
        found = statements.rows(sql.AUTHORS.format(ids=condition), [statements.ids_param(ids, alias)], alias)
    return {pk: AuthorRow(pk, login, real_name, bool(is_deleted), rating)
            for pk, login, real_name, is_deleted, rating in found}


def _times_as_text(connection: BaseDatabaseWrapper) -> str | None:
    vendor = connection.vendor
    if vendor == "postgresql":
        connection.ensure_connection()
        style = connection.connection.info.parameter_status("DateStyle") or ""  # reported by the server
        if not style.startswith("ISO"):
            vendor = "postgresql-any-datestyle"
    return sql.TIMES_AS_TEXT.get(vendor)


def _rows(alias: str, times: str, article_id: int, roots: list[int] | None) -> list[tuple[Any, ...]]:
    """The thread's columns read directly, without the ORM's per-value converters."""
    from core import statements

    query = _rows_statement(alias, times)
    if roots is None:
        query += _OF_ARTICLE
        params: list[int] = [article_id]
    else:
        if not roots:
            return []
        # By the roots' ids and the root index: they are this article's (root_page read them
        # so), and a condition on the article would send the query through all its comments.
        marks = ",".join(["%s"] * len(roots))
        query += f"WHERE (c.id IN ({marks}) OR c.root_id IN ({marks}))"
        params = list(roots) * 2
    rows: list[tuple[Any, ...]] | None = statements.read_ahead(query, params) if roots is None else None
    if rows is None:
        rows = statements.rows(query, params, alias)
    # In id order, sorted here: the rows come nearly in order already, and the database would
    # sort them whole (half a megabyte for a thousand comments) before sending the first.
    rows.sort(key=_first)
    return rows


_first = itemgetter(0)


_OF_ARTICLE = "WHERE c.article_id = %s"


def _rows_statement(alias: str, times: str) -> str:
    """THREAD_ROWS for the database, without its condition."""
    from django.db import connections

    return sql.THREAD_ROWS.format(created=times.format(col="c.created"), edited=times.format(col="c.edited"),
                                  moderation=sql.MODERATION_AS_JSON[connections[alias].vendor])


def _roots(article_id: int, order: str, viewer_id: int | None) -> list[tuple]:
    """The top-level comments as (id, status, author, plus, minus), in id order. Only the best
    order needs the counts; the others read the covering index alone (thousands of rows on a
    long discussion), and the author only of the viewer's own held comments."""
    from core import statements

    db = statements.reading(Comment)
    if order == "best":
        return statements.rows(sql.ROOTS_COUNTED, [article_id], db)
    rows = statements.rows(sql.ROOTS, [article_id], db)
    own: set[int] = set()
    if viewer_id is not None and any(st == Status.HELD for _i, st in rows):
        own = {r[0] for r in statements.rows(sql.OWN_HELD_ROOTS, [article_id, Status.HELD, viewer_id], db)}
    return [(i, st, viewer_id if i in own else None, 0, 0) for i, st in rows]


def _shown(comments: Sequence[ThreadComment], viewer_id: int | None) -> set[int]:
    """Ids of the comments a viewer sees: public ones, their own held ones, and placeholders
    for removed comments and for deleted comments that still have shown replies."""
    shown: set[int] = set()
    has_shown_child: set[int] = set()
    for c in reversed(comments):  # children before parents
        if (
            c.status == Status.VISIBLE
            or c.status == Status.REMOVED
            or (c.status == Status.HELD and viewer_id is not None and c.author_id == viewer_id)
            or (c.status == Status.DELETED and c.pk in has_shown_child)
        ):
            shown.add(c.pk)
            if c.parent_id is not None:
                has_shown_child.add(c.parent_id)
    return shown


def build(comments: Sequence[ThreadComment], order: str = "oldest", viewer_id: int | None = None,
          root_numbers: dict[int, int] | None = None) -> list[Node]:
    """The shown comments as a flat list in display order (depth-first), each numbered.
    `root_numbers` gives top-level comments their numbers when only a page of them is here."""
    shown = _shown(comments, viewer_id)
    nodes: dict[int, Node] = {}
    # Replies are listed here, by their parent's id, not on the nodes: a node points to its
    # parent only, so a thousand nodes are no thousand reference cycles for the collector.
    children: dict[int, list[Node]] = {}
    roots: list[Node] = []
    siblings: list[Node] | None
    for c in comments:  # by id, so a parent is met before its replies
        if c.pk not in shown:
            continue
        parent = nodes.get(c.parent_id) if c.parent_id is not None else None
        if c.parent_id is not None and parent is None:
            continue  # its parent is not shown (held, or an orphan): neither is it
        if parent is None:
            siblings = roots
        else:
            siblings = children.get(c.parent_id)
            if siblings is None:
                siblings = children[c.parent_id] = []
        index = len(siblings) + 1
        if parent is None and root_numbers is not None:
            index = root_numbers.get(c.pk, index)
        node = Node(c, index, parent, parent.depth + 1 if parent else 0)
        siblings.append(node)
        nodes[c.pk] = node

    key = _sort_key(order)
    flat: list[Node] = []
    stack = list(reversed(sorted(roots, key=key) if key else roots))
    while stack:
        node = stack.pop()
        flat.append(node)
        kids = children.get(node.comment.pk)
        if kids:
            stack.extend(reversed(sorted(kids, key=key) if key else kids))
    return flat


def _sort_key(order: str) -> Callable[[Node], int | tuple[float, int, int]] | None:
    if order == "newest":
        return lambda n: -n.comment.pk
    if order == "best":
        return lambda n: (-wilson_lower_bound(n.comment.plus, n.comment.minus),
                          n.comment.minus - n.comment.plus, n.comment.pk)
    return None  # oldest: already in id order


@dataclass
class RootPage:
    comments: list[CommentRow]
    root_numbers: dict[int, int]
    number: int
    count: int


def shown_roots(article_id: int, order: str = "oldest", viewer_id: int | None = None) -> list[tuple]:
    """The top-level comments a viewer is shown, as _roots gives them, in id order."""
    roots = _roots(article_id, order, viewer_id)
    deleted = [r[0] for r in roots if r[1] == Status.DELETED]
    alive: set[int] = set()
    if deleted:
        alive = set(Comment.objects.filter(root_id__in=deleted).exclude(status=Status.HELD)
                    .values_list("root_id", flat=True).distinct())
    return [r for r in roots if r[1] in (Status.VISIBLE, Status.REMOVED)
            or (r[1] == Status.HELD and viewer_id is not None and r[2] == viewer_id)
            or (r[1] == Status.DELETED and r[0] in alive)]


def root_pages(article_id: int) -> dict[int, int]:
    """Each top-level comment every reader is shown → the page of the long discussion, in the
    oldest-first order every link starts in, that shows it with its replies (a comment not
    in it is on no page). One read of the top-level comments, for as many links as needed."""
    return {r[0]: i // PAGE_ROOTS + 1 for i, r in enumerate(shown_roots(article_id))}


def root_page(article_id: int, order: str, page: int, viewer_id: int | None = None) -> RootPage:
    """One page of a long discussion: PAGE_ROOTS top-level comments in the chosen order,
    numbered as in the whole discussion, with their subthreads. Four queries, whatever the
    size of the discussion: the top-level comments (a few columns), which deleted ones still
    have replies, and the page's comments and their authors."""
    shown = shown_roots(article_id, order, viewer_id)
    numbers = {r[0]: i + 1 for i, r in enumerate(shown)}
    if order == "newest":
        shown.reverse()
    elif order == "best":
        shown.sort(key=lambda r: (-wilson_lower_bound(r[3], r[4]), r[4] - r[3], r[0]))
    count = max(1, math.ceil(len(shown) / PAGE_ROOTS))
    page = min(max(1, page), count)
    ids = [r[0] for r in shown[(page - 1) * PAGE_ROOTS: page * PAGE_ROOTS]]
    return RootPage(load_comments(article_id, roots=ids), numbers, page, count)
