"""The small pure parts of the figures: bucket widths, waiting-time buckets, the matrix."""

from collections import Counter

import pytest

from insight import figures


@pytest.mark.parametrize(("last_hour", "width"), [(0, 1), (35, 1), (36, 2), (71, 2), (107, 3), (200, 6),
                                                  (24 * 36 - 1, 24), (24 * 36, 48), (10**6, 24 * 365)])
def test_the_narrowest_bucket_that_fits_in_36_bars(last_hour, width):
    assert figures.bucket_hours(last_hour) == width
    assert last_hour // width + 1 <= figures.TIMELINE_BARS or width == figures.BUCKET_HOURS[-1]


def test_timeline_merges_hours_and_keeps_early_comments_in_the_first_bar():
    t = figures.timeline(Counter({-3: 1, 0: 2, 1: 1, 50: 4}), {1: (3, 1), 51: (0, 2)})
    assert t.hours == 2 and len(t.comments) == 26
    assert t.comments[0] == 4 and t.comments[25] == 4 and sum(t.comments) == 8
    assert (t.plus[0], t.minus[0], t.minus[25]) == (3, 1, 2)


def test_wait_buckets():
    assert figures.wait_buckets([(0, 2), (1, 1), (5, 1), (6, 3), (30, 1), (72, 1), (None, 1)]) == [3, 2, 3, 1, 1]


def test_the_answer_matrix_keeps_the_busiest_members_only():
    answers = [(f"m{i}", "hub", 10 - i) for i in range(10)] + [("m0", "m1", 1)]
    rows, cols, cells = figures.answer_matrix(answers)
    assert len(rows) == figures.MATRIX_MEMBERS and "m9" not in rows and rows[0] == "m0"
    assert cols == ["hub", "m1"] and cells[("m0", "hub")] == 10 and ("m9", "hub") not in cells


def test_charts_are_kept_per_language():
    from django.utils import translation

    from insight import charts

    with translation.override("en"):
        en = charts.bars(["a"], [("x", [1])]).svg()
        assert charts.bars(["a"], [("x", [1])]).svg() is en  # kept
    with translation.override("ru"):
        assert charts.bars(["a"], [("x", [1])]).svg() is not en


def test_tables_and_the_shaded_article_are_escaped():
    from insight import panels
    from insight.figures import Paragraph

    html = str(panels._rows_html([["<b>title</b>", "1 & 2"]]))
    assert html == '<tr><th scope="row">&lt;b&gt;title&lt;/b&gt;</th><td>1 &amp; 2</td></tr>'
    heat = str(panels.heat_html([Paragraph("p-1", "<i>x</i>", 1, 2, 3)]))
    assert '<li class="heat-3" id="heat-p-1"><p>&lt;i&gt;x&lt;/i&gt;</p>' in heat and "1 quote, 2 replies to them" in heat
