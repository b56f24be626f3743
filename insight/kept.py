"""An article's insight figures kept in the database and computed again by a task, so that a
page view reads one row instead of aggregating the whole discussion (ten thousand comments
and their votes on a big one) in the request.

Discussions of up to INLINE_UP_TO comments are computed in the request, as they are cheap.
For larger ones the page shows the kept figures. When they are *stale* — computed for an older thread version
(a comment, vote or status changed since) or more than FRESH_SECONDS ago (reports and queue
waits do not move the thread version) — the view enqueues `insight.tasks.refresh` once and
shows what is kept, saying when it was computed; the worker computes them within seconds. An
article with nothing kept yet (its first view) is computed in the request, once."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from insight import figures
from insight.figures import ArticleFigures, Paragraph, Subthread, Timeline
from insight.models import KeptFigures

# Discussions up to this many public comments are computed in the request, always current (an
# aggregate over them takes a few milliseconds); larger ones are kept and computed by the task.
INLINE_UP_TO = 1000
FRESH_SECONDS = 60  # how old kept figures may be before a view has them computed again


def to_json(f: ArticleFigures) -> dict:
    return asdict(f)


def from_json(d: dict) -> ArticleFigures:
    return ArticleFigures(
        statuses=dict(d["statuses"]), timeline=Timeline(**d["timeline"]),
        quarantined_votes=d["quarantined_votes"], removals=dict(d["removals"]),
        paragraphs=[Paragraph(**p) for p in d["paragraphs"]], depths=list(d["depths"]),
        widest=tuple(d["widest"]) if d["widest"] else None,  # type: ignore[arg-type]
        subthreads=[Subthread(**s) for s in d["subthreads"]],
        answers=[(a, b, n) for a, b, n in d["answers"]],
        reports={k: (v[0], v[1]) for k, v in d["reports"].items()},
        report_waits=list(d["report_waits"]), held_waits=list(d["held_waits"]), brigades=dict(d["brigades"]),
    )


def is_fresh(row: KeptFigures, thread_version: int, now: datetime) -> bool:
    return row.thread_version == thread_version and row.computed_at >= now - timedelta(seconds=FRESH_SECONDS)


def compute(article) -> KeptFigures:
    """Compute the article's figures and keep them (the task's work; idempotent). The thread
    version is the one read with the article, before the figures: a change made meanwhile
    leaves them stale, and the next view has them computed again."""
    now = timezone.now()
    fields = {"thread_version": article.thread_version, "computed_at": now,
              "data": to_json(figures.for_article(article, now))}
    # Written only over figures of the same or an older thread version: two refreshes ending
    # out of order never leave the older figures kept.
    if KeptFigures.objects.filter(article_id=article.pk, thread_version__lte=article.thread_version).update(**fields):
        return KeptFigures.objects.get(article_id=article.pk)
    try:
        with transaction.atomic():
            return KeptFigures.objects.create(article_id=article.pk, **fields)
    except IntegrityError:  # a row already there (newer figures, or the other first computation)
        return KeptFigures.objects.get(article_id=article.pk)
