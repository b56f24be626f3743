"""Every change to the discussion: post, edit, delete, vote.

`check_*` validates and checks permission; `do_*` writes, updates counters and publishes a
live event after commit. Views, the API, importers and commands all come through here.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Member
from core import statements
from core.errors import ActionError
from core.markup import quote_sources, render_comment
from core.text import strip_invisible
from discussion import live as discussion_live
from discussion.models import BODY_MAX, Comment, Quote, Vote
from newsroom import versions
from newsroom.models import Article
from newsroom.versions import Change

Status = Comment.Status


@dataclass
class Draft:
    """A checked comment, ready to be written."""

    body: str
    body_html: str
    parent: Comment | None
    status: str
    quotes: list[tuple[Comment | None, str, str]]  # (source comment, article anchor, text)


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not strip_invisible(body).strip():
        raise ActionError("The comment is empty: write something first.", field="body", code="empty")
    if len(body) > BODY_MAX:
        raise ActionError(
            f"A comment has at most {BODY_MAX:,} characters; this one has {len(body):,}.",
            field="body", code="too_long", status=400,
        )
    return body


def describe_source(article: Article):
    """The function that names and links a quote's source while a comment is rendered."""
    def describe(ref: str):
        base = article.get_absolute_url()
        if ref.startswith("c"):
            # The rendered text is public: it names the author of a public comment only.
            src = (Comment.objects.filter(pk=int(ref[1:]), article=article, status=Comment.Status.VISIBLE)
                   .select_related("author").only("id", "author__login").first())
            if src is None:
                return None
            return f"{base}#c{src.pk}", f"{src.author.login} wrote:"
        if ref == "title":
            return f"{base}#article-title", "From the article:"
        return f"{base}#{ref}", "From the article:"

    return describe


def _quotes(article: Article, body: str) -> list[tuple[Comment | None, str, str]]:
    out = []
    refs = quote_sources(body)
    for ref in refs:
        if ref.startswith("c"):
            src = Comment.objects.filter(pk=int(ref[1:]), article=article).first()
            if src is not None:
                out.append((src, "", _quoted_text(body, ref)))
        else:
            out.append((None, ref, _quoted_text(body, ref)))
    return out


def _quoted_text(body: str, ref: str) -> str:
    lines = body.split("\n")
    marker = f"[quote={ref}]"
    for i, line in enumerate(lines):
        if line.lstrip("> ").strip() == marker:
            taken = []
            for nxt in lines[i + 1:]:
                if not nxt.lstrip().startswith(">"):
                    break
                taken.append(nxt.lstrip()[1:].strip())
            return "\n".join(taken).strip()
    return ""


def check_post(member, article: Article, body: str, parent_id: int | None = None) -> Draft:
    """Validate a new comment; raises ActionError with a reason a person can act on."""
    from moderation import policy

    if not member.is_authenticated:
        raise ActionError("Sign in to comment.", status=401, code="signin")
    if not article.is_visible():
        raise ActionError("This publication does not exist.", status=404, code="not_found")
    reason = article.comments_closed_reason()
    if reason:
        raise ActionError(reason, status=403, code="closed")
    policy.check_may_comment(member)
    body = _clean_body(body)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.select_related("author", "article").filter(pk=parent_id).first()
        if parent is None or not parent.is_readable_by(member):  # a hidden one is not told apart
            raise ActionError("The comment you reply to does not exist (any more).", code="no_parent",
                              field="parent")
        if parent.article_id != article.pk:
            raise ActionError("The comment you reply to belongs to another publication.",
                              code="wrong_article", field="parent")
        if parent.status not in (Status.VISIBLE,) and not (
            parent.status == Status.HELD and parent.author_id == member.pk
        ):
            raise ActionError("That comment cannot be replied to: it was removed.", code="parent_gone",
                              field="parent")
    status = policy.screen_comment(member, article, body)
    html = render_comment(body, describe_source(article))
    return Draft(body, html, parent, status, _quotes(article, body))


