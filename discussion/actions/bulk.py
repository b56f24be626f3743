"""Many comments written at once, for importers."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Member
from discussion import signals
from discussion.actions.common import Status, lock_article
from discussion.actions.posting import Draft
from discussion.models import Comment, Quote
from newsroom import versions
from newsroom.models import Article
from newsroom.versions import Change


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
        self._quotes: list[tuple[Comment, list[tuple[Comment | None, str, str]]]] = []
        self._public_by_author: dict[int, int] = {}

    def add(self, member: Member, draft: Draft, *, created: datetime | None = None,
            source_key: str | None = None, edited: datetime | None = None, reason: str = "") -> Comment:
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
            signals.comments_imported.send(Comment, article_id=self.article.pk,
                                           comment_ids=[c.pk for c in self._pending])
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
def bulk_post(article: Article) -> Iterator[BulkPost]:
    """`with bulk_post(article) as batch: batch.add(...)` — all of it or nothing."""
    with transaction.atomic():
        lock_article(article.pk)
        batch = BulkPost(article)
        yield batch
        batch.finish()
