"""The insight pages as panels: a picture, what it shows in words, and the same figures as a
table (its text equivalent). The template renders every panel alike (`_panel.html`); the pictures are drawn when the
browser asks for them (insight.views.chart)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from insight import charts, figures, kept
from insight.figures import ArticleFigures, SiteFigures

ARTICLE_SECONDS = kept.FRESH_SECONDS  # how stale an article's report and queue figures may be (the key has its thread version)
REFRESH_ENQUEUED_SECONDS = 60  # one refresh of an article's kept figures enqueued per thread version in this time
SITE_SECONDS = 300  # the site page's figures: thirty days of comments, read at most this often

REASONS = {"spam": pgettext_lazy("removal reason", "spam"), "insult": pgettext_lazy("removal reason", "insult"),
           "offtopic": pgettext_lazy("removal reason", "off-topic"), "illegal": pgettext_lazy("removal reason", "illegal content"),
           "other": pgettext_lazy("removal reason", "other")}
BRIGADE_STATES = {"open": pgettext_lazy("brigade case", "open"), "released": pgettext_lazy("brigade case", "released (votes count)"),
                  "discarded": pgettext_lazy("brigade case", "discarded (votes removed)")}


@dataclass
class Panel:
    id: str
    title: str
    image: charts.Chart | None  # None: a panel of words and a table only
    alt: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    url: str = ""  # where the browser gets the picture (set by `addressed`)

    @property
    def tbody(self) -> SafeString:
        """The table's rows, the first cell of each its header: joined here rather than by the
        template engine, which took most of a page's time over a few hundred cells."""
        return _rows_html(self.rows)


def heat_html(paragraphs) -> SafeString:
    """The article's paragraphs, each shaded and with its counts (as `tbody`, joined here)."""
    e = conditional_escape
    return mark_safe("".join(  # noqa: S308  every value escaped
        f'<li class="heat-{int(p.level)}" id="heat-{e(p.anchor)}"><p>{e(p.text)}</p>\n    <p class="heat-count">'
        + e(ngettext("%(n)s quote", "%(n)s quotes", p.quotes) % {"n": p.quotes}) + ", "
        + e(ngettext("%(n)s reply to them", "%(n)s replies to them", p.replies) % {"n": p.replies})
        + "</p></li>\n" for p in paragraphs))


def _rows_html(rows: list[list[str]]) -> SafeString:
    e = conditional_escape
    return mark_safe("".join(  # noqa: S308  every cell escaped
        f'<tr><th scope="row">{e(row[0])}</th>' + "".join(f"<td>{e(c)}</td>" for c in row[1:]) + "</tr>"
        for row in rows if row))


def reason_label(key: str) -> str:
    return str(REASONS.get(key, key))


def wait_labels() -> list[str]:
    return [_("under 1 hour"), _("1–6 hours"), _("6–24 hours"), _("1–3 days"), _("over 3 days")]


def num(n: int) -> str:
    return number_format(n, force_grouping=True)


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "—"


# --- figures, kept briefly in the shared cache ------------------------------------------------

def article_figures(article) -> ArticleFigures:
    return article_figures_as_of(article)[0]


def article_figures_as_of(article) -> tuple[ArticleFigures, datetime, bool]:
    """(figures, when they were computed, whether newer ones are being computed). From the
    shared cache while the article's thread version is the same and for ARTICLE_SECONDS at
    most (reports and waiting times do not move the thread version); else as kept in the
    database (insight.kept), computed again by a task when stale."""
    key = f"insight:article:{article.pk}:{article.thread_version}"
    found = cache.get(key)
    if found is None:
        found = _kept_figures(article)
        # Kept until they are ARTICLE_SECONDS old, counted from when they were computed.
        left = ARTICLE_SECONDS - (timezone.now() - found[1]).total_seconds()
        if not found[2] and left >= 1:
            cache.set(key, found, timeout=int(left))
    return found


