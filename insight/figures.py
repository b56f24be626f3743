"""The figures of the insight pages, read with insight.sql: numbers only, never a comment's
text (the pages show held and removed comments as counts, so nothing on them needs the read
rule of a comment's text)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from core.markup import article_paragraphs
from discussion.models import Comment
from insight import daycounts, sql

Status = Comment.Status

TIMELINE_BARS = 36  # at most this many bars: wider buckets for a longer discussion
BUCKET_HOURS = (1, 2, 3, 6, 12, 24, 48, 24 * 7, 24 * 30, 24 * 365)  # bucket widths a reader can name
SUBTHREADS = 5  # the busiest sub-threads shown
ANSWER_PAIRS = 30  # who-answered-whom pairs read; the picture keeps the members of the busiest
MATRIX_MEMBERS = 8  # members in the who-answered-whom picture, each way
HEAT_LEVELS = 5  # shades of the article's heat map besides "nothing"
SITE_DAYS = 30  # the site page's window
TOP_ARTICLES = 10
# How long reports and held comments waited, in hours: the buckets the pictures show.
WAIT_EDGES = (1, 6, 24, 72)


@dataclass
class Timeline:
    hours: int  # bucket width
    comments: list[int]
    plus: list[int]
    minus: list[int]


@dataclass
class Paragraph:
    anchor: str
    text: str
    quotes: int
    replies: int
    level: int  # 0 (nothing) to HEAT_LEVELS


@dataclass
class Subthread:
    root_id: int
    login: str
    root_status: str
    replies: int
    depth: int


@dataclass
class ArticleFigures:
    statuses: dict[str, int]
    timeline: Timeline
    quarantined_votes: int
    removals: dict[str, int]
    paragraphs: list[Paragraph]
    depths: list[int]  # comments at each depth, from 0
    widest: tuple[int, int] | None  # (comment id, its direct replies)
    subthreads: list[Subthread]
    answers: list[tuple[str, str, int]]  # (who answered, whom, how often)
    reports: dict[str, tuple[int, int]]  # reason -> (reports, still open)
    report_waits: list[int]  # resolved reports per WAIT_EDGES bucket
    held_waits: list[int]  # held comments per WAIT_EDGES bucket, waiting now
    brigades: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def removed(self) -> int:
        return self.statuses.get(Status.REMOVED, 0)

    @property
    def max_depth(self) -> int:
        return len(self.depths) - 1 if self.depths else 0

    @property
    def top_level(self) -> int:
        return self.depths[0] if self.depths else 0


@dataclass
class SiteFigures:
    days: list[str]
    comments: list[int]
    removals: list[int]
    removal_reasons: dict[str, int]
    reports: dict[str, tuple[int, int]]
    report_waits: list[int]
    held_waits: list[int]
    brigades: dict[str, int]
    top_articles: list[tuple[str, str, int]] = field(default_factory=list)  # (slug, title, comments)

    @property
    def total(self) -> int:
        return sum(self.comments)


def _rows(name: str, params: list) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql.statements(connection.vendor)[name], params)
        return cur.fetchall()


def _at(moment: datetime) -> object:
    return sql.at(connection.vendor, moment)


def wait_buckets(rows: list[tuple]) -> list[int]:
    """(whole hours, count) rows into WAIT_EDGES buckets: < 1 h, 1–6 h, 6–24 h, 1–3 days, longer."""
    out = [0] * (len(WAIT_EDGES) + 1)
    for hours, n in rows:
        i = next((k for k, edge in enumerate(WAIT_EDGES) if (hours or 0) < edge), len(WAIT_EDGES))
        out[i] += n
    return out


def bucket_hours(last_hour: int) -> int:
    """The narrowest bucket that shows hours 0..last_hour in at most TIMELINE_BARS bars."""
    return next((h for h in BUCKET_HOURS if (last_hour // h) + 1 <= TIMELINE_BARS), BUCKET_HOURS[-1])


def timeline(comment_hours: Counter, vote_hours: dict[int, tuple[int, int]]) -> Timeline:
    last = max([0, *comment_hours, *vote_hours])
    width = bucket_hours(last)
    bars = last // width + 1
    comments, plus, minus = [0] * bars, [0] * bars, [0] * bars
    for hour, n in comment_hours.items():
        comments[max(0, hour) // width] += n
    for hour, (p, m) in vote_hours.items():
        plus[max(0, hour) // width] += p
        minus[max(0, hour) // width] += m
    return Timeline(width, comments, plus, minus)


def heat(body_html: str, quotes: dict[str, int], replies: dict[str, int]) -> list[Paragraph]:
    """The article's paragraphs, each with its quotes and the replies to them, shaded by both
    together relative to the most discussed paragraph."""
    paras = article_paragraphs(body_html)
    scores = [quotes.get(a, 0) + replies.get(a, 0) for a, _t in paras]
    top = max(scores, default=0)
    out = []
    for (anchor, text), score in zip(paras, scores, strict=True):
        level = 0 if not score else max(1, round(HEAT_LEVELS * score / top))
        out.append(Paragraph(anchor, text, quotes.get(anchor, 0), replies.get(anchor, 0), level))
    return out


def for_article(article, now: datetime | None = None) -> ArticleFigures:
    now = now or timezone.now()
    aid, published = article.pk, _at(article.published_at)
    statuses: Counter = Counter()
    comment_hours: Counter = Counter()
    depth_rows: Counter = Counter()
    for hour, status, depth, n in _rows("comments_by_hour", [published, aid]):
        statuses[status] += n
        depth_rows[depth] += n
        if status != Status.HELD:  # a held comment was not (yet) part of the discussion readers saw
            comment_hours[int(hour or 0)] += n
    vote_hours, quarantined = {}, 0
    for hour, plus, minus, held in _rows("votes_by_hour", [published, aid]):
        vote_hours[int(hour or 0)] = (int(plus or 0), int(minus or 0))
        quarantined += int(held or 0)
    removals = {cat or "other": n for cat, n in _rows("removals", [aid, Status.REMOVED])}
    quotes = dict(_rows("quotes_by_anchor", [aid, Status.VISIBLE]))
    replies = dict(_rows("replies_by_anchor", [aid, Status.VISIBLE, Status.VISIBLE]))
    depths = [depth_rows.get(d, 0) for d in range(max(depth_rows, default=-1) + 1)]
    widest_rows = _rows("widest", [aid])
    subs = _rows("subthreads", [aid, SUBTHREADS])
    roots = {}
    if subs:
        with connection.cursor() as cur:
            cur.execute(sql.statements(connection.vendor)["roots"].format(ids=sql.id_list(r[0] for r in subs)))
            roots = {rid: (status, login) for rid, status, login in cur.fetchall()}
    subthreads = [Subthread(rid, roots.get(rid, ("", "?"))[1], roots.get(rid, ("", "?"))[0], n, depth)
                  for rid, n, depth in subs]
    return ArticleFigures(
        statuses=dict(statuses), timeline=timeline(comment_hours, vote_hours), quarantined_votes=quarantined,
        removals=removals, paragraphs=heat(article.body_html, quotes, replies), depths=depths,
        widest=(widest_rows[0][0], widest_rows[0][1]) if widest_rows else None, subthreads=subthreads,
        answers=_answers(aid),
        reports={reason: (n, int(open_ or 0)) for reason, n, open_ in _rows("reports", [aid])},
        report_waits=wait_buckets(_rows("report_waits", [aid])),
        held_waits=wait_buckets(_rows("held_waits", [_at(now), aid, Status.HELD])),
        brigades=dict(_rows("brigades", [aid])),
    )


def _answers(aid: int) -> list[tuple[str, str, int]]:
    pairs = _rows("answers", [aid, ANSWER_PAIRS])
    if not pairs:
        return []
    ids = {a for a, _b, _n in pairs} | {b for _a, b, _n in pairs}
    with connection.cursor() as cur:
        cur.execute(sql.statements(connection.vendor)["logins"].format(ids=sql.id_list(sorted(ids))))
        logins = dict(cur.fetchall())
    return [(logins.get(a, "?"), logins.get(b, "?"), n) for a, b, n in pairs]


def for_site(now: datetime | None = None) -> SiteFigures:
    now = now or timezone.now()
    start = (now - timedelta(days=SITE_DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    since = _at(start)
    days = [(start + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(SITE_DAYS)]
    per_day = daycounts.per_day(days[0], start, now)
    removed_per_day: Counter = Counter()
    reasons: Counter = Counter()
    for day, reason, n in _rows("site_removals_by_day", [since, "hide", "delete"]):
        removed_per_day[str(day)[:10]] += n
        reasons[reason or "other"] += n
    top = _rows("site_top_articles", [start, TOP_ARTICLES])
    return SiteFigures(
        days=days, comments=[per_day.get(d, 0) for d in days], removals=[removed_per_day.get(d, 0) for d in days],
        removal_reasons=dict(reasons),
        reports={reason: (n, int(open_ or 0)) for reason, n, open_ in _rows("site_reports", [start])},
        report_waits=wait_buckets(_rows("site_report_waits", [start])),
        held_waits=wait_buckets(_rows("site_held_waits", [_at(now)])),
        brigades=dict(_rows("site_brigades", [start])),
        top_articles=[(slug, title, n) for _id, slug, title, n in top],
    )


def answer_matrix(answers: list[tuple[str, str, int]]) -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    """The who-answered-whom pairs as a small matrix: the members who answered most (rows) and
    were answered most (columns), MATRIX_MEMBERS each way."""
    by_replier: defaultdict[str, int] = defaultdict(int)
    by_answered: defaultdict[str, int] = defaultdict(int)
    for a, b, n in answers:
        by_replier[a] += n
        by_answered[b] += n
    rows = sorted(by_replier, key=lambda k: (-by_replier[k], k))[:MATRIX_MEMBERS]
    cols = sorted(by_answered, key=lambda k: (-by_answered[k], k))[:MATRIX_MEMBERS]
    cells = {(a, b): n for a, b, n in answers if a in rows and b in cols}
    return rows, cols, cells
