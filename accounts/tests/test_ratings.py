"""A member's rating beside their login on every comment: filled per request into the presence
slot (never into the kept thread), in pages, the JSON API and live events; moved at once in the
process that counted the vote; never shown for a deleted account."""

import json
import re

import pytest
from django.test import Client

from accounts import ratings
from config.tests.test_front import _executor_connections_closed  # noqa: F401 (the front's connections)
from core import memo
from discussion import actions

# A vote's process drops the author's kept rating after commit: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

RATING = re.compile(r'<span data-rating="([^"]*)" (?:class="|)presence')


def _head(html: str, comment) -> str:
    return html.split(f'id="c{comment.pk}"')[1].split("</header>")[0]


def _rating_on_page(html: str, comment) -> str | None:
    found = RATING.search(_head(html, comment))
    return found.group(1) if found else None


def _vote(client: Client, comment, value: int) -> None:
    r = client.post(f"/comments/{comment.pk}/vote/", {"value": value, "mode": "set"})
    assert r.status_code in (200, 302), r.status_code


@pytest.fixture
def voters(make_member):
    made = [make_member(f"voter{i}") for i in range(3)]
    clients = []
    for m in made:
        c = Client()
        c.force_login(m)
        clients.append(c)
    return clients


def test_the_rating_is_beside_the_login_for_readers_and_members(article, alice, bob, post, voters):
    said = post(alice, article, "Worth a plus")
    answer = post(bob, article, "And a minus", parent=said)
    _vote(voters[0], said, 1)
    _vote(voters[1], said, 1)
    _vote(voters[0], answer, -1)
    for reader in (Client(), voters[2]):
        html = reader.get(article.get_absolute_url()).content.decode()
        # (her rank, if she has earned one by now, rides on the link: curation)
        assert re.search(r'<a class="login"(?: data-rank="[^"]+")? dir="auto" href="/members/alice/">alice '
                         r'\(Alice Liddell\)</a> <span data-rating="\+2" class="presence', html)
        assert _rating_on_page(html, said) == "+2"
        assert _rating_on_page(html, answer) == "\u22121"  # a minus sign, not a hyphen
    # Each slot holds its own member's number: one's rating never lands on another's comment.
    assert ratings.of([alice.pk, bob.pk]) == {alice.pk: 2, bob.pk: -1}


def test_in_russian_the_rating_rides_on_the_russian_presence(article, alice, post):
    said = post(alice, article, "Привет")
    html = Client(HTTP_ACCEPT_LANGUAGE="ru").get(article.get_absolute_url()).content.decode()
    head = _head(html, said)
    found = RATING.search(head)
    assert found and found.group(1) == "0"
    assert 'class="presence" title="Не на сайте"' in head or 'class="presence on"' in head, head


def test_the_kept_thread_holds_no_rating(article, alice, post):
    """The thread kept for every reader holds a slot, not the number: a vote on another article
    moves it without that thread changing."""
    from discussion import page

    post(alice, article, "Kept")
    parts = page.shared_parts(article, "oldest")[0]
    kept = b"".join(parts.parts)
    assert b"data-rating" not in kept and alice.pk in parts.members


def test_after_a_vote_the_next_page_shows_the_new_rating(make_article, alice, bob, post, voters):
    here, elsewhere = make_article(), make_article()
    said, other = post(alice, here, "Here"), post(alice, elsewhere, "Elsewhere")
    member = Client()
    member.force_login(bob)
    for reader in (Client(), member):  # every page kept: threads, the member's skeleton
        assert _rating_on_page(reader.get(here.get_absolute_url()).content.decode(), said) == "0"
        assert _rating_on_page(reader.get(elsewhere.get_absolute_url()).content.decode(), other) == "0"
    _vote(voters[0], said, 1)
    for reader in (Client(), member):
        assert _rating_on_page(reader.get(here.get_absolute_url()).content.decode(), said) == "+1"
    # On another article the thread did not change; its fill reads the rating again.
    assert _rating_on_page(Client().get(elsewhere.get_absolute_url()).content.decode(), other) == "+1"
    _vote(voters[0], said, 0)  # taken back
    _vote(voters[1], said, -1)
    assert _rating_on_page(Client().get(here.get_absolute_url()).content.decode(), said) == "\u22121"


