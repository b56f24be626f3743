"""What every converter shares: the run's options and summary, and `write_thread`, which
writes one thread of source-neutral comments (imports.records) through the discussion's
actions.

A converter reads its format and hands over threads; it never writes a comment itself. Each
thread is written in one transaction, so a file that fails half-way leaves whole threads,
and a re-run skips them (comments carry a unique `source_key`) and resumes.
"""

import hashlib
import heapq
import re
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

from core.text import strip_invisible
from discussion import actions as discussion_actions
from discussion import live as discussion_live
from discussion.models import BODY_MAX, Comment
from imports import members
from imports.records import Person, SourceComment, Status
from live.events import publish_on_commit
from newsroom.models import Article

EMPTY_BODY = "(empty comment)"
# Where a converter wants a quote linked to a comment of the same thread, whose Veche id exists
# only once that comment is written: a Unicode noncharacter, which no text exchanged between
# systems holds (a converter that uses it removes it from its source text first).
QUOTE_SLOT = "\ufdd0"
TRUNCATED = "\n\n[…]"
WARNINGS_KEPT = 200  # warnings past this are counted, not stored: a bad file may have millions
MEMBER_CACHE_MAX = 50_000  # members kept between threads; past it the cache starts over
LOOKUP_BATCH = 500  # keys per IN (…) query, well under every database's parameter limit


@dataclass
class Summary:
    source: str = ""
    threads: int = 0
    articles_matched: int = 0
    articles_created: int = 0
    comments_created: int = 0
    comments_existing: int = 0
    held: int = 0
    deleted: int = 0
    removed: int = 0
    skipped: int = 0
    orphans: int = 0
    truncated: int = 0
    empty: int = 0
    votes: int = 0
    warnings: list[str] = field(default_factory=list)
    warnings_dropped: int = 0

    def warn(self, message: str, line: int | None = None) -> None:
        if len(self.warnings) < WARNINGS_KEPT:
            self.warnings.append(f"line {line}: {message}" if line else message)
        else:
            self.warnings_dropped += 1

    @property
    def comments(self) -> int:
        return self.comments_created + self.comments_existing

    def as_text(self) -> str:
        lines = [
            f"{self.source}: {self.threads:,} threads — {self.articles_matched:,} matched an article, "
            f"{self.articles_created:,} got a new article",
            f"comments: {self.comments_created:,} created, {self.comments_existing:,} already there; "
            f"{self.held:,} held, {self.deleted:,} deleted, {self.removed:,} removed, "
            f"{self.skipped:,} skipped",
        ]
        if self.votes:
            lines.append(f"votes: {self.votes:,}")
        notes = [f"{n:,} {what}" for n, what in (
            (self.orphans, "orphans (parent missing) made top-level"),
            (self.truncated, f"bodies cut at {BODY_MAX:,} characters"),
            (self.empty, f"empty bodies written as “{EMPTY_BODY}”"),
        ) if n]
        if notes:
            lines.append("; ".join(notes))
        total = len(self.warnings) + self.warnings_dropped
        if total:
            lines.append(f"{total:,} warnings:")
            lines += [f"  - {w}" for w in self.warnings]
            if self.warnings_dropped:
                lines.append(f"  … and {self.warnings_dropped:,} more")
        return "\n".join(lines)


@dataclass
class Options:
    article_map: str = "url"  # "url", "title" or "create"
    skip_removed: bool = False
    progress: Callable[[Summary], None] | None = None


ARTICLE_MAPS = ("url", "title", "create")


class Run:
    """One import: options, the summary, and members already resolved."""

    def __init__(self, source: str, options: Options | None = None):
        self.source = source
        self.options = options or Options()
        self.summary = Summary(source=source)
        self._members: dict[str, object] = {}
        self._pending: dict[str, object] = {}

    def _cached(self, key: str):
        return self._pending.get(key) or self._members.get(key)

    def member(self, who: Person):
        """The member for `who`. Within a file, a commenter known by email only is the one who
        used that email *and name* with an id elsewhere in it (WordPress writes user_id on
        some comments of a person and not on others). The name must match too because a
        guest's email is not verified: typing someone's address must not borrow their
        account. Two different ids never merge."""
        found = self._cached(who.key)
        email_alias = f"@{who.email.lower()}\n{who.login}" if who.email else None
        if found is None and email_alias:
            seen = self._cached(email_alias)
            if seen is not None and (not who.key.startswith("id:") or not seen[1].startswith("id:")):
                found = seen[0]
        if found is None:
            found = members.resolve(self.source, who.key, who.login, real_name=who.real_name,
                                    email=who.email, deleted=who.deleted, joined=who.joined)
        # A member created inside a thread that then rolls back must not stay cached, so new
        # entries wait in `_pending` until their thread commits.
        self._pending[who.key] = found
        if email_alias and self._cached(email_alias) is None:
            self._pending[email_alias] = (found, who.key)
        return found

    def _committed(self) -> None:
        if len(self._members) + len(self._pending) > MEMBER_CACHE_MAX:
            self._members.clear()
        self._members.update(self._pending)
        self._pending.clear()

    def tick(self) -> None:
        if self.options.progress:
            self.options.progress(self.summary)