def check_import(article: Article, body: str, parent: Comment | None, status: str = Status.VISIBLE) -> Draft:
    """A comment from an import: the text is checked and rendered like any other, but the
    rules for live members (sign-in, closed discussions, limits) do not apply."""
    body = _clean_body(body)
    html = render_comment(body, describe_source(article))
    return Draft(body, html, parent, status, _quotes(article, body))


def _sent_before(member, article: Article, idempotency_key: str) -> Comment | None:
    """The comment this member already posted on this article with this key (a retried post),
    through the key's unique index."""
    return Comment.objects.filter(author=member, article=article, idempotency_key=idempotency_key).first()


def do_post(member, article: Article, draft: Draft, *, idempotency_key: str | None = None,
            created=None, source_key: str | None = None) -> Comment:
    """Write a checked comment. Caller may hold a transaction; this opens its own savepoint.
    A repeated `idempotency_key` returns the comment stored the first time."""
    if idempotency_key:
        existing = _sent_before(member, article, idempotency_key)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            _lock_article(article.pk)
            comment = Comment.objects.create(
                article=article,
                parent=draft.parent,
                root_id=(draft.parent.root_id or draft.parent.pk) if draft.parent else None,
                author=member,
                depth=draft.parent.depth + 1 if draft.parent else 0,
                body=draft.body,
                body_html=draft.body_html,
                status=draft.status,
                created=created or timezone.now(),
                idempotency_key=idempotency_key or None,
                source_key=source_key,
            )
            for src, anchor, text in draft.quotes:
                Quote.objects.create(comment=comment, source_comment=src, source_anchor=anchor, text=text)
            if draft.status == Status.VISIBLE:
                # A reply to a comment that is no longer shown as it was (deleted since the
                # check, or an import's reply to a deleted one) may bring it back as a
                # placeholder, renumbering its siblings: read under the lock.
                brings_back = draft.parent is not None and statements.one(
                    _STATUS, [draft.parent.pk])[0] != Status.VISIBLE
                _count(comment, +1, Change.ORDER if brings_back else Change.NEW_COMMENT)
            else:
                versions.changed(article.pk, Change.HELD_COMMENT)
    except IntegrityError:
        if idempotency_key:
            existing = _sent_before(member, article, idempotency_key)
            if existing is not None:
                return existing
        raise
    if draft.status == Status.VISIBLE:
        # Numbered once the article's lock is let go, so posts to one discussion queue on it
        # for less time. The number still is this comment's: later posts took the lock after
        # it, so their ids are higher, and the count stops at this id.
        discussion_live.comment_added(comment, draft.parent)
    return comment