def _kept_figures(article) -> tuple[ArticleFigures, datetime, bool]:
    from core.tasks import enqueue_on_commit
    from insight.models import KeptFigures
    from insight.tasks import refresh

    now = timezone.now()
    if article.comment_count <= kept.INLINE_UP_TO:  # a few milliseconds: always current
        return figures.for_article(article, now), now, False
    row = KeptFigures.objects.filter(article_id=article.pk).first()
    if row is None:  # the first view: computed here, once
        row = kept.compute(article)
    elif not kept.is_fresh(row, article.thread_version, now) and cache.add(
            f"insight:refreshing:{article.pk}:{article.thread_version}", 1, REFRESH_ENQUEUED_SECONDS):
        enqueue_on_commit(refresh, article.pk)
        # A queue that runs tasks at once (VECHE_TASKS_BACKEND=immediate) has done it.
        row = KeptFigures.objects.filter(article_id=article.pk).first() or row
    return kept.from_json(row.data), row.computed_at, not kept.is_fresh(row, article.thread_version, now)


def site_figures() -> SiteFigures:
    found = cache.get("insight:site")
    if found is None:
        found = figures.for_site()
        cache.set("insight:site", found, timeout=SITE_SECONDS)
    return found


# --- the article page ---------------------------------------------------------------------------

