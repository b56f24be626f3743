"""The insight pages' pictures: SVG drawn on the server by pygal.

Why pygal: it writes SVG and nothing else, in pure Python (1.3 MB installed, imported in
30 ms); a bar chart of 48 bars took 22 ms. matplotlib's SVG backend drew the same chart in
133 ms after a 0.7 s import and brings numpy (80 MB together) — a plotting system for papers,
more than a page of bar charts needs. Hand-written SVG templates would be a chart library of
our own to keep.

A chart is an `<img>` whose source is its own address (insight.views.chart), drawn when the
browser asks for it: the page itself costs its figures only, and the pictures are drawn in
requests of their own, side by side. The page's Content-Security-Policy allows no inline style
(pygal's SVG carries its own style sheet, which an image keeps to itself), and an SVG shown as
an image runs nothing and fetches nothing. Every chart has a text equivalent on the page (a
table beside it); its `alt` says what it shows.

Charts are kept by what they draw (`insight-charts` memo, docs/caching.md): after a vote only
the timeline is drawn again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygal
from django.utils.translation import get_language
from pygal.style import Style

from core.memo import Memo

WIDTH, HEIGHT = 760, 320
# Colours told apart by people with the common colour-vision deficiencies (Okabe and Ito).
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
STYLE = Style(background="white", plot_background="white", foreground="#222", foreground_strong="#111",
              foreground_subtle="#777", colors=COLOURS, font_family="system-ui, sans-serif",
              label_font_size=13, major_label_font_size=13, legend_font_size=13, value_font_size=12,
              tooltip_font_size=12, title_font_size=15)
_OPTIONS = {"js": [], "disable_xml_declaration": True, "style": STYLE, "width": WIDTH, "height": HEIGHT,
            "legend_at_bottom": True, "truncate_legend": -1, "truncate_label": -1,
            # Unminified: pygal minifies its style sheet with a dozen regular expressions on every
            # chart, a third of a small chart's time, to save 3 KB a chart.
            "pretty_print": True}

_drawn: Memo[str] = Memo("insight-charts", items=512, max_bytes=64 * 2**20, weigh=len)


@dataclass(frozen=True)
class Chart:
    """A picture not drawn yet: `svg()` draws it once (kept by its key and the language)."""

    key: tuple
    make: Callable[[], pygal.graph.graph.Graph]
    height: int = HEIGHT
    width: int = WIDTH

    def svg(self) -> str:
        full = (get_language(), *self.key)
        found = _drawn.get(full)
        if found is None:
            found = self.make().render(is_unicode=True)
            _drawn.put(full, found)
        return found


def bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, horizontal: bool = False,
         stacked: bool = False, rotate: int = 0, height: int = HEIGHT) -> Chart:
    """A bar chart: one bar a label for each series."""
    key = ("bars", tuple(labels), tuple((n, tuple(v)) for n, v in series), horizontal, stacked, rotate, height)

    def draw():
        kind = (pygal.HorizontalStackedBar if stacked else pygal.HorizontalBar) if horizontal else (
            pygal.StackedBar if stacked else pygal.Bar)
        chart = kind(**{**_OPTIONS, "height": height}, x_label_rotation=rotate, show_legend=len(series) > 1,
                     min_scale=1, max_scale=6, show_minor_x_labels=len(labels) <= 24)
        # pygal lays a horizontal chart's first label at the bottom: reversed, the list reads
        # top down as the table under it does.
        order = (lambda xs: list(xs)[::-1]) if horizontal else list
        chart.x_labels = order(labels)
        if len(labels) > 24:
            chart.x_labels_major = list(labels)[:: max(1, len(labels) // 12)]
        for name, values in series:
            chart.add(name, order(values))
        return chart

    return Chart(key, draw, height)


def pie(parts: Sequence[tuple[str, int]]) -> Chart:
    """A ring of shares; parts with nothing in them are left out."""
    parts = [(n, v) for n, v in parts if v]
    key = ("pie", tuple(parts))

    def draw():
        chart = pygal.Pie(**_OPTIONS, inner_radius=0.45, legend_at_bottom_columns=3)
        for name, value in parts:
            chart.add(name, value)
        return chart

    return Chart(key, draw)


def matrix(rows: Sequence[str], cols: Sequence[str], cells: dict[tuple[str, str], int], row_title: str,
           col_title: str) -> Chart:
    """Dots at (row, column), sized by the count: who answered (rows) whom (columns)."""
    key = ("matrix", tuple(rows), tuple(cols), tuple(sorted(cells.items())), row_title, col_title)
    height = 120 + 40 * max(1, len(rows))

    def draw():
        chart = pygal.Dot(**{**_OPTIONS, "height": height}, x_label_rotation=30,
                          show_legend=False, x_title=col_title, y_title=row_title)
        chart.x_labels = list(cols)
        for r in rows:
            chart.add(r, [cells.get((r, c)) for c in cols])
        return chart

    return Chart(key, draw, height)
