"""The discussion as one viewer sees it: the shared cached thread plus their own marks."""

import time

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils import timezone

from accounts.presence import online_until
from discussion import render, threads
from discussion.models import EDIT_WINDOW, Comment, Vote

ORDERS = threads.ORDERS
CACHE_SECONDS = 24 * 3600


def thread_key(article, order: str) -> str:
    return f"thread:{article.pk}:{article.thread_version}:{order}"


def shared_parts(article, order: str) -> tuple[list[str], int]:
    """The public thread, split at its slots, from the cache or rendered afresh.
    Returns (parts, number of comments shown, public moderation summary)."""
    key = thread_key(article, order)
    hit = cache.get(key)
    if hit is not None:
        return hit
    comments = threads.load_comments(article.pk)
    nodes = threads.build(comments, order)
    value = (render.split_slots(render.render_thread(nodes)), len(nodes), moderation_summary(comments))
    cache.set(key, value, timeout=CACHE_SECONDS)
    return value


def moderation_summary(comments) -> str:
    """The public account of moderation: "3 comments removed: 2 insult, 1 spam"."""
    from collections import Counter

    from moderation.models import Reason

    removed = Counter(c.removal_category or "other" for c in comments if c.status == Comment.Status.REMOVED)
    total = sum(removed.values())
    if not total:
        return ""
    labels = dict(Reason.choices)
    parts = ", ".join(f"{n} {labels.get(k, k).lower()}" for k, n in removed.most_common())
    return f"{total} comment{'s' if total != 1 else ''} removed by moderators: {parts}."


def for_viewer(request, article, order: str = "oldest") -> dict:
    """Everything the article template needs about the discussion for this request."""
    viewer = request.user if request.user.is_authenticated else None
    own_ids: list[int] = []
    editable: list[int] = []
    votes: dict[int, int] = {}
    held = False
    if viewer is not None:
        mine = list(Comment.objects.filter(article=article, author=viewer)
                    .values_list("id", "status", "created"))
        since = timezone.now() - EDIT_WINDOW
        own_ids = [cid for cid, _s, _c in mine]
        editable = [cid for cid, st, created in mine if created >= since and st in ("visible", "held")]
        held = any(st == Comment.Status.HELD for _c, st, _t in mine)
        votes = dict(Vote.objects.filter(voter=viewer, comment__article=article)
                     .values_list("comment_id", "value"))
    if held:
        comments = threads.load_comments(article.pk)
        nodes = threads.build(comments, order, viewer_id=viewer.pk)
        held_ids = frozenset(n.comment.pk for n in nodes if n.comment.status == Comment.Status.HELD)
        parts, shown = render.split_slots(render.render_thread(nodes, held_ids)), len(nodes)
        summary = moderation_summary(comments)
    else:
        parts, shown, summary = shared_parts(article, order)
    html = render.fill(parts, get_token(request), online_until(render.slot_members(parts)))
    return {
        "thread_html": html,
        "shown": shown,
        "moderation_summary": summary,
        "order": order,
        "viewer_style": viewer_style(own_ids, editable, votes),
        "viewer_votes": votes,
        "now": int(time.time()),
    }


def viewer_style(own_ids, editable, votes) -> str:
    """CSS that shows a viewer's own controls and marks their votes (works without JS)."""
    rules = []
    if own_ids:
        rules.append(",".join(f"#c{i}>.c .own-only" for i in own_ids) + "{display:inline-flex}")
        rules.append(",".join(f"#c{i}>.c .vote" for i in own_ids) + "{display:none}")
    if editable:
        rules.append(",".join(f"#c{i}>.c .own-edit" for i in editable) + "{display:inline-flex}")
    ups = [f"#c{c}>.c .plus" for c, v in votes.items() if v == 1]
    downs = [f"#c{c}>.c .minus" for c, v in votes.items() if v == -1]
    if ups:
        rules.append(",".join(ups) + "{background:var(--plus-bg);color:var(--plus-fg);font-weight:700}")
    if downs:
        rules.append(",".join(downs) + "{background:var(--minus-bg);color:var(--minus-fg);font-weight:700}")
    return "\n".join(rules)


def fresh_fragment(article, viewer_id=None) -> str:
    """The thread without the cache (for tests and the resync fragment)."""
    nodes = threads.build(threads.load_comments(article.pk), "oldest", viewer_id=viewer_id)
    return render.render_thread(nodes)

