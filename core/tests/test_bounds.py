"""This process's copies of pages and threads stay within their bounds in bytes."""

from core import pagecache
from discussion import page, render


def test_kept_pages_are_bounded_by_bytes_oldest_first(monkeypatch):
    pagecache.forget()
    monkeypatch.setattr(pagecache, "NEAR_BYTES", 1000)
    for i in range(5):
        pagecache._remember(f"k{i}", b"x" * 240, "text/html")
    assert list(pagecache._near) == ["k1", "k2", "k3", "k4"]  # the oldest went
    assert pagecache._near_bytes == 960
    pagecache._remember("k2", b"y" * 240, "text/html")  # the same key again: replaced, not doubled
    assert pagecache._near_bytes == 960 and pagecache._near["k2"][1] == b"y" * 240
    pagecache._remember("huge", b"z" * 600, "text/html")  # more than a quarter of the room
    assert "huge" not in pagecache._near
    pagecache.forget()
    assert pagecache._near_bytes == 0


def test_expired_pages_go_before_live_ones(monkeypatch):
    pagecache.forget()
    clock = {"t": 1000.0}
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock["t"])
    pagecache._remember("old", b"x" * 10, "text/html")
    clock["t"] += pagecache.TTL + 1
    pagecache._remember("new", b"x" * 10, "text/html")
    assert list(pagecache._near) == ["new"] and pagecache._near_bytes == 10
    pagecache.forget()


def test_kept_threads_are_bounded_by_bytes():
    lru = page._LRU(size=10, max_bytes=1000)

    def thread(n):
        return render.split_slots(b"a" * n), 1, "", 1, 1

    for i in range(4):
        lru.put(i, thread(300))
    assert lru.get(0) is None and lru.get(1) is not None  # 1,200 bytes did not fit: the oldest went
    assert lru.bytes == 900
    lru.put(9, thread(5000))  # larger than the bound: kept alone, as the last one rendered
    assert list(lru.data) == [9] and lru.bytes == 5000
    lru.clear()
    assert lru.bytes == 0 and lru.get(9) is None
