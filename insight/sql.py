"""Every statement the insight pages run, and the only place where they differ by database.

Each aggregates in the database (GROUP BY over rows an index finds), so a page reads a few
hundred grouped rows, never a discussion's comments. What differs between SQLite and
PostgreSQL is time arithmetic: how many whole seconds lie between two timestamps, and a
timestamp's UTC day. `statements(vendor)` fills those in once per vendor.

The indexes they lean on (discussion/models.py, moderation/models.py):
- an article's comments: `discussion_comment_by_article` (article, id and every column
  aggregated here, so they read the index alone), `(article, parent, id, status)` and
  `(article, status, removal_category)`; replies of one comment: the `parent` foreign key's;
- quotes of a comment: the `comment` foreign key's; votes of a comment: `one_vote_per_member`
  `(comment, voter)`;
- the site's comments per day: kept counts (insight.daycounts) plus the comments since, through
  the primary key (the first count: `created`);
- held comments and open reports: their partial indexes; the moderation log: `created`."""

# Table and column names come from the models' metadata; every value is a parameter.
# ruff: noqa: S608

from datetime import UTC, datetime
from functools import cache

from accounts.models import Member
from discussion.models import Comment, Quote, Vote
from moderation.models import BrigadeCase, LogEntry, Report
from newsroom.models import Article

C, Q, V, M = Comment._meta.db_table, Quote._meta.db_table, Vote._meta.db_table, Member._meta.db_table
R, B, L, A = Report._meta.db_table, BrigadeCase._meta.db_table, LogEntry._meta.db_table, Article._meta.db_table
BV = BrigadeCase.votes.through._meta.db_table

# Whole seconds from {a} to {b} (both timestamps, or %s parameters written by `at`).
_SECONDS = {
    # SQLite keeps Django's timestamps as UTC text; julianday reads that text.
    "sqlite": "CAST((julianday({b}) - julianday({a})) * 86400 AS INTEGER)",
    "postgresql": "CAST(FLOOR(EXTRACT(EPOCH FROM ({b} - {a}))) AS BIGINT)",
}
# A timestamp's UTC day, as text "2026-12-06".
_DAY = {
    "sqlite": "substr({col}, 1, 10)",
    "postgresql": "CAST(CAST(({col} AT TIME ZONE 'UTC') AS DATE) AS TEXT)",
}


def at(vendor: str, moment: datetime) -> object:
    """A datetime as a parameter the vendor's time arithmetic reads: SQLite's julianday wants
    the text Django stores; PostgreSQL takes the datetime."""
    if vendor == "sqlite":
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment


def _vendor(vendor: str) -> str:
    return "postgresql" if vendor == "postgresql" else "sqlite"


