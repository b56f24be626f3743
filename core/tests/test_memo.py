"""The one bounded memo every process-local cache is made of."""

import threading

import pytest

from core import memo
from core.memo import Memo


@pytest.fixture
def fresh(monkeypatch):
    """Memos made in a test register in a registry of their own."""
    monkeypatch.setattr(memo, "_registry", {})


def test_bounded_by_items_oldest_first(fresh):
    m = Memo("t", items=3)
    for i in range(5):
        m.put(i, str(i))
    assert list(m.data) == [2, 3, 4] and m.get(0) is None and m.get(4) == "4"


def test_bounded_by_bytes_oldest_first_and_a_replaced_value_not_doubled(fresh):
    m = Memo("t", items=100, max_bytes=1000, weigh=len)
    for i in range(5):
        m.put(f"k{i}", b"x" * 240)
    assert list(m.data) == ["k1", "k2", "k3", "k4"] and m.bytes == 960  # the oldest went
    m.put("k2", b"y" * 240)
    assert m.bytes == 960 and m.get("k2") == b"y" * 240
    m.put("huge", b"z" * 600)  # more than a quarter of the room: never kept
    assert "huge" not in m and m.bytes == 960
    m.put("k3", b"z" * 600)  # a key whose new value is too big is dropped, not left stale
    assert "k3" not in m and m.bytes == 720
    m.clear()
    assert m.bytes == 0 and len(m) == 0


def test_entries_expire_and_expired_ones_go_first(fresh, monkeypatch):
    clock = {"t": 1000.0}
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock["t"])
    m = Memo("t", items=2, ttl=5)
    m.put("old", 1)
    assert m.get("old") == 1
    clock["t"] += 6
    assert m.get("old") is None and m.get("old", "gone") == "gone"
    m.put("a", 2)
    assert list(m.data) == ["a"]  # the expired entry made room before any live one


@pytest.mark.parametrize("kind", ["plain", "ttl", "weighed"])
def test_put_all_keeps_what_put_one_by_one_keeps(fresh, monkeypatch, kind):
    clock = {"t": 1000.0}
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock["t"])
    options = {"plain": {}, "ttl": {"ttl": 5}, "weighed": {"max_bytes": 10_000, "weigh": len}}[kind]
    one, many = Memo("one", items=4, **options), Memo("many", items=4, **options)
    for m in (one, many):
        m.put("stale", "s")
        m.put("kept", "k")
    clock["t"] += 2
    items = [("a", "1"), ("kept", "k2"), ("b", "2"), ("c", "3"), ("d", "4")]
    for key, value in items:
        one.put(key, value)
    many.put_all(iter(items))  # any iterable
    assert list(many.data) == list(one.data) == ["kept", "b", "c", "d"]  # the bound, oldest out
    assert [many.get(k) for k in many.data] == [one.get(k) for k in one.data] == ["k2", "2", "3", "4"]
    assert many.get("stale") is None and many.get("a") is None
    clock["t"] += 4  # what was put at 1002 is 4 s old (of a ttl of 5)
    if kind == "ttl":
        assert many.get("kept") == "k2" and many.get("b") == "2"
        many.put_all([("e", "5")])
        clock["t"] += 2
        assert many.get("b") is None and many.get("e") == "5"


def test_use_order_when_asked(fresh):
    m = Memo("t", items=2, lru=True)
    m.put("a", 1)
    m.put("b", 2)
    assert m.get("a") == 1  # used: now the youngest
    m.put("c", 3)
    assert "a" in m and "b" not in m
    plain = Memo("u", items=2)
    plain.put("a", 1)
    plain.put("b", 2)
    plain.get("a")
    plain.put("c", 3)
    assert "a" not in plain  # by insertion only


def test_get_or_make_makes_once(fresh):
    m = Memo("t", items=4)
    made = []
    assert m.get_or_make("k", lambda: made.append(1) or "v") == "v"
    assert m.get_or_make("k", lambda: made.append(1) or "w") == "v"
    assert made == [1]
    m.put("none", None)  # None is a value like any other
    assert m.get_or_make("none", lambda: "made") is None


def test_names_are_unique_and_forget_all_empties_every_one(fresh):
    a, b = Memo("a", items=4), Memo("b", items=4)
    cleared = []
    memo.register("state", lambda: cleared.append(True))
    with pytest.raises(ValueError):
        Memo("a", items=4)
    a.put(1, 1)
    b.put(2, 2)
    memo.forget_all()
    assert len(a) == 0 and len(b) == 0 and cleared == [True]
    assert memo.names() == ["a", "b", "state"]
    Memo("own", items=1, registered=False)
    assert "own" not in memo.names()


def test_threads_writing_at_once_keep_the_bounds(fresh):
    m = Memo("t", items=50, max_bytes=4000, weigh=len, lru=True)

    def work(n):
        for i in range(2000):
            m.put((n, i % 80), b"x" * (i % 90))
            m.get((n, (i * 7) % 80))

    workers = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(m) <= 50 and m.bytes <= 4000
    assert m.bytes == sum(entry[2] for entry in m.data.values())


def test_the_site_caches_are_bounded():
    from core import pagecache
    from discussion import page, render

    assert pagecache._near.max_bytes == pagecache.NEAR_BYTES and pagecache._near.ttl == pagecache.TTL + pagecache.STALE
    assert page._local.max_bytes == 128 * 2**20 and page._local.lru
    assert render.fragments.items == 20_000


def test_threads_filling_a_plain_memo_keep_its_bound(fresh):
    m = Memo("t", items=50)

    def work(n):
        for i in range(3000):
            m.put((n, i % 120), i)
            m.get((n, (i * 7) % 120))

    workers = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(m) <= 50 and m.bytes == 0