def short_key(text: str, limit: int = 64) -> str:
    """`text` if it is short and has no ":", else a stable digest of it, so "source:thread:id"
    stays unambiguous and within the 200 characters of Comment.source_key."""
    text = str(text)
    if len(text) <= limit and ":" not in text and text.isprintable():
        return text
    return "h" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]


def comment_key(source: str, thread: str, comment_id: str) -> str:
    return f"{source}:{thread}:{short_key(comment_id, 100)}"


_FOREIGN_QUOTE = re.compile(r"\\?\[quote=([^\]\s`\\]{1,40})\\?\]")


def prepare_body(markdown: str, summary: Summary, line: int | None = None) -> str:
    """A foreign body as Veche stores it: never empty, at most BODY_MAX, and without
    Veche's quote markers — "[quote=c12]" in another system's text must not link to
    Veche's comment 12, so it is shown as code instead."""
    body = (markdown or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    body = _FOREIGN_QUOTE.sub(lambda m: f"`[quote={m.group(1)}]`", body).strip("\n")
    if not strip_invisible(body).strip():
        summary.empty += 1
        return EMPTY_BODY
    return truncate(body, summary, line)


def truncate(body: str, summary: Summary, line: int | None = None) -> str:
    if len(body) <= BODY_MAX:
        return body
    cut = body[: BODY_MAX - len(TRUNCATED)].rstrip()
    cut = cut[:-1] if cut.endswith("\\") and not cut.endswith("\\\\") else cut
    summary.truncated += 1
    summary.warn(f"a comment of {len(body):,} characters was cut to {BODY_MAX:,}", line)
    return cut + TRUNCATED


def order_thread(comments: Iterable[SourceComment], summary: Summary) -> list[tuple[SourceComment, bool]]:
    """Parents before their replies, otherwise oldest first; each with True when it is an
    orphan (its parent is not in the thread, or the parents form a loop) made top-level."""
    by_id: dict[str, SourceComment] = {}
    for c in comments:
        if c.id in by_id:
            summary.skipped += 1
            summary.warn(f"comment id {c.id!r} appears twice in one thread; the second was left out",
                         c.line)
            continue
        by_id[c.id] = c
    children: dict[str, list[SourceComment]] = {}
    ready: list[tuple] = []
    orphan_ids: set[str] = set()
    for c in by_id.values():
        if c.parent is None:
            ready.append((c.created, c.seq, c.id))
        elif c.parent not in by_id or c.parent == c.id:
            orphan_ids.add(c.id)
            ready.append((c.created, c.seq, c.id))
        else:
            children.setdefault(c.parent, []).append(c)
    heapq.heapify(ready)
    out: list[tuple[SourceComment, bool]] = []
    done: set[str] = set()
    while len(done) < len(by_id):
        if not ready:  # what is left hangs on a loop of parents: break it at the oldest
            stuck = min((c for cid, c in by_id.items() if cid not in done),
                        key=lambda c: (c.created, c.seq))
            orphan_ids.add(stuck.id)
            ready.append((stuck.created, stuck.seq, stuck.id))
        _created, _seq, cid = heapq.heappop(ready)
        if cid in done:
            continue
        done.add(cid)
        out.append((by_id[cid], cid in orphan_ids))
        for child in children.get(cid, ()):
            if child.id not in done:
                heapq.heappush(ready, (child.created, child.seq, child.id))
    if orphan_ids:
        summary.orphans += len(orphan_ids)
        summary.warn(f"{len(orphan_ids):,} comments whose parent is missing became top-level")
    return out


def _kept(ordered: list[tuple[SourceComment, bool]], skip_removed: bool) -> set[str]:
    """Ids written. With skip_removed, a deleted or removed comment is left out unless a
    reply that is kept needs it as a placeholder, so the tree keeps its shape."""
    gone = (Status.DELETED, Status.REMOVED)
    if not skip_removed:
        return {c.id for c, _ in ordered}
    kept: set[str] = set()
    for c, orphan in reversed(ordered):  # replies before their parents
        if c.status not in gone or c.id in kept:
            kept.add(c.id)
            if c.parent is not None and not orphan:
                kept.add(c.parent)
    return kept


@contextmanager
def one_live_event(article_id: Callable[[], int | None]):
    """Replace the per-comment live events of a thread by one "resync" of its article.

    Every do_post would publish an event that, after commit, loads the whole thread to render
    its fragment: for a thread of n comments written at once that is n² work for readers who
    would better reload once. Must run inside the thread's transaction."""
    with discussion_live.quiet():
        yield
    pk = article_id()
    if pk is not None:
        publish_on_commit({"type": "resync", "article": pk})


ArticleSource = Article | Callable[[], Article]


def write_thread(run: Run, thread: str, article: ArticleSource,
                 comments: Iterable[SourceComment]) -> Article | None:
    """Write one thread in one transaction and return its article.

    `thread` is the thread's key within the source; `article` may be a callable, called
    inside the transaction, so an article created for the thread exists only if its
    comments do. A thread imported before keeps its article whatever `article` says;
    comments already imported (same source_key) are counted and skipped. A thread whose
    every comment is left out (skip_removed) is not written at all: None."""
    summary = run.summary
    ordered = order_thread(comments, summary)
    kept = _kept(ordered, run.options.skip_removed)
    if ordered and not kept:
        summary.skipped += len(ordered)
        return None
    keys = {sc.id: comment_key(run.source, thread, sc.id) for sc, _ in ordered}
    holder: dict[str, Article] = {}
    try:
        with transaction.atomic(), one_live_event(lambda: holder["a"].pk if "a" in holder else None):
            existing = _existing(list(keys.values()))
            if existing:
                art = Article.objects.get(pk=next(iter(existing.values())).article_id)
                summary.articles_matched += 1
            else:
                art = article() if callable(article) else article
            holder["a"] = art
            made: dict[str, Comment] = {}
            with discussion_actions.bulk_post(art) as batch:
                for sc, orphan in ordered:
                    if sc.id not in kept:
                        summary.skipped += 1
                        continue
                    key = keys[sc.id]
                    if key in existing:
                        made[sc.id] = existing[key]
                        summary.comments_existing += 1
                        continue
                    parent = None if orphan or sc.parent is None else made.get(sc.parent)
                    made[sc.id] = _add_comment(run, batch, art, sc, parent, key, made)
                    run.tick()
        run._committed()
    except BaseException:
        run._pending.clear()
        raise
    summary.threads += 1
    return art


def _existing(keys: list[str]) -> dict[str, Comment]:
    """Comments already imported under these keys: exact lookups on the unique index, which
    work under any database collation (a prefix range would not)."""
    found: dict[str, Comment] = {}
    for i in range(0, len(keys), LOOKUP_BATCH):
        found.update({c.source_key: c for c in Comment.objects.filter(source_key__in=keys[i:i + LOOKUP_BATCH])
                      .only("id", "depth", "root_id", "article_id", "source_key")})
    return found


def link_quotes(body: str, quotes, made: dict[str, Comment], batch) -> str:
    """Each line holding only a QUOTE_SLOT (after its "> " markers) becomes the head of a Veche
    quote, "[quote=c<id>]", of the comment it names when that comment was written; otherwise
    the fallback Markdown given with it ("Name wrote:"), and the line goes when that is empty."""
    slots = iter(quotes)
    out = []
    for line in body.split("\n"):
        if QUOTE_SLOT not in line:
            out.append(line)
            continue
        source_id, fallback = next(slots, (None, ""))
        head = line[: line.index(QUOTE_SLOT)]
        found = made.get(source_id) if source_id is not None else None
        if found is not None and found.pk is None:
            batch.flush()  # written in this batch but not yet inserted: its id is needed now
        if found is not None and found.pk is not None:
            out.append(f"{head}[quote=c{found.pk}]")
        elif fallback:
            out.append(head + fallback)
    return "\n".join(out)


def _add_comment(run: Run, batch, article: Article, sc: SourceComment, parent: Comment | None,
                 key: str, made: dict[str, Comment]) -> Comment:
    summary = run.summary
    body = prepare_body(sc.body, summary, sc.line)
    if sc.quotes:
        body = truncate(link_quotes(body, sc.quotes, made, batch), summary, sc.line)
    draft = discussion_actions.check_import(article, body, parent, status=sc.status)
    edited = sc.edited if sc.edited and sc.edited > sc.created else None
    author = run.member(sc.author)
    members.joined_by(author, sc.created)
    comment = batch.add(author, draft, created=sc.created, source_key=key,
                        edited=edited, reason=sc.reason or "")
    summary.comments_created += 1
    counter = {Status.HELD: "held", Status.DELETED: "deleted", Status.REMOVED: "removed"}.get(sc.status)
    if counter:
        setattr(summary, counter, getattr(summary, counter) + 1)
    return comment
