"""The ignore list through the ASGI front, as readers get pages: one member's list never
reaches another member's page or the anonymous one, and it shows at once for its owner."""

import pytest

from config.tests.test_front import _executor_connections_closed, asgi_get, signed_in  # noqa: F401
from curation import actions

pytestmark = pytest.mark.django_db(transaction=True)  # the front reads in its own threads


def _rule(author) -> str:
    """The member style's rule that collapses `author`'s comments to their numbers."""
    return f'li[data-author="{author.pk}"]:not(:target)>header>.num::after'


def test_through_the_front_one_members_list_never_reaches_another_page(alice, bob, make_member, article, post):
    from django.core.cache import cache

    from core import memo
    from core.cache import later

    post(alice, article, "Rude words")
    carol = make_member("carol")
    _, bob_cookies = signed_in(bob)
    _, carol_cookies = signed_in(carol)
    url = article.get_absolute_url()
    for cookies in (None, bob_cookies, carol_cookies):
        assert asgi_get(url, cookies)[0] == 200  # kept: the page, the skeleton, the members' parts
    actions.ignore(bob, alice)
    _, _, bob_html = asgi_get(url, bob_cookies)
    _, _, carol_html = asgi_get(url, carol_cookies)
    _, _, anon_html = asgi_get(url)
    assert _rule(alice) in bob_html  # at once, though his page was just kept
    assert _rule(alice) not in carol_html and _rule(alice) not in anon_html
    # And what was served equals the pages made from nothing.
    later.flush()
    cache.clear()
    memo.forget_all()
    assert _rule(alice) in asgi_get(url, bob_cookies)[2]
    actions.unignore(bob, alice)
    assert _rule(alice) not in asgi_get(url, bob_cookies)[2]
