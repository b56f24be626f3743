"""Loading an article's discussion and ordering it as a tree, without recursion.

The whole tree comes in one query (ordered by id: a reply is always newer than its parent);
the tree is then built, numbered and flattened in Python with explicit stacks, so a reply
chain thousands deep neither recurses nor nests HTML past what a browser keeps.
This is the only module that may hold database-specific SQL for threads.
"""

import math
from dataclasses import dataclass, field

from discussion.models import Comment

MAX_INDENT = 6  # levels of indentation; deeper replies say "in reply to <login>"
ORDERS = ("oldest", "newest", "best")

Status = Comment.Status


@dataclass(eq=False)
class Node:
    comment: Comment
    index: int  # 1-based, among the shown siblings, oldest first
    parent: "Node | None"
    depth: int
    children: list["Node"] = field(default_factory=list)

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


def load_comments(article_id: int, using: str | None = None) -> list[Comment]:
    """Every comment of an article with its author, in one query."""
    qs = Comment.objects.filter(article_id=article_id).select_related("author").order_by("id")
    if using:
        qs = qs.using(using)
    return list(qs.only(
        "id", "parent_id", "article_id", "depth", "body_html", "status", "created", "edited",
        "plus", "minus", "moderation_reason", "moderator_note", "removal_category", "author_id",
        "author__login", "author__real_name", "author__is_deleted",
    ))


def _shown(comments: list[Comment], viewer_id: int | None) -> set[int]:
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


def build(comments: list[Comment], order: str = "oldest", viewer_id: int | None = None) -> list[Node]:
    """The shown comments as a flat list in display order (depth-first), each numbered."""
    shown = _shown(comments, viewer_id)
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for c in comments:  # by id, so a parent is met before its replies
        if c.pk not in shown:
            continue
        parent = nodes.get(c.parent_id) if c.parent_id is not None else None
        if c.parent_id is not None and parent is None:
            continue  # its parent is not shown (held, or an orphan): neither is it
        siblings = parent.children if parent else roots
        node = Node(c, len(siblings) + 1, parent, parent.depth + 1 if parent else 0)
        siblings.append(node)
        nodes[c.pk] = node

    key = _sort_key(order)
    flat: list[Node] = []
    stack = list(reversed(sorted(roots, key=key) if key else roots))
    while stack:
        node = stack.pop()
        flat.append(node)
        if node.children:
            kids = sorted(node.children, key=key) if key else node.children
            stack.extend(reversed(kids))
    return flat


def _sort_key(order: str):
    if order == "newest":
        return lambda n: -n.comment.pk
    if order == "best":
        return lambda n: (-wilson_lower_bound(n.comment.plus, n.comment.minus),
                          n.comment.minus - n.comment.plus, n.comment.pk)
    return None  # oldest: already in id order