class BulkPost:
    """Many checked comments written into one article at once, with the effect of as many
    do_post calls (the same rows, ids in the order added, exact counters) at a fraction of
    the statements: rows go in by multi-row inserts, counters move once at the end. For
    importers, which write whole threads in one transaction and announce them with one
    "resync" event, so no per-comment live event is sent. Use through `bulk_post`.

    A comment may be added with its final status (held, deleted or removed: it simply is
    not counted) and its original `edited` time."""

    def __init__(self, article: Article):
        self.article = article
        self._pending: list[Comment] = []
        self._quotes: list[tuple[Comment, list]] = []
        self._public_by_author: dict[int, int] = {}

    def add(self, member, draft: Draft, *, created=None, source_key: str | None = None,
            edited=None, reason: str = "") -> Comment:
        """The comment, unsaved until the batch is flushed; a later draft may reply to it."""
        parent = draft.parent
        if parent is not None and parent.pk is None:
            self.flush()  # its parent is still in the batch: ids are needed now
        comment = Comment(
            article=self.article, parent=parent,
            root_id=(parent.root_id or parent.pk) if parent else None,
            author=member, depth=parent.depth + 1 if parent else 0,
            body=draft.body, body_html=draft.body_html, status=draft.status,
            created=created or timezone.now(), edited=edited,
            moderation_reason=reason if draft.status == Status.REMOVED else "",
            source_key=source_key,
        )
        self._pending.append(comment)
        if draft.quotes:
            self._quotes.append((comment, draft.quotes))
        if draft.status == Status.VISIBLE:
            self._public_by_author[member.pk] = self._public_by_author.get(member.pk, 0) + 1
        return comment

    def flush(self) -> None:
        if self._pending:
            Comment.objects.bulk_create(self._pending)
            self._pending = []
        if self._quotes:
            Quote.objects.bulk_create([Quote(comment=c, source_comment=src, source_anchor=anchor, text=text)
                                       for c, quotes in self._quotes for src, anchor, text in quotes])
            self._quotes = []

    def finish(self) -> None:
        self.flush()
        public = sum(self._public_by_author.values())
        versions.changed(self.article.pk, Change.ORDER, comment_delta=public)
        by_count: dict[int, list[int]] = {}
        for author_id, n in self._public_by_author.items():
            by_count.setdefault(n, []).append(author_id)
        for n, authors in by_count.items():
            Member.objects.filter(pk__in=authors).update(comment_count=F("comment_count") + n)
        self._public_by_author = {}


@contextmanager
def bulk_post(article: Article):
    """`with bulk_post(article) as batch: batch.add(...)` — all of it or nothing."""
    with transaction.atomic():
        _lock_article(article.pk)
        batch = BulkPost(article)
        yield batch
        batch.finish()


def post_comment(member, article: Article, body: str, parent_id: int | None = None, **kw) -> Comment:
    """check_post then do_post: what views and the API call."""
    from moderation import limits

    draft = check_post(member, article, body, parent_id)
    if not (kw.get("idempotency_key") and _sent_before(member, article, kw["idempotency_key"])):
        limits.hit_comment(member)  # a retried post is not a second comment
    return do_post(member, article, draft, **kw)


def one_thread_change():
    """Many discussion changes in one transaction counted as one (see versions.one_change)."""
    return versions.one_change()


def author_changed(member_id: int) -> None:
    """A member's name or account changed (real name, deletion): every discussion showing
    their comments gets a new thread version, and its cached pages go after commit, so no
    cached page keeps the old byline, or presence and a profile link for a deleted account."""
    article_ids = list(Comment.objects.filter(author_id=member_id).values_list("article_id", flat=True).distinct())
    versions.changed_many(article_ids, Change.BYLINE)


def _lock_article(article_id: int) -> None:
    """Every write to a discussion takes its article's row lock first. One order for all
    locks (article, then comments, votes and members) means concurrent posts, votes and
    moderation on PostgreSQL queue instead of deadlocking. SQLite serialises writers anyway."""
    for sql, params in _article_lock(article_id):
        statements.run(sql, params)


def _article_lock(article_id: int) -> list[tuple[str, list]]:
    """The statement taking the article's row lock; none on SQLite, which has no row locks (its
    writers queue on BEGIN IMMEDIATE)."""
    if connection.features.has_select_for_update:
        return [(f"SELECT id FROM {_A} WHERE id = %s FOR UPDATE", [article_id])]
    return []


# A vote's commit need not wait for the disk: should the database server crash, the last
# fraction of a second of votes may be lost — each whole, with the counts it moved, never
# half — while comments and everything else stay synchronous. PostgreSQL only.
_VOTE_COMMIT = ("SET LOCAL synchronous_commit TO OFF", [])


def _vote_steps(article_id: int, outermost: bool) -> list[tuple[str, list]]:
    """What a vote's transaction runs before reading the vote: sent with the read in one round
    trip. Only a transaction of the vote's own commits asynchronously, not one it joined."""
    lock = _article_lock(article_id)
    return [_VOTE_COMMIT, *lock] if outermost and connection.vendor == "postgresql" else lock


