"""Page views: counted in the process, written every few seconds and at a clean stop, and
shown as one number — the stored one — by every page and the API."""

import asyncio
import re
import threading
import time

import pytest

from newsroom import actions, viewcount
from newsroom.models import Article


def stored(article) -> int:
    return Article.objects.get(pk=article.pk).views


def test_views_wait_in_the_process_and_reach_the_database_together(article, make_article):
    other = make_article()
    before = stored(article)
    shown = [actions.do_record_view(article) for _ in range(60)]
    actions.do_record_view(other)
    assert shown == [before] * 60  # the stored count, as everywhere else; not a count of its own
    assert stored(article) == before and viewcount.pending(article.pk) == 60
    assert viewcount.flush() == 61
    assert stored(article) == before + 60 and stored(other) == 1
    assert viewcount.pending(article.pk) == 0
    assert viewcount.flush() == 0  # nothing is written twice


def test_views_the_front_served_from_the_cache_count_without_a_query(article, django_assert_num_queries):
    with django_assert_num_queries(0):
        for _ in range(5):
            viewcount.count(article.pk)  # pages served from the cache
        assert actions.do_record_view(article) == 0
    assert viewcount.flush() == 6
    assert stored(article) == 6


def test_a_failed_write_keeps_the_views_for_the_next(article, monkeypatch):
    for _ in range(3):
        viewcount.count(article.pk)
    from newsroom import sql

    monkeypatch.setattr(sql, "ADD_VIEWS", "UPDATE no_such_table SET views = views + %s WHERE id = %s")
    with pytest.raises(Exception):  # noqa: B017  whatever the database says
        viewcount.flush()
    monkeypatch.undo()
    assert viewcount.pending(article.pk) == 3
    assert viewcount.flush() == 3
    assert stored(article) == 3


def _views_shown(client, article) -> dict[str, int]:
    """The view count of `article` as each page and the API show it."""
    def card_views(html: str) -> int:
        card = html[html.index(f'href="{article.get_absolute_url()}"'):]
        return int(re.search(r'<span title="Views">(\d+) view', card).group(1))

    page = client.get(article.get_absolute_url()).content.decode()
    return {
        "article": int(re.search(r'<span class="views">(\d+) view', page).group(1)),
        "front": card_views(client.get("/").content.decode()),
        "section": card_views(client.get(article.section.get_absolute_url()).content.decode()),
        "api list": next(a["views"] for a in client.get("/api/v1/articles/").json()["results"]
                         if a["slug"] == article.slug),
        "api": client.get(f"/api/v1/articles/{article.slug}/").json()["views"],
    }


@pytest.mark.parametrize("role", ["visitor", "member", "editor"])
def test_the_article_listings_and_api_show_one_number(client, article, make_article, make_member, editor, role):
    make_article(title="Another")
    if role != "visitor":
        client.force_login(editor if role == "editor" else make_member("reader"))
    for _ in range(7):
        actions.do_record_view(article)
    shown = _views_shown(client, article)
    assert set(shown.values()) == {0}, shown  # the pending views (and these pages' own) nowhere
    written = viewcount.flush()
    assert written == 8  # seven, and the article page read above
    shown = _views_shown(client, article)
    assert set(shown.values()) == {8}, shown
    assert stored(article) == 8


@pytest.mark.django_db(transaction=True)
def test_the_timer_writes_views_within_seconds(article, settings, monkeypatch):
    settings.VECHE_VIEW_FLUSH_SECONDS = 0.2
    flusher = viewcount.Flusher()
    monkeypatch.setattr(viewcount, "flusher", flusher)
    monkeypatch.setattr(viewcount.atexit, "register", lambda fn: None)  # stopped below
    try:
        for _ in range(4):
            viewcount.count(article.pk)
        assert flusher.thread is not None and flusher.thread.name == "veche-views"
        deadline = time.monotonic() + 5
        while stored(article) != 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stored(article) == 4
        viewcount.count(article.pk)
    finally:
        flusher.stop()
    assert stored(article) == 5  # the stop wrote the rest
    assert not flusher.thread.is_alive()


@pytest.mark.django_db(transaction=True)
def test_the_servers_clean_stop_writes_the_views_left(article, monkeypatch):
    from config.front import Front

    flusher = viewcount.Flusher()
    monkeypatch.setattr(viewcount, "flusher", flusher)
    for _ in range(9):
        viewcount.count(article.pk)
    sent = []
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message["type"])
        if message["type"] == "lifespan.startup.complete":
            assert viewcount.pending(article.pk) == 9  # nothing is written before the stop

    async def lifespan():
        await Front(None)({"type": "lifespan"}, receive, send)

    # In a thread of its own, as a server runs it: the flush is done in yet another thread.
    worker = threading.Thread(target=asyncio.run, args=(lifespan(),))
    worker.start()
    worker.join(10)
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert stored(article) == 9
