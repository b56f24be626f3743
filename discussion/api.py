"""The comment tree as JSON: /api/v1/articles/<slug>/comments/.

The nested JSON is written without recursion (a reply chain may be thousands deep, past
what json.dumps can nest). Like the page, it is cached per thread version with each author's
presence and rating (which votes anywhere move) left as slots (a NUL byte cannot occur in JSON
text, so the slots cannot be forged), and anonymous answers are kept whole for the ASGI front."""

import json

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts import ratings
from accounts.presence import online_until
from core import pagecache
from core.display import format_time
from core.http import json_message
from discussion import threads
from discussion.models import Comment
from newsroom import variations
from newsroom.models import Article
from ops import metrics

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
SLOT = "\x00"


def comment_fields(node: threads.Node) -> dict:
    c = node.comment
    a = c.author
    gone = c.status in (Comment.Status.DELETED, Comment.Status.REMOVED)
    return {
        "id": c.pk,
        "number": node.number,
        "parent": c.parent_id,
        "status": c.status,
        "author": None if gone else {
            "login": a.login, "real_name": a.real_name or None, "presence": None, "rating": None,
            "deleted": a.is_deleted,
        },
        "created": format_time(c.created)[0],
        "edited": format_time(c.edited)[0] if c.edited else None,
        "body_html": "" if gone else c.body_html,
        "plus": c.plus,
        "minus": c.minus,
    }


_UNFILLED = '"presence":null,"rating":null'


def _fields_json(node: threads.Node) -> str:
    text = _dumps(comment_fields(node))
    author = node.comment.author
    if text.find(_UNFILLED) != -1 and not author.is_deleted:
        # The author object's one presence and rating become a slot for this member (the
        # slot's value fills both: `fill`). A deleted account keeps null for both.
        text = text.replace(_UNFILLED, f'"presence":{SLOT}{author.pk}{SLOT}', 1)
    return text


def tree_json(nodes: list[threads.Node], online: dict | set | None = None, rated: dict | None = None) -> str:
    """Nested {"…", "children": [...]} objects from the flat depth-first list; with `online`
    (and `rated`, accounts.ratings.of) the slots are filled, without it they are left for `fill`."""
    out = ["["]
    depth_stack: list[int] = []  # depths of open objects
    first_at_level = True
    for node in nodes:
        while depth_stack and depth_stack[-1] >= node.depth:
            out.append("]}")
            depth_stack.pop()
            first_at_level = False
        if not first_at_level:
            out.append(",")
        out.append(_fields_json(node)[:-1] + ',"children":[')
        depth_stack.append(node.depth)
        first_at_level = True
    out.append("]}" * len(depth_stack))
    out.append("]")
    text = "".join(out)
    return fill(text.split(SLOT), online, rated or {}) if online is not None else text


def fill(parts: list[str], online, rated: dict[int, int]) -> str:
    """Each slot: the member's presence, then their rating (null when they show none)."""
    shown = {m: f'"{"online" if m in online else "offline"}","rating":{rated.get(m, "null")}'
             for m in {int(p) for p in parts[1::2]}}
    return "".join(part if not i & 1 else shown[int(part)] for i, part in enumerate(parts))


def _parts(article: Article, order: str) -> list[str]:
    key = f"api:{article.pk}:{article.thread_version}:{order}"
    parts = cache.get(key)
    if parts is None:
        nodes = threads.build(threads.load_comments(article.pk), order)
        body = (f'{{"article":{_dumps(article.slug)},"count":{article.comment_count},'
                f'"comments":{tree_json(nodes)}}}')
        parts = body.split(SLOT)
        cache.set(key, parts, timeout=24 * 3600)
    return parts


def comments(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    order = request.GET.get("order", "oldest")
    if order not in threads.ORDERS:
        return json_message(400, "bad_order", _("“order” is one of %(orders)s (you sent %(order)s).") % {
            "orders": ", ".join(threads.ORDERS), "order": order[:20] or _("nothing")})
    viewer = request.user.pk if request.user.is_authenticated else None
    if viewer is not None and Comment.objects.filter(article=article, author_id=viewer,
                                                     status=Comment.Status.HELD).exists():
        nodes = threads.build(threads.load_comments(article.pk), order, viewer_id=viewer)
        authors = {n.comment.author_id for n in nodes}
        body = (f'{{"article":{_dumps(article.slug)},"count":{article.comment_count},'
                f'"comments":{tree_json(nodes, online_until(authors), ratings.of(authors))}}}')
        return HttpResponse(body, content_type="application/json")
    variant = None
    if viewer is None:
        variant = variations.variant(request.META.get("QUERY_STRING", "").encode(), allow_page=False)
    gen = pagecache.generation(article.pk) if variant else None
    parts = _parts(article, order)
    members = {int(p) for p in parts[1::2]}
    body = fill(parts, online_until(members), ratings.of(members))
    response = HttpResponse(body, content_type="application/json")
    if variant:
        metrics.page_miss("api")  # the page cache could have answered, had it held this
        pagecache.store("api", article.pk, article.slug, gen, variant, response.content, response["Content-Type"])
    return response