def _count(comment: Comment, delta: int, what: Change) -> None:
    """Counters that follow a comment becoming public (+1) or not (−1), with the versions of
    `what` changed."""
    if versions.one_statement():  # the article's and the author's counters in one round trip
        versions.changed(comment.article_id, what, comment_delta=delta, together=versions.Together(
            f"WITH a AS ({{article}}) {_COUNT_MEMBER}", [], [delta, comment.author_id]))
        return
    versions.changed(comment.article_id, what, comment_delta=delta)
    statements.run(_COUNT_MEMBER, [delta, comment.author_id])


def check_edit(member, comment: Comment, body: str) -> str:
    if not member.is_authenticated or member.pk != comment.author_id:
        raise ActionError("You can edit only your own comments.", status=403, code="not_yours")
    if not comment.is_editable_by(member):
        raise ActionError("A comment can be edited for 15 minutes after it is posted; that time has passed.",
                          status=403, code="edit_window")
    from moderation import policy

    policy.check_may_comment(member)
    return _clean_body(body)


def do_edit(member, comment: Comment, body: str, *, note: str = "") -> Comment:
    """Replace a comment's text (by its author, or by a moderator through moderation.actions)."""
    article = comment.article
    with transaction.atomic():
        _lock_article(comment.article_id)
        comment.body = body
        comment.body_html = render_comment(body, describe_source(article))
        comment.edited = timezone.now()
        comment.save(update_fields=["body", "body_html", "edited"])
        Quote.objects.filter(comment=comment).delete()
        for src, anchor, text in _quotes(article, body):
            Quote.objects.create(comment=comment, source_comment=src, source_anchor=anchor, text=text)
        versions.changed(comment.article_id, Change.TEXT)
        if comment.status == Status.VISIBLE:
            discussion_live.comment_changed(comment, "comment.edit")
    return comment


def edit_comment(member, comment: Comment, body: str) -> Comment:
    return do_edit(member, comment, check_edit(member, comment, body))


def delete_comment(member, comment: Comment) -> Comment:
    """The author deletes their comment; with replies it stays as a placeholder."""
    if not comment.is_deletable_by(member):
        raise ActionError("You can delete only your own comments.", status=403, code="not_yours")
    return do_set_status(comment, Status.DELETED)


def do_set_status(comment: Comment, status: str, reason: str = "") -> Comment:
    """Move a comment between visible, held, deleted and removed, keeping counters exact."""
    with transaction.atomic():
        _lock_article(comment.article_id)
        locked = Comment.objects.select_for_update().select_related("author", "article").get(pk=comment.pk)
        was_public = locked.status == Status.VISIBLE
        locked.status = status
        locked.moderation_reason = reason if status == Status.REMOVED else ""
        locked.save(update_fields=["status", "moderation_reason"])
        now_public = status == Status.VISIBLE
        if was_public != now_public:
            _count(locked, +1 if now_public else -1, Change.STATUS)
            # Votes on a comment that is no longer public leave the author's rating.
            score = locked.plus - locked.minus
            Member.objects.filter(pk=locked.author_id).update(
                rating=F("rating") + (score if now_public else -score)
            )
        else:
            versions.changed(locked.article_id, Change.STATUS)
        if now_public and not was_public and locked.status == Status.VISIBLE:
            discussion_live.comment_added(locked)
        elif was_public and not now_public:
            discussion_live.comment_changed(locked, "comment.remove")
    comment.status = locked.status
    comment.moderation_reason = locked.moderation_reason
    return locked


# --- Votes ------------------------------------------------------------------------------

#   old \ new |  +1               |  −1               |  0 (retract)
#   ----------+-------------------+-------------------+-----------------
#   none      |  plus+1           |  minus+1          |  nothing
#   +1        |  nothing          |  plus−1, minus+1  |  plus−1
#   −1        |  plus+1, minus−1  |  nothing          |  minus−1
# The author's rating moves by the change of (plus − minus). Quarantined votes
# (counted=False) change nothing until a moderator releases them.
def vote_delta(old: int, new: int) -> tuple[int, int]:
    """(Δplus, Δminus) for a vote going from `old` to `new` (each +1, −1 or 0)."""
    return (int(new == 1) - int(old == 1), int(new == -1) - int(old == -1))


