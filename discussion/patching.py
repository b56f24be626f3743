"""A thread after votes, drawn from the one drawn before them rather than from nothing.

A vote changes one comment's counts and raises the thread version as any change does, so the
thread kept for the old version is left behind, and the next page would draw the new one from
nothing: every row read again, the tree built, a thousand fragments keyed. Instead each vote
records, once committed, what its version changed — (article, version) → (comment, plus,
minus) — in this process (`thread-votes`) and, scaled out, in the shared cache (`tvote:…`, for
the other processes). A render that misses its thread looks for the newest one this process
drew in the BEHIND versions before it (`threads-drawn`: the nodes and decor it was drawn with)
and, when a record says what each version since changed, redraws those comments alone and puts
them in place (render.Split.patched).

What keeps it exact (tests: discussion/tests/test_patching.py):
- a record exists only where a vote wrote one, for the one version its own statement raised
  (the article row's RETURNING). Every other change — a post, an edit, a status, a byline, a
  rank, a pick — writes none, so a chain holding it breaks and the thread is drawn from nothing;
- inside a batch of changes (newsroom.versions.one_change) versions move once at its end and
  nothing is recorded;
- a version raised and rolled back records nothing (on_commit). A version never committed on
  its own (two changes in one transaction) was never drawn, so no patch starts from it;
- a drawing is kept only from rows read no older than its version: with read replicas, the
  version is read on the rows' database before them (discussion.page._drawn), else none is kept;
- records are kept under the primary database's identity (its start time, read once per
  connection): after a crash or a failover, the versions of votes it lost are given again to
  other changes, and the records of the lost votes are not read under the new identity;
- the comments are redrawn with the decor and the language their thread was drawn with, and
  the old markup, drawn again, must be found whole in the kept thread, slot for slot, or
  nothing is patched;
- not for the order by votes ("best"), which a vote may reorder. A page of a long discussion
  that does not hold the voted comment is the same page: its counts are shown elsewhere."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created

from core.cache import later
from core.memo import Memo
from discussion import render
from discussion.decor import Decor
from discussion.threads import CommentRow, Node

BEHIND = 8  # versions back a drawing may be patched from
RECORD_SECONDS = 600  # a record's life in the shared cache: a drawing older is drawn again
ORDERS = ("oldest", "newest")  # the orders a vote cannot change


@dataclass(frozen=True, slots=True)
class Drawn:
    """A thread as this process drew (or patched) it: its version, its shared parts (as
    discussion.page.shared_parts keeps them), its nodes by comment id, and its decor."""

    version: int
    parts: tuple
    nodes: dict[int, Node]
    decor: Decor


def _weight(drawn: Drawn) -> int:
    return 2 * drawn.parts[0].size  # the markup, and about as much again in rows and nodes


# (epoch, article, version) → (comment, plus, minus): what the vote that raised the thread to
# that version changed. Never stale within an epoch: a version is raised once.
_votes: Memo[tuple[int, int, int]] = Memo("thread-votes", items=20_000)
# (article, order, page, language) → the newest Drawn of that thread here.
_drawn: Memo[Drawn] = Memo("threads-drawn", items=64, max_bytes=128 * 2**20, weigh=_weight, lru=True)

# The primary database's identity, as the newest connection to it found it: PostgreSQL's start
# time (a crash restarts it, a failover is another server). SQLite commits every vote durably.
_epoch = [""]


def _connected(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.alias == "default" and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_postmaster_start_time()::text")
            _epoch[0] = hashlib.blake2b(cursor.fetchone()[0].encode(), digest_size=6).hexdigest()


connection_created.connect(_connected, dispatch_uid="discussion-patching-epoch")


def _record_key(epoch: str, article_id: int, version: int) -> str:
    return f"tvote:{epoch}:{article_id}:{version}"


def voted(article_id: int, version: int, comment_id: int, plus: int, minus: int) -> None:
    """A vote raised the article's thread to `version`, leaving the comment's counts at
    (plus, minus): recorded once its transaction commits (inside the voting transaction)."""
    record, epoch = (comment_id, plus, minus), _epoch[0]

    def keep() -> None:
        _votes.put((epoch, article_id, version), record)
        if settings.REDIS_URL:
            later.set(_record_key(epoch, article_id, version), record, timeout=RECORD_SECONDS)

    transaction.on_commit(keep)


def keep(article: Any, order: str, page: int, language: str, parts: tuple, nodes: list[Node], decor: Decor) -> None:
    """A thread just drawn from rows no older than its version, kept for patching its next."""
    if order in ORDERS:
        _drawn.put((article.pk, order, page, language),
                   Drawn(article.thread_version, parts, {n.comment.pk: n for n in nodes}, decor))


def _records(article_id: int, versions: range) -> list[tuple[int, int, int]] | None:
    """The records of these versions in order, or None if one is missing."""
    epoch = _epoch[0]
    found = {v: _votes.get((epoch, article_id, v)) for v in versions}
    missing = [v for v, r in found.items() if r is None]
    if missing and settings.REDIS_URL:
        shared = cache.get_many([_record_key(epoch, article_id, v) for v in missing])
        for v in missing:
            record = shared.get(_record_key(epoch, article_id, v))
            if record is not None:
                found[v] = record = tuple(record)
                _votes.put((epoch, article_id, v), record)
    if any(r is None for r in found.values()):
        return None
    return [found[v] for v in versions]  # type: ignore[misc]


def after_votes(article: Any, order: str, page: int, language: str, whole: bool) -> tuple | None:
    """The thread's shared parts at the article's version (as discussion.page.shared_parts
    makes them), patched from the thread this process drew at most BEHIND versions before,
    when every version since was a vote; None otherwise."""
    if order not in ORDERS:
        return None
    key = (article.pk, order, page, language)
    drawn = _drawn.get(key)
    version = article.thread_version
    if drawn is None or not version - BEHIND <= drawn.version < version:
        return None
    records = _records(article.pk, range(drawn.version + 1, version + 1))
    if records is None:
        return None
    counts = {cid: (plus, minus) for cid, plus, minus in records}  # the last record's for each
    base, nodes, decor = drawn.parts, dict(drawn.nodes), drawn.decor
    split = base[0]
    for cid, (plus, minus) in counts.items():
        node = nodes.get(cid)
        if node is None:
            if whole:  # not shown in a whole thread: nothing to trust about it, draw afresh
                return None
            continue  # on another page of a long discussion
        c = node.comment
        if (c.plus, c.minus) == (plus, minus):
            continue  # drawn from rows read after the vote already
        if type(c) is not CommentRow:
            return None
        moved = Node(c.with_counts(plus, minus), node.index, node.parent, node.depth)
        split = split.patched(_markup(node, decor, language), _markup(moved, decor, language))
        if split is None:
            return None
        nodes[cid] = moved
    # The structured data's rows (discussion.page._public_rows) are of these nodes' comments.
    public = tuple((*row[:4], nodes[row[0]].comment.plus, nodes[row[0]].comment.minus)
                   if row[0] in counts and row[0] in nodes else row for row in base[5])
    parts = (split, *base[1:5], public)
    _drawn.put(key, Drawn(version, parts, nodes, decor))
    return parts


def _markup(node: Node, decor: Decor, language: str) -> bytes:
    return render.render_comment(node, decor=decor, language=language).encode()
