"""The comment tree as JSON: /api/v1/articles/<slug>/comments/.

The nested JSON is written without recursion (a reply chain may be thousands deep, past
what json.dumps can nest)."""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from accounts.presence import online_ids
from discussion import threads
from discussion.models import Comment
from discussion.render import format_time
from newsroom.models import Article

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def comment_fields(node: threads.Node, online: set[int]) -> dict:
    c = node.comment
    a = c.author
    gone = c.status in (Comment.Status.DELETED, Comment.Status.REMOVED)
    presence = None if a.is_deleted else ("online" if a.pk in online else "offline")
    return {
        "id": c.pk,
        "number": node.number,
        "parent": c.parent_id,
        "status": c.status,
        "author": None if gone else {
            "login": a.login, "real_name": a.real_name or None, "presence": presence,
            "deleted": a.is_deleted,
        },
        "created": format_time(c.created)[0],
        "edited": format_time(c.edited)[0] if c.edited else None,
        "body_html": "" if gone else c.body_html,
        "plus": c.plus,
        "minus": c.minus,
    }


def tree_json(nodes: list[threads.Node], online: set[int]) -> str:
    """Nested {"…", "children": [...]} objects from the flat depth-first list."""
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
        fields = _dumps(comment_fields(node, online))
        out.append(fields[:-1] + ',"children":[')
        depth_stack.append(node.depth)
        first_at_level = True
    out.append("]}" * len(depth_stack))
    out.append("]")
    return "".join(out)


def comments(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    viewer = request.user.pk if request.user.is_authenticated else None
    nodes = threads.build(threads.load_comments(article.pk),
                          request.GET.get("order", "oldest"), viewer_id=viewer)
    online = online_ids(n.comment.author_id for n in nodes)
    body = (f'{{"article":{_dumps(article.slug)},"count":{article.comment_count},'
            f'"comments":{tree_json(nodes, online)}}}')
    return HttpResponse(body, content_type="application/json")