def bucket_label(start_hour: int, width: int) -> str:
    if width < 24:
        return pgettext("hours since publication", "%(n)s h") % {"n": start_hour}
    return pgettext("days since publication", "day %(n)s") % {"n": start_hour // 24 + 1}


def timeline_panel(f: ArticleFigures) -> Panel:
    t = f.timeline
    labels = [bucket_label(i * t.hours, t.hours) for i in range(len(t.comments))]
    series = [(_("comments"), t.comments), (_("votes for"), t.plus), (_("votes against"), t.minus)]
    width = ngettext("Each bar is %(n)s hour since publication.", "Each bar is %(n)s hours since publication.",
                     t.hours) % {"n": t.hours}
    return Panel(
        "timeline", _("Comments and votes over time"), charts.bars(labels, series, rotate=45 if len(labels) > 12 else 0),
        _("Bar chart of comments and votes by time since publication.") + " " + width,
        [_("Since publication"), _("Comments"), _("Votes for"), _("Votes against")],
        [[lab, num(c), num(p), num(m)] for lab, c, p, m in zip(labels, t.comments, t.plus, t.minus, strict=True)
         if c or p or m],
        [width, ngettext("%(n)s comment in all.", "%(n)s comments in all.", f.total) % {"n": num(f.total)}],
    )


def removals_panel(f: ArticleFigures) -> Panel:
    from discussion.models import Comment

    st = f.statuses
    parts = [(_("shown"), st.get(Comment.Status.VISIBLE, 0)), (_("awaiting moderation"), st.get(Comment.Status.HELD, 0)),
             (_("deleted by their authors"), st.get(Comment.Status.DELETED, 0))]
    parts += [(_("removed: %(reason)s") % {"reason": reason_label(k)}, n)
              for k, n in sorted(f.removals.items(), key=lambda kv: (-kv[1], kv[0]))]
    summary = ngettext("%(n)s comment removed by moderators (%(share)s of all).",
                       "%(n)s comments removed by moderators (%(share)s of all).", f.removed) % {
        "n": num(f.removed), "share": share(f.removed, f.total)}
    return Panel("removals", _("What moderators removed, and why"), charts.pie(parts) if f.total else None,
                 _("Ring chart of the comments by what became of them.") + " " + summary,
                 [_("Comments"), _("How many"), _("Share")],
                 [[name, num(n), share(n, f.total)] for name, n in parts if n], [summary])


def heat_panel(f: ArticleFigures) -> Panel:
    paras = f.paragraphs
    labels = [pgettext("paragraph number", "¶ %(n)s") % {"n": i} for i in range(1, len(paras) + 1)]
    image = None
    if any(p.quotes or p.replies for p in paras):
        image = charts.bars(labels, [(_("quotes"), [p.quotes for p in paras]),
                                     (_("replies to them"), [p.replies for p in paras])],
                            horizontal=True, stacked=True, height=max(HEIGHT_MIN, 26 * len(paras) + 90))
    return Panel("heat", _("Which paragraphs readers quoted and argued about"), image,
                 _("Bar chart of the quotes of each paragraph and the replies to the comments quoting it."),
                 [_("Paragraph"), _("Quotes"), _("Replies to them")],
                 [[lab, num(p.quotes), num(p.replies)] for lab, p in zip(labels, paras, strict=True)],
                 [_("A quote counts when a shown comment quotes the paragraph; a reply, when a shown comment "
                    "answers such a comment.")])


HEIGHT_MIN = 160


def depth_panel(f: ArticleFigures) -> Panel:
    labels = [str(d) for d in range(len(f.depths))]
    notes = [ngettext("%(n)s top-level comment.", "%(n)s top-level comments.", f.top_level) % {"n": num(f.top_level)},
             _("The deepest reply is at depth %(n)s.") % {"n": f.max_depth}]
    if f.widest:
        notes.append(ngettext("The most answered comment (#%(id)s) has %(n)s direct reply.",
                              "The most answered comment (#%(id)s) has %(n)s direct replies.", f.widest[1])
                     % {"id": f.widest[0], "n": num(f.widest[1])})
    return Panel("depth", _("The thread's depth and breadth"),
                 charts.bars(labels, [(_("comments"), f.depths)]) if f.depths else None,
                 _("Bar chart of the comments at each depth of the thread, 0 being the top level."),
                 [_("Depth"), _("Comments")], [[lab, num(n)] for lab, n in zip(labels, f.depths, strict=True)], notes)


def subthread_panel(f: ArticleFigures, article_url: str) -> Panel:
    subs = f.subthreads
    labels = [f"#{s.root_id} {s.login}" for s in subs]
    return Panel("subthreads", _("The busiest sub-threads"),
                 charts.bars(labels, [(_("replies"), [s.replies for s in subs])], horizontal=True,
                             height=max(HEIGHT_MIN, 40 * len(subs) + 90)) if subs else None,
                 _("Bar chart of the replies under each of the busiest top-level comments."),
                 [_("Top-level comment"), _("Started by"), _("Replies"), _("Deepest reply")],
                 [[f"#{s.root_id}", s.login, num(s.replies), str(s.depth)] for s in subs])


def answers_panel(f: ArticleFigures) -> Panel:
    rows, cols, cells = figures.answer_matrix(f.answers)
    return Panel("answers", _("Who answered whom"),
                 charts.matrix(rows, cols, cells, _("who answered"), _("whom")) if cells else None,
                 _("Dot matrix: a row for each member who answered, a column for each member answered; "
                   "the larger the dot, the more replies."),
                 [_("Who answered"), _("Whom"), _("Replies")], [[a, b, num(n)] for a, b, n in f.answers[:12]])


def moderation_panels(reports: dict[str, tuple[int, int]], report_waits: list[int], held_waits: list[int],
                      brigades: dict[str, int], quarantined: int | None = None) -> list[Panel]:
    reasons = sorted(reports, key=lambda k: (-reports[k][0], k))
    labels = [reason_label(k) for k in reasons]
    total = sum(n for n, _o in reports.values())
    still = sum(o for _n, o in reports.values())
    out = [Panel("reports", _("Reports"),
                 charts.bars(labels, [(_("resolved"), [reports[k][0] - reports[k][1] for k in reasons]),
                                      (_("open"), [reports[k][1] for k in reasons])], stacked=True) if total else None,
                 _("Bar chart of readers' reports by reason, resolved and open."),
                 [_("Reason"), _("Reports"), _("Still open")],
                 [[lab, num(reports[k][0]), num(reports[k][1])] for lab, k in zip(labels, reasons, strict=True)],
                 [ngettext("%(n)s report, %(open)s still open.", "%(n)s reports, %(open)s still open.", total)
                  % {"n": num(total), "open": num(still)}])]
    waits = wait_labels()
    out.append(Panel("waits", _("Waiting in the moderation queue"),
                     charts.bars(waits, [(_("reports, until resolved"), report_waits),
                                         (_("held comments, waiting now"), held_waits)])
                     if sum(report_waits) + sum(held_waits) else None,
                     _("Bar chart of how long reports waited until a moderator resolved them, and how long "
                       "the comments held for moderation have waited so far."),
                     [_("Waited"), _("Reports, until resolved"), _("Held comments, waiting now")],
                     [[lab, num(r), num(h)] for lab, r, h in zip(waits, report_waits, held_waits, strict=True)]))
    notes = []
    if quarantined is not None:
        notes.append(ngettext("%(n)s vote quarantined (not counted).", "%(n)s votes quarantined (not counted).",
                              quarantined) % {"n": num(quarantined)})
    out.append(Panel("brigades", _("Brigade cases"), None, "",
                     [_("State"), _("Cases")],
                     [[str(BRIGADE_STATES.get(k, k)), num(brigades.get(k, 0))] for k in BRIGADE_STATES], notes))
    return out


def article_panels(article, found: tuple[ArticleFigures, datetime, bool] | None = None,
                   ) -> tuple[ArticleFigures, dict[str, list[Panel]]]:
    f = (found or article_figures_as_of(article))[0]
    return f, {
        "time": [timeline_panel(f), removals_panel(f)],
        "heat": [heat_panel(f)],
        "shape": [depth_panel(f), subthread_panel(f, article.get_absolute_url()), answers_panel(f)],
        "moderation": moderation_panels(f.reports, f.report_waits, f.held_waits, f.brigades, f.quarantined_votes),
    }


# --- the site page ------------------------------------------------------------------------------

def site_panels() -> tuple[SiteFigures, dict[str, list[Panel]]]:
    f = site_figures()
    labels = [d[5:] for d in f.days]  # "12-06": the month and day
    removed = sum(f.removals)
    time = Panel("site-timeline", _("Comments and removals, day by day"),
                 charts.bars(labels, [(_("comments"), f.comments), (_("removed by moderators"), f.removals)],
                             rotate=45),
                 _("Bar chart of the comments written and removed each day of the last %(n)s days (UTC).")
                 % {"n": figures.SITE_DAYS},
                 [_("Day"), _("Comments"), _("Removed by moderators")],
                 [[d, num(c), num(r)] for d, c, r in zip(f.days, f.comments, f.removals, strict=True) if c or r],
                 [ngettext("%(n)s comment in the last %(days)s days.", "%(n)s comments in the last %(days)s days.",
                           f.total) % {"n": num(f.total), "days": figures.SITE_DAYS}])
    reasons = sorted(f.removal_reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    why = Panel("site-removals", _("Why moderators removed comments"),
                charts.pie([(reason_label(k), n) for k, n in reasons]) if reasons else None,
                _("Ring chart of the removals of the last %(n)s days by reason.") % {"n": figures.SITE_DAYS},
                [_("Reason"), _("Removals"), _("Share")],
                [[reason_label(k), num(n), share(n, removed)] for k, n in reasons],
                [_("%(share)s of the comments written in these days.") % {"share": share(removed, f.total)}])
    top = Panel("site-top", _("The most discussed articles"),
                charts.bars([t[:40] for _s, t, _n in f.top_articles], [(_("comments"), [n for _s, _t, n in f.top_articles])],
                            horizontal=True, height=max(HEIGHT_MIN, 34 * len(f.top_articles) + 90))
                if f.top_articles else None,
                _("Bar chart of the shown comments of the articles published in the last %(n)s days.")
                % {"n": figures.SITE_DAYS},
                [_("Article"), _("Comments")], [[t, num(n)] for _s, t, n in f.top_articles])
    return f, {"time": [time, why, top],
               "moderation": moderation_panels(f.reports, f.report_waits, f.held_waits, f.brigades)}


def addressed(sections: dict[str, list[Panel]], url_of) -> dict[str, list[Panel]]:
    """Each panel with a picture given its address, `url_of(panel id)`."""
    for ps in sections.values():
        for p in ps:
            if p.image is not None:
                p.url = url_of(p.id)
    return sections


def find(sections: dict[str, list[Panel]], panel_id: str) -> Panel | None:
    """The panel `panel_id` if it has a picture."""
    return next((p for ps in sections.values() for p in ps if p.id == panel_id and p.image is not None), None)