def test_the_api_carries_each_authors_rating(article, alice, bob, post, voters, make_member):
    said = post(alice, article, "One")
    post(bob, article, "Two", parent=said)
    _vote(voters[0], said, 1)
    url = f"/api/v1/articles/{article.slug}/comments/"
    for reader in (Client(), voters[1]):
        data = reader.get(url).json()["comments"]
        assert data[0]["author"]["rating"] == 1 and data[0]["author"]["presence"] in ("online", "offline")
        assert data[0]["children"][0]["author"]["rating"] == 0
    _vote(voters[1], said, 1)
    assert Client().get(url).json()["comments"][0]["author"]["rating"] == 2  # a new thread version
    assert set(Client().get(url).json()["comments"][0]["author"]) == {"login", "real_name", "presence", "rating",
                                                                    "deleted"}


def test_a_live_new_comment_and_its_posters_answer_carry_the_rating(article, alice, bob, post, voters,
                                                                  django_capture_on_commit_callbacks):
    from live.broker import get_broker

    first = post(alice, article, "Before")
    _vote(voters[0], first, 1)
    broker = get_broker()
    published = []
    original = broker.publish
    broker.publish = lambda event: published.append(event) or original(event)
    try:
        client = Client()
        client.force_login(alice)
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(f"/articles/{article.slug}/comments/", {"body": "Live words"},
                            headers={"accept": "application/json"})
    finally:
        broker.publish = original
    assert r.status_code in (200, 201), r.content[:300]
    answer = json.loads(r.content)
    new = [e for e in published if e.get("type") == "comment.new"]
    assert len(new) == 1
    for html in (new[0]["html"], answer["html"]):
        assert re.search(r'alice \(Alice Liddell\)</a> <span data-rating="\+1" class="presence',
                         html)


def test_a_deleted_account_shows_no_rating(article, alice, bob, post, voters):
    said = post(alice, article, "Before I go")
    post(bob, article, "Still here", parent=said)
    _vote(voters[0], said, 1)
    alice_client = Client()
    alice_client.force_login(alice)
    assert alice_client.post("/account/delete/", {"password": "correct horse battery"}).status_code == 302
    for reader in (Client(), voters[1]):
        html = reader.get(article.get_absolute_url()).content.decode()
        assert _rating_on_page(html, said) is None
        assert html.count('data-rating=') == 1  # bob's only
        data = reader.get(f"/api/v1/articles/{article.slug}/comments/").json()["comments"][0]
        assert data["author"]["rating"] is None and data["author"]["presence"] is None
    assert ratings.of([alice.pk]) == {}
    memo.forget_all()
    assert ratings.of([alice.pk]) == {}  # read again: still none


def test_a_rating_slot_says_a_number_and_nothing_else(article, alice, post, voters):
    said = post(alice, article, "Mind my e-mail")
    _vote(voters[0], said, 1)
    html = Client().get(article.get_absolute_url()).content.decode()
    spans = RATING.findall(html)
    assert spans == ["+1"]
    # The real name is in the name's link once (the byline), never in the slot.
    assert alice.email not in html and _head(html, said).count("Alice Liddell") == 1


def test_ratings_of_reads_misses_in_one_query(django_assert_num_queries, make_member):
    members = [make_member() for _ in range(5)]
    ids = [m.pk for m in members]
    with django_assert_num_queries(1):
        assert ratings.of(ids) == dict.fromkeys(ids, 0)
    with django_assert_num_queries(0):  # kept
        assert ratings.of(ids) == dict.fromkeys(ids, 0)
    with django_assert_num_queries(0):
        assert ratings.of([]) == {}


def test_a_vote_drops_the_authors_kept_rating_after_commit(article, alice, bob, post):
    said = post(alice, article, "One")
    assert ratings.of([alice.pk]) == {alice.pk: 0}
    actions.vote(bob, said, 1)
    assert ratings.of([alice.pk]) == {alice.pk: 1}


