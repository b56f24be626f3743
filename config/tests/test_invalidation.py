"""Each kind of change (newsroom.versions.Change) reaches the pages served from the caches:
after it, the page served — to a visitor and to a member, through the ASGI front as readers
get it — equals the page rendered from nothing (every cache emptied)."""

import re

import pytest
from django.core.cache import cache

from accounts import actions as account_actions
from config.tests.test_front import _executor_connections_closed, asgi_get, signed_in  # noqa: F401
from core import memo
from core.cache import later
from curation import actions as curation_actions
from discussion import actions
from discussion.models import Comment
from moderation import actions as moderation_actions
from newsroom import versions
from newsroom.actions import do_save_article

pytestmark = pytest.mark.django_db(transaction=True)  # the front reads in its own threads

_VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value="T"'),
    (re.compile(r'data-csrf="[^"]*"'), 'data-csrf="T"'),
    (re.compile(r"nonce(=|-)\"?[A-Za-z0-9+/=_-]+"), "nonce"),
    (re.compile(r'name="idempotency_key" value="[0-9a-f]{32}"'), "idem"),
    (re.compile(r'data-now="\d+"'), "now"),
    (re.compile(r'data-until="\d+"'), "until"),
    (re.compile(r"\d[\d,]* views?"), "N views"),
    # Presence is live state, not a cache: emptying every memo forgets who is Online.
    (re.compile(r'(<span(?: data-rating="[^"]*")?) class="presence[^"]*" title="(Online|Offline)"[^>]*>(Online|Offline)</span>'),
     r"\1 presence"),
]


def _same(html: str) -> str:
    for pattern, fixed in _VOLATILE:
        html = pattern.sub(fixed, html)
    return html


def _served(url: str, cookies=None) -> str:
    status, _headers, html = asgi_get(url, cookies)
    assert status == 200
    later.flush()
    return _same(html)


def _from_nothing(url: str, cookies=None) -> str:
    later.flush()
    cache.clear()
    memo.forget_all()
    return _served(url, cookies)


@pytest.fixture
def scene(alice, bob, article, post):
    first = post(alice, article, "The first words")
    second = post(bob, article, "An answer", parent=first)
    third = post(bob, article, "Another top-level comment")
    return first, second, third


CHANGES = {
    "new comment": lambda s: actions.post_comment(s["bob"], s["article"], "A new comment"),
    "held comment": lambda s: s["held"](),
    "text": lambda s: actions.edit_comment(s["alice"], s["first"], "The first words, mended"),
    "votes": lambda s: actions.vote(s["bob"], s["first"], 1),
    "status": lambda s: moderation_actions.hide(s["moderator"], s["third"], "spam"),
    "byline": lambda s: account_actions.do_update_profile(s["alice"], real_name="Alice Changed", about="",
                                                          email=s["alice"].email),
    "order": lambda s: actions.delete_comment(s["bob"], s["third"]),
    "article": lambda s: s["retitle"](),
    "curation": lambda s: curation_actions.pick(s["moderator"], s["first"]),
}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_after_each_kind_of_change_the_served_page_is_the_page_from_nothing(kind, scene, alice, bob, moderator,
                                                                             article, post, settings):
    first, second, third = scene
    url = article.get_absolute_url()
    _, member_cookies = signed_in(bob)
    before_anon = _served(url)
    _served(url, member_cookies)  # the member skeleton kept too
    assert _served(url) == before_anon  # the second answer comes from the caches

    def held():
        settings.VECHE_PREMODERATE_FIRST = 0
        c = actions.post_comment(alice, article, "Held words")
        actions.do_set_status(c, Comment.Status.HELD)

    def retitle():
        article.refresh_from_db()
        article.title = "A new title"
        do_save_article(article)

    CHANGES[kind]({"alice": alice, "bob": bob, "moderator": moderator, "article": article, "first": first,
                   "second": second, "third": third, "held": held, "retitle": retitle})
    after_anon, after_member = _served(url), _served(url, member_cookies)
    assert after_anon != before_anon or kind == "held comment"  # the change shows (a held one: not to them)
    _equal(after_anon, _from_nothing(url))
    _equal(after_member, _from_nothing(url, member_cookies))


def _equal(served: str, fresh: str) -> None:
    if served != fresh:
        import difflib

        diff = "\n".join(difflib.unified_diff(fresh.split("><"), served.split("><"), "from nothing", "served",
                                               lineterm="", n=1))
        pytest.fail(f"the served page is not the page from nothing:\n{diff[:3000]}")


def test_every_kind_of_change_is_covered():
    assert {c.name for c in versions.Change} == {k.upper().replace(" ", "_") for k in CHANGES}