def check_vote(member, comment: Comment, value: int) -> None:
    if not member.is_authenticated:
        raise ActionError("Sign in to vote.", status=401, code="signin")
    if value not in (1, -1, 0):
        raise ActionError("A vote is +1, −1 or 0 to take it back.", code="bad_value", field="value")
    if comment.author_id == member.pk:
        raise ActionError("You cannot vote on your own comment.", status=403, code="own_comment")
    if comment.status != Status.VISIBLE:
        raise ActionError("This comment was deleted or removed; it takes no votes.", status=409,
                          code="comment_gone")
    from moderation import policy

    policy.check_may_vote(member)


# What screens a new minus inside its vote's transaction, registered by the app that keeps it
# (moderation's brigade detection, at start): True when the vote, with others, stopped counting.
MINUS_SCREENS: list[Callable[[Vote], bool]] = []


def do_vote(member, comment: Comment, value: int, *, created=None, screen: bool = True,
            toggle: bool = False) -> tuple[int, int, int]:
    """Set `member`'s vote on `comment` to `value` (0 retracts). Returns (plus, minus, value).
    With `toggle`, the member's current value given again takes the vote back (as the page's
    buttons do).

    Holds the vote row (or the unique constraint) against concurrent changes; counters
    move by F() updates, so they stay exact under any interleaving. Importers restore a
    vote's original time with `created` and skip brigade screening (screen=False): votes
    cast long ago and replayed in a burst are not a brigade."""
    counted_now = None
    outermost = not connection.in_atomic_block
    for attempt in range(3):
        try:
            with transaction.atomic():
                row = statements.after(_vote_steps(comment.article_id, outermost), _VOTE_READ + statements.for_update(),
                                       [comment.pk, member.pk])
                vote_id, old, counted = row if row else (None, 0, True)
                if toggle and value in (1, -1) and value == old:
                    value = 0
                if old == value:
                    break
                moment = created or timezone.now()
                when = statements.time(moment)
                if vote_id is None:
                    change, params = _VOTE_INSERT, [comment.pk, member.pk, value, True, when]
                elif value == 0:
                    change, params = _VOTE_DELETE, [vote_id]
                else:
                    change, params = _VOTE_UPDATE, [value, when, vote_id]
                if counted and versions.one_statement():
                    vote_id, counted_now = _write_vote_counted(comment, change, params, old, value, vote_id)
                else:
                    row = statements.one(change, params)
                    vote_id = row[0] if row else vote_id
                    if counted:
                        counted_now = _apply_vote(comment, old, value)
                if value == -1 and screen:
                    vote = Vote(pk=vote_id, comment=comment, voter=member, value=-1, counted=counted, created=moment)
                    caught = [screen_fn(vote) for screen_fn in MINUS_SCREENS]  # every screen runs
                    if True in caught:
                        counted_now = None  # votes were quarantined: read the counts they left
                break
        except IntegrityError:
            if attempt == 2:
                raise  # not a race lost: something else is wrong, and it must be seen
            continue  # another request created the vote first: read it and apply again
    if counted_now is None:  # nothing moved: the counts as they are
        counted_now = statements.one(_COUNTS, [comment.pk])
    comment.plus, comment.minus = counted_now
    return *counted_now, value