@pytest.mark.parametrize(("rating", "shown"), [(0, "0"), (7, "+7"), (-3, "\u22123"), (1234, "+1234")])
def test_signs(rating, shown):
    assert ratings.shown(rating) == shown


@pytest.mark.parametrize("rating", [0, 7, -3, 1234, -1])
def test_the_fill_writes_what_render_presence_writes(rating):
    from discussion import render

    html = f"<p>{render.presence_slot(7)}{render.presence_slot(8)}</p>".encode()
    filled = render.Split(html).fill("", {7: 2e9}, {7: rating, 8: rating}).decode()
    assert filled == f"<p>{render.render_presence(2e9, rating)}{render.render_presence(None, rating)}</p>"


def test_after_a_vote_the_served_pages_equal_a_render_from_nothing(article, alice, bob, post, voters):
    """Through the ASGI front, as readers get pages: after a vote through the HTTP client, the
    anonymous and the member page served from the caches show the new rating and equal the
    page rendered with every cache emptied."""
    from config.tests.test_front import signed_in
    from config.tests.test_invalidation import _equal, _from_nothing, _served

    said = post(alice, article, "Served")
    post(bob, article, "Also served", parent=said)
    url = article.get_absolute_url()
    _, cookies = signed_in(bob)
    before = _served(url), _served(url, cookies)
    assert _rating_on_page(before[0], said) == "0"
    _vote(voters[0], said, 1)
    after_anon, after_member = _served(url), _served(url, cookies)
    assert _rating_on_page(after_anon, said) == "+1" and _rating_on_page(after_member, said) == "+1"
    _equal(after_anon, _from_nothing(url))
    _equal(after_member, _from_nothing(url, cookies))


@pytest.mark.parametrize("who", ["anonymous", "member", "author", "moderator", "editor"])
def test_every_role_sees_the_same_rating(who, request, article, alice, bob, post, voters):
    said = post(alice, article, "Seen alike")
    _vote(voters[0], said, 1)
    reader = Client()
    if who != "anonymous":
        reader.force_login({"member": bob, "author": alice}.get(who) or request.getfixturevalue(who))
    html = reader.get(article.get_absolute_url()).content.decode()
    assert _rating_on_page(html, said) == "+1" and len(RATING.findall(html)) == 1


def test_a_held_comment_page_for_its_author_alone_carries_the_rating_too(article, alice, bob, post, voters):
    """A member with a comment awaiting moderation gets a thread rendered for them alone: the
    same fill."""
    said = post(alice, article, "Public")
    _vote(voters[0], said, 1)
    held = post(alice, article, "Awaiting")
    actions.do_set_status(held, held.Status.HELD)
    author = Client()
    author.force_login(alice)
    html = author.get(article.get_absolute_url()).content.decode()
    assert "Awaiting" in html and _rating_on_page(html, said) == "+1" and _rating_on_page(html, held) == "+1"
    assert "Awaiting" not in Client().get(article.get_absolute_url()).content.decode()


def test_a_hidden_comment_takes_its_votes_out_of_the_rating_at_once(make_article, alice, post, voters, moderator):
    from moderation import actions as moderation_actions

    here, elsewhere = make_article(), make_article()
    voted, other = post(alice, here, "Voted, then hidden"), post(alice, elsewhere, "Elsewhere")
    _vote(voters[0], voted, 1)
    assert _rating_on_page(Client().get(elsewhere.get_absolute_url()).content.decode(), other) == "+1"
    moderation_actions.hide(moderator, voted, "spam")
    assert _rating_on_page(Client().get(elsewhere.get_absolute_url()).content.decode(), other) == "0"


def test_a_thread_read_from_the_database_brings_its_authors_ratings(article, alice, bob, post, voters,
                                                                    django_assert_num_queries):
    from discussion import page

    said = post(alice, article, "Rated")
    post(bob, article, "Unrated", parent=said)
    _vote(voters[0], said, 1)
    memo.forget_all()
    article.refresh_from_db()
    page._load(article, "oldest", 1, None)
    with django_assert_num_queries(0):  # the render's own page asks nothing more
        assert ratings.of([alice.pk, bob.pk]) == {alice.pk: 1, bob.pk: 0}