@cache
def statements(vendor: str) -> dict[str, str]:
    v = _vendor(vendor)

    def seconds(a: str, b: str) -> str:
        return _SECONDS[v].format(a=a, b=b)

    hour_since = f"({seconds('%s', 'c.created')}) / 3600"
    vote_hour = f"({seconds('%s', 'v.created')}) / 3600"
    return {
        # --- one article --------------------------------------------------------------------
        # Comments by hour since publication, status and depth, in one pass over the article's
        # comments (the page merges hours into wider bars, and sums the depths).
        "comments_by_hour": (f"SELECT {hour_since}, c.status, c.depth, COUNT(*) FROM {C} c "
                             "WHERE c.article_id = %s GROUP BY 1, 2, 3"),
        # Counted votes by hour since publication, plus and minus; and the quarantined ones.
        "votes_by_hour": (f"SELECT {vote_hour}, SUM(CASE WHEN v.value > 0 AND v.counted THEN 1 ELSE 0 END), "
                          "SUM(CASE WHEN v.value < 0 AND v.counted THEN 1 ELSE 0 END), "
                          "SUM(CASE WHEN v.counted THEN 0 ELSE 1 END) "
                          f"FROM {V} v JOIN {C} c ON c.id = v.comment_id WHERE c.article_id = %s GROUP BY 1"),
        "removals": (f"SELECT removal_category, COUNT(*) FROM {C} WHERE article_id = %s AND status = %s "
                     "GROUP BY removal_category"),
        # Quotes of the article's paragraphs in public comments, by paragraph anchor.
        "quotes_by_anchor": (f"SELECT q.source_anchor, COUNT(*) FROM {Q} q JOIN {C} c ON c.id = q.comment_id "
                             "WHERE c.article_id = %s AND c.status = %s AND q.source_anchor <> '' "
                             "GROUP BY q.source_anchor"),
        # Public replies directly under public comments that quote a paragraph, by its anchor.
        "replies_by_anchor": (f"SELECT q.source_anchor, COUNT(r.id) FROM {Q} q JOIN {C} c ON c.id = q.comment_id "
                              f"JOIN {C} r ON r.parent_id = c.id "
                              "WHERE c.article_id = %s AND c.status = %s AND r.status = %s "
                              "AND q.source_anchor <> '' GROUP BY q.source_anchor"),
        # The comment with most direct replies (the widest point of the tree).
        "widest": (f"SELECT parent_id, COUNT(*) FROM {C} WHERE article_id = %s AND parent_id IS NOT NULL "
                   "GROUP BY parent_id ORDER BY 2 DESC, 1 LIMIT 1"),
        # The busiest sub-threads: replies under each top-level comment, and how deep they go.
        "subthreads": (f"SELECT c.root_id, COUNT(*), MAX(c.depth) FROM {C} c WHERE c.article_id = %s "
                       "AND c.root_id IS NOT NULL GROUP BY c.root_id ORDER BY 2 DESC, 1 LIMIT %s"),
        "roots": f"SELECT c.id, c.status, m.login FROM {C} c JOIN {M} m ON m.id = c.author_id WHERE c.id IN ({{ids}})",
        # Who answered whom: replies from one member to another, most frequent first.
        "answers": (f"SELECT c.author_id, p.author_id, COUNT(*) FROM {C} c JOIN {C} p ON p.id = c.parent_id "
                    "WHERE c.article_id = %s AND c.author_id <> p.author_id "
                    "GROUP BY c.author_id, p.author_id ORDER BY 3 DESC, 1, 2 LIMIT %s"),
        "logins": f"SELECT id, login FROM {M} WHERE id IN ({{ids}})",
        "reports": (f"SELECT r.reason, COUNT(*), SUM(CASE WHEN r.resolved IS NULL THEN 1 ELSE 0 END) "
                    f"FROM {R} r JOIN {C} c ON c.id = r.comment_id WHERE c.article_id = %s GROUP BY r.reason"),
        # How long resolved reports waited, in whole hours, counted by hour.
        "report_waits": (f"SELECT ({seconds('r.created', 'r.resolved')}) / 3600, COUNT(*) FROM {R} r "
                         f"JOIN {C} c ON c.id = r.comment_id WHERE c.article_id = %s AND r.resolved IS NOT NULL "
                         "GROUP BY 1"),
        # How long the article's held comments have waited so far (%s: now).
        "held_waits": (f"SELECT ({seconds('c.created', '%s')}) / 3600, COUNT(*) FROM {C} c "
                       "WHERE c.article_id = %s AND c.status = %s GROUP BY 1"),
        "brigades": (f"SELECT b.state, COUNT(DISTINCT b.id) FROM {B} b JOIN {BV} bv ON bv.brigadecase_id = b.id "
                     f"JOIN {V} v ON v.id = bv.vote_id JOIN {C} c ON c.id = v.comment_id "
                     "WHERE c.article_id = %s GROUP BY b.state"),
        # --- the site (%s: since) -----------------------------------------------------------
        # The site's comments per day, counted incrementally (insight.daycounts). %s: the last
        # settled id; then the window's first moment (the first count) or the last id counted.
        # The first count walks the `created` index over the window, later ones the primary key
        # past the last id counted: the comments written since, not the window's million.
        "days_first": (f"SELECT {_DAY[v].format(col='created')}, CASE WHEN id <= %s THEN 1 ELSE 0 END, COUNT(*) "
                       f"FROM {C} WHERE created >= %s GROUP BY 1, 2"),
        "days_after": (f"SELECT {_DAY[v].format(col='created')}, CASE WHEN id <= %s THEN 1 ELSE 0 END, COUNT(*) "
                       f"FROM {C} WHERE id > %s GROUP BY 1, 2"),
        # The first comment too young to be settled, through the `created` index (the last
        # seconds' comments): MIN(id) alone has SQLite walk the primary key from the start.
        "first_young": f"SELECT MIN(id + 0) FROM {C} WHERE created >= %s",
        "last_id": f"SELECT MAX(id) FROM {C}",
        "site_removals_by_day": (f"SELECT {_DAY[v].format(col='created')}, reason, COUNT(*) FROM {L} "
                                 "WHERE created >= %s AND action IN (%s, %s) GROUP BY 1, 2"),
        "site_reports": (f"SELECT reason, COUNT(*), SUM(CASE WHEN resolved IS NULL THEN 1 ELSE 0 END) FROM {R} "
                         "WHERE created >= %s GROUP BY reason"),
        "site_report_waits": (f"SELECT ({seconds('created', 'resolved')}) / 3600, COUNT(*) FROM {R} "
                              "WHERE created >= %s AND resolved IS NOT NULL GROUP BY 1"),
        # The held comments' partial index is used when its condition is written out, not a parameter.
        "site_held_waits": (f"SELECT ({seconds('created', '%s')}) / 3600, COUNT(*) FROM {C} "
                            f"WHERE status = '{Comment.Status.HELD.value}' GROUP BY 1"),
        "site_brigades": f"SELECT state, COUNT(*) FROM {B} WHERE created >= %s GROUP BY state",
        # The most discussed articles published in the window, by their kept public count.
        "site_top_articles": (f"SELECT id, slug, title, comment_count FROM {A} WHERE published_at >= %s "
                              "AND comment_count > 0 ORDER BY comment_count DESC, id DESC LIMIT %s"),
    }


def id_list(ids) -> str:
    """`ids` (integers from the database) written into an IN list."""
    return ", ".join(str(int(i)) for i in ids) or "NULL"