# A vote is the most frequent write: its statements are written out once (portable SQL,
# SQLite >= 3.35 and PostgreSQL) rather than compiled by the ORM on every vote.
_V, _C, _M, _A = Vote._meta.db_table, Comment._meta.db_table, Member._meta.db_table, Article._meta.db_table
_VOTE_READ = f"SELECT id, value, counted FROM {_V} WHERE comment_id = %s AND voter_id = %s"
_VOTE_INSERT = f"INSERT INTO {_V} (comment_id, voter_id, value, counted, created) VALUES (%s, %s, %s, %s, %s) RETURNING id"
_VOTE_DELETE = f"DELETE FROM {_V} WHERE id = %s RETURNING id"
_VOTE_UPDATE = f"UPDATE {_V} SET value = %s, created = %s WHERE id = %s RETURNING id"
_COUNTS = f"SELECT plus, minus FROM {_C} WHERE id = %s"
_STATUS = f"SELECT status FROM {_C} WHERE id = %s"
_MOVE_COUNTS = f"UPDATE {_C} SET plus = plus + %s, minus = minus + %s WHERE id = %s RETURNING plus, minus"
_MOVE_RATING = f"UPDATE {_M} SET rating = rating + %s WHERE id = %s"
_COUNT_MEMBER = f"UPDATE {_M} SET comment_count = comment_count + %s WHERE id = %s"


# On PostgreSQL a counted vote's writes go in one statement (data-modifying WITH): the vote
# row, the comment's counts, the author's rating and the thread version, one round trip for
# four. SQLite runs in process, where a round trip costs nothing, and has no such WITH.
_VOTE_COUNTED = (f"WITH v AS ({{change}}), c AS ({_MOVE_COUNTS}), m AS ({_MOVE_RATING}), "
                 "a AS ({article}) SELECT (SELECT id FROM v), c.plus, c.minus FROM c")


def _write_vote_counted(comment: Comment, change: str, params: list, old: int, new: int,
                        vote_id: int | None) -> tuple[int | None, tuple[int, int] | None]:
    """The vote row's change and, when the vote moves them, the counters, in one statement.
    Returns (the vote's id, the comment's counts) as _apply_vote does."""
    dp, dm = vote_delta(old, new)
    if dp == 0 and dm == 0:
        row = statements.one(change, params)
        return (row[0] if row else vote_id), None
    row = versions.changed(comment.article_id, Change.VOTES, together=versions.Together(
        _VOTE_COUNTED.replace("{change}", change), [*params, dp, dm, comment.pk, dp - dm, comment.author_id],
        [], returns=True))
    return (row[0] if row[0] is not None else vote_id), _counts_moved(comment, row[1], row[2])


def _counts_moved(comment: Comment, plus: int, minus: int) -> tuple[int, int]:
    discussion_live.vote_changed(comment, plus, minus)
    return plus, minus


def _apply_vote(comment: Comment, old: int, new: int) -> tuple[int, int] | None:
    """Move the counters; returns the comment's (plus, minus) as this transaction leaves them
    (read under the article's lock, so they are what the commit publishes)."""
    dp, dm = vote_delta(old, new)
    if dp == 0 and dm == 0:
        return None
    plus, minus = statements.one(_MOVE_COUNTS, [dp, dm, comment.pk])
    statements.run(_MOVE_RATING, [dp - dm, comment.author_id])
    versions.changed(comment.article_id, Change.VOTES)
    return _counts_moved(comment, plus, minus)


def do_count_vote(vote: Vote, counted: bool) -> tuple[int, int] | None:
    """Quarantine (False) or release (True) a vote: its effect on the counts goes or comes
    back; the vote itself stays. Caller holds a transaction. Returns the comment's counts
    when they moved."""
    if vote.counted == counted:
        return None
    Vote.objects.filter(pk=vote.pk).update(counted=counted)
    vote.counted = counted
    comment = vote.comment
    if counted:
        return _apply_vote(comment, 0, vote.value)
    return _apply_vote(comment, vote.value, 0)


def vote(member, comment: Comment, value: int, *, toggle: bool = False) -> tuple[int, int, int]:
    from moderation import limits

    check_vote(member, comment, value)
    limits.hit_vote(member)
    return do_vote(member, comment, value, toggle=toggle)
