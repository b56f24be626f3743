"""Caches and page assembly after the features of issues 17-20 met: a second reviewer's
reproductions, each a bug fixed — a changed author's badge, a role given through a group, a
new comment's live markup, the page's way back without another reader's ?lang=, live events
that name members, and the front's Vary."""
import re

import pytest
from django.conf import settings

from config.tests.test_front import _executor_connections_closed, asgi_get, signed_in  # noqa: F401
from config.tests.test_invalidation import _from_nothing, _served
from core import pagecache
from newsroom.actions import do_save_article
from newsroom.models import Author

pytestmark = pytest.mark.django_db(transaction=True)


def _badges_of(html, comment):
    li = html.split(f'id="c{comment.pk}"')[1].split("</header>")[0]
    return re.findall(r'class="badge b-(\w+)"', li)


def test_article_author_change_leaves_author_badge_on_cached_page(article, post, make_member, bob):
    pagecache.SLUGS.clear()
    writer = make_member("writer")
    article.author = Author.objects.create(name="A. Writer", slug="writer", member=writer)
    do_save_article(article)
    said = post(writer, article, "from the writer")
    url = article.get_absolute_url()
    _, bob_cookies = signed_in(bob)
    assert _badges_of(_served(url), said) == ["author"]
    _served(url, bob_cookies)
    article.refresh_from_db()
    article.author = Author.objects.create(name="Someone Else", slug="else")
    do_save_article(article)  # Change.ARTICLE: page generation only, not the thread version
    served_anon, served_member = _served(url), _served(url, bob_cookies)
    assert _badges_of(_from_nothing(url), said) == []
    assert _badges_of(served_anon, said) == [], "anonymous page still shows the old author badge"
    assert _badges_of(served_member, said) == [], "member page still shows the old author badge"


def test_lang_query_of_first_reader_reaches_the_language_form_of_others(article, post, alice):
    pagecache.SLUGS.clear()
    post(alice, article, "words")
    url = article.get_absolute_url()
    st, _h, first = asgi_get(url, query="lang=ru")  # kept under oldest:1:ru
    assert st == 200 and 'name="back" value="/articles/' in first
    cookie = {settings.LANGUAGE_COOKIE_NAME: "ru"}
    st, headers, html = asgi_get(url, cookie)  # a reader who chose Russian, plain address
    back = re.search(r'name="back" value="([^"]+)"', html).group(1)
    assert back == url, f"served back={back!r} (from another reader's address)"


def test_live_new_comment_markup_lacks_badges_the_page_shows(article, post, moderator, monkeypatch):
    from live import broker

    sent = []
    real = broker.get_broker

    class Spy:
        def publish(self, event):
            sent.append(event)
            return "1-0"

    monkeypatch.setattr(broker, "get_broker", lambda: Spy())
    from discussion import actions

    c = actions.post_comment(moderator, article, "a moderator speaks")
    new = [e for e in sent if e["type"] == "comment.new" and e["comment"] == c.pk]
    assert new
    monkeypatch.setattr(broker, "get_broker", real)
    page = _from_nothing(article.get_absolute_url())
    assert _badges_of(page, c) == ["moderator"]
    assert 'b-moderator' in new[0]["html"], "live markup of the new comment has no badge"


def test_group_permission_change_never_reaches_cached_thread(article, post, bob):
    from django.contrib.auth.models import Group
    from django.core.cache import cache

    from curation import page as cpage

    said = post(bob, article, "words")
    g = Group.objects.create(name="Helpers")
    bob.groups.add(g)
    url = article.get_absolute_url()
    assert _badges_of(_served(url), said) == []
    from conftest import role

    g.permissions.add(*role("Moderators").permissions.all())
    cache.delete(cpage.ROLES_KEY)  # what the documented 1 h expiry does
    served = _served(url)
    assert _badges_of(_from_nothing(url), said) == ["moderator"]
    assert _badges_of(served, said) == ["moderator"], "badge never shows until the thread version moves"


def test_every_stream_learns_which_members_follow_a_discussion(article, make_article, alice, bob, monkeypatch):
    """Bob follows `article`; an anonymous reader of an unrelated article's live stream is told
    bob's id the moment someone comments on `article` (and on every reply to bob, pick, decision)."""
    from accounts import presence
    from discussion import actions
    from live import broker
    from live.broker import Subscription
    from live.stream import frame
    from notify import actions as notify_actions

    other = make_article()
    notify_actions.follow(bob, article.pk)
    presence.touch(bob)
    sent = []

    class Spy:
        def publish(self, event):
            sent.append(event)
            return "1-0"

    monkeypatch.setattr(broker, "get_broker", lambda: Spy())
    actions.post_comment(alice, article, "news for followers")
    told = [e for e in sent if e["type"] == "notify.unread"]
    assert told, "no unread event (tasks not run eagerly?)"
    import asyncio

    async def deliver():
        sub = Subscription(other.pk)  # what the stream of an unrelated article subscribes
        for e in told:
            sub.offer({**e, "id": "1-0"})
        await asyncio.sleep(0)
        return [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]

    from live.stream import for_reader

    got = [shown for e in asyncio.run(deliver()) if (shown := for_reader(e, None)) is not None]
    leaked = [frame(e) for e in got]
    assert not leaked, f"an anonymous reader of another article receives: {leaked}"


def test_front_cached_page_vary_drops_accept_language(article, post, alice):
    pagecache.SLUGS.clear()
    post(alice, article, "words")
    url = article.get_absolute_url()
    from config.front import Front  # noqa: F401
    st, h, _ = asgi_get(url, accept="gzip")  # Django, stores it
    import time

    from core.pagecache import compressor  # noqa: F401
    for _ in range(50):
        st, h2, _ = asgi_get(url, accept="gzip")
        if h2.get("content-encoding"):
            break
        time.sleep(0.05)
    assert "content-language" not in h2 and h2.get("content-encoding") == "gzip"
    assert "accept-language" in h["vary"].lower()
    assert "accept-language" in h2["vary"].lower(), f"front: Vary: {h2['vary']} (Django: {h['vary']})"
