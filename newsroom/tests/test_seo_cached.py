"""The structured data of a page served from the page cache by the ASGI front (anonymous
readers) or as a member skeleton: it follows the discussion, and no member's data is in it.

As in config/tests/test_front.py, the front reads in worker threads, so the database here is
transactional."""

import pytest
from django.test import override_settings

from config.tests.test_front import _executor_connections_closed, asgi_get, from_front, signed_in  # noqa: F401
from core import pagecache
from discussion import actions
from moderation import actions as moderation_actions
from newsroom.tests.seo_helpers import SITE, ld_text, read

pytestmark = [pytest.mark.django_db(transaction=True)]


@override_settings(VECHE_SITE_URL=SITE)
def test_a_cached_page_s_json_ld_follows_the_discussion(alice, bob, moderator, article, post):
    pagecache.SLUGS.clear()
    first = post(alice, article, "FIRST words")
    url = article.get_absolute_url()
    asgi_get(url)  # Django renders it and keeps it
    status, headers, html = asgi_get(url)
    assert status == 200 and headers.get("cache-control") == "no-cache"  # served by the front
    assert [c["text"] for c in read(html).article["comment"]] == ["FIRST words"]
    actions.vote(bob, first, 1)
    html = asgi_get(url)[2]
    assert read(html).article["comment"][0]["upvoteCount"] == 1
    moderation_actions.hide(moderator, first, "spam")
    asgi_get(url)
    html = asgi_get(url)[2]
    assert "FIRST" not in ld_text(html) and read(html).article["commentCount"] == 0
    # A member's copy, filled from the shared skeleton by the front, says the same.
    post(bob, article, "SECOND words")
    anonymous = read(asgi_get(url)[2]).seo()
    client, cookies = signed_in(bob)  # alice has a moderator's word on her page: her own
    client.get(url)  # Django renders the skeleton and keeps it
    status, headers, html = asgi_get(url, cookies)
    assert status == 200 and from_front(headers)
    assert read(html).seo() == anonymous
    assert [c["text"] for c in read(html).article["comment"]] == ["SECOND words"]
