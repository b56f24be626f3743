"""The benchmark's generator, and an import whose memory does not grow with the file."""

import tracemalloc

import pytest

from discussion.models import Comment
from imports import disqus
from imports.generate import generate_disqus
from newsroom.models import Article

PEAK_LIMIT = 50 * 1024 * 1024  # bytes of Python allocations while importing 2,000 comments


def test_the_generator_is_deterministic_and_awkward(tmp_path):
    a, b = tmp_path / "a.xml", tmp_path / "b.xml"
    assert generate_disqus(a, 3, 30, seed=7) == 90
    generate_disqus(b, 3, 30, seed=7)
    text = a.read_text(encoding="utf-8")
    assert text == b.read_text(encoding="utf-8")
    assert text.index("\n  <post ") > text.rindex("\n  <thread ")  # threads first, then posts
    assert "<isDeleted>true</isDeleted>" in text or "<isSpam>true</isSpam>" in text
    # Some reply precedes its parent in the file.
    positions = {}
    early_reply = False
    for chunk in text.split("<post ")[1:]:
        pid = chunk.split('"')[1]
        positions[pid] = True
        if "<parent dsq:id=" in chunk:
            parent = chunk.split('<parent dsq:id="')[1].split('"')[0]
            early_reply |= parent not in positions
    assert early_reply


def _peak(path) -> tuple[int, object]:
    tracemalloc.start()
    try:
        summary = disqus.load(path)
        return tracemalloc.get_traced_memory()[1], summary
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_a_generated_import_keeps_memory_bounded(db, tmp_path):
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    generate_disqus(small, threads=2, comments_per_thread=100, seed=1)
    generate_disqus(large, threads=20, comments_per_thread=100, seed=2)
    small_peak, first = _peak(small)
    peak, summary = _peak(large)
    assert summary.comments + summary.skipped == 2000 and summary.orphans == 0
    assert summary.comments_existing == first.comments_created  # the same ids in both files
    assert Article.objects.count() == 20 and Comment.objects.count() == summary.comments
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.1f} MB"
    # Memory follows the largest thread, not the file: ten times the threads of the same
    # size must not need anything like ten times the memory.
    assert peak < 2 * small_peak + 4_000_000, (small_peak, peak)
