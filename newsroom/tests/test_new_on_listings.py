"""Beside each listed article a member follows, the comments new to them since they last read
it ("3 new", linking to the first): on the front page and the section, tag and author pages,
rendered into that member's page only — never an anonymous reader's, never another member's."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from discussion import actions as discussion
from newsroom import viewcount
from notify import actions as notify
from visits import marks
from visits.models import Visit

NEW = re.compile(r'<a class="new-comments" href="([^"]+)"[^>]*><strong>([^<]+)</strong></a>')


def client_of(member):
    c = Client()
    c.force_login(member)
    return c


def listed_new(client, path="/"):
    """{article address: (words, link)} of the new-comment counts on a listing."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    return {link.split("#")[0]: (words, link) for link, words in NEW.findall(html)}, html


def read(client, member, article, minutes_ago=60):
    """The member reads the article's discussion; the reading is written, and dated back so
    the next reading starts a new visit."""
    assert client.get(article.get_absolute_url()).status_code == 200
    viewcount.flush()
    Visit.objects.filter(member=member, article=article).update(at=timezone.now() - timedelta(minutes=minutes_ago))


@pytest.fixture
def carol(make_member):
    return make_member("carol")


@pytest.fixture
def scene(alice, bob, carol, moderator, make_article, post):
    """Alice follows `a` and has read it; since then: 3 public comments by others, and one of
    her own, one removed, one held, one deleted by its author, none of which count. She
    follows `b` too and read it; nothing new there. She read `c` without following it, and it
    has news; she follows `d` but never read it."""
    a, b, c, d = (make_article(title=t, slug=t.lower()) for t in ("Alpha", "Beta", "Gamma", "Delta"))
    alice_client = client_of(alice)
    for art in (a, b, c, d):
        post(bob, art, f"Before, on {art.title}")
    for art in (a, b, d):
        notify.follow(alice, art.pk)
    for art in (a, b, c):
        read(alice_client, alice, art)
    first = post(bob, a, "New one")
    post(alice, a, "Alice's own, not new to her")
    post(carol, a, "New two")
    removed = post(bob, a, "Removed")
    discussion.do_set_status(removed, "removed", "spam")
    held = post(carol, a, "Held")
    discussion.do_set_status(held, "held")
    deleted = post(carol, a, "Deleted by Carol")
    discussion.delete_comment(carol, deleted)
    post(moderator, a, "New three")
    post(bob, c, "News on an article Alice does not follow")
    post(bob, d, "News on an article Alice never read")
    return {"a": a, "b": b, "c": c, "d": d, "first": first, "alice": alice_client}


def test_the_following_member_sees_what_is_new_beside_what_they_follow(scene):
    a = scene["a"]
    found, _ = listed_new(scene["alice"])
    assert found == {a.get_absolute_url(): ("3 new", f"{a.get_absolute_url()}#c{scene['first'].pk}")}
    # the section's page too (and the counts follow new comments)
    found, _ = listed_new(scene["alice"], a.section.get_absolute_url())
    assert found[a.get_absolute_url()][0] == "3 new"


def test_new_comments_by_others_raise_the_count_and_reading_clears_it(scene, bob, alice, post):
    a = scene["a"]
    post(bob, a, "New four")
    assert listed_new(scene["alice"])[0][a.get_absolute_url()][0] == "4 new"
    # She reads it: at once nothing is new (the reading this process holds counts), and so
    # after it is written.
    assert scene["alice"].get(a.get_absolute_url()).status_code == 200
    assert marks.pending.get((alice.pk, a.pk)) is not None
    assert listed_new(scene["alice"])[0] == {}
    viewcount.flush()
    assert listed_new(scene["alice"])[0] == {}
    post(bob, a, "After her reading")
    assert listed_new(scene["alice"])[0][a.get_absolute_url()][0] == "1 new"


def test_nobody_else_sees_them_anonymous_readers_included(scene, bob, carol, client):
    # Alice first, then Bob (who follows nothing), then Carol (who commented there but neither
    # follows nor read), then an anonymous reader, then Alice again: each gets their own.
    found, html = listed_new(scene["alice"])
    assert len(found) == 1
    for other in (client_of(bob), client_of(carol), client):
        found, html = listed_new(other)
        assert found == {} and "new-comments" not in html and "3 new" not in html
    assert len(listed_new(scene["alice"])[0]) == 1


def test_a_member_who_follows_and_read_sees_only_their_own_counts(scene, bob, carol, post):
    a = scene["a"]
    bob_client = client_of(bob)
    notify.follow(bob, a.pk)
    read(bob_client, bob, a)
    mine = post(carol, a, "Only these two are new to Bob")
    post(bob, a, "Bob's own")
    post(carol, a, "...and this")
    assert listed_new(bob_client)[0] == {a.get_absolute_url(): ("2 new", f"{a.get_absolute_url()}#c{mine.pk}")}
    assert listed_new(scene["alice"])[0][a.get_absolute_url()][0] == "6 new"  # 3, and these three


def test_an_unfollowed_article_shows_nothing(scene, alice):
    notify.unfollow(alice.pk, scene["a"].pk)
    assert listed_new(scene["alice"])[0] == {}


def test_russian_plural_forms(scene, bob, post):
    a = scene["a"]
    assert listed_new(scene["alice"], "/?lang=ru")[0][a.get_absolute_url()][0] == "3 новых"
    post(bob, a, "4")
    post(bob, a, "5")
    assert listed_new(scene["alice"], "/?lang=ru")[0][a.get_absolute_url()][0] == "5 новых"
    for i in range(16):
        post(bob, a, f"more {i}")
    found, html = listed_new(scene["alice"], "/?lang=ru")
    assert found[a.get_absolute_url()][0] == "21 новый"
    assert "Новые комментарии с вашего прошлого визита" in html


def test_the_counts_cost_one_query_however_many_are_followed(scene, carol):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(client):
        client.get("/")  # (the header's counts, presence: remembered after a first page)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    carols = queries(client_of(carol))  # follows and read nothing
    alices = queries(scene["alice"])  # follows three, read three, news on one
    assert len(alices) == len(carols)
    counting = [q for q in alices if "visits_visit" in q]
    assert len(counting) == 1 and "notify_follow" in counting[0]
    anonymous = queries(Client())
    assert not [q for q in anonymous if "visits_visit" in q or "notify_follow" in q]


def test_the_page_is_the_same_rendered_from_nothing(scene):
    from core.memo import forget_all
    from discussion.page import clear_caches

    def page():
        html = scene["alice"].get("/").content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    warm = page()
    clear_caches()
    forget_all()
    assert page() == warm and "3 new" in warm


def test_a_long_unread_discussion_is_counted_up_to_a_bound(scene, bob, post, monkeypatch):
    a = scene["a"]
    monkeypatch.setattr(marks, "MAX_COUNTED", 3)
    assert listed_new(scene["alice"])[0][a.get_absolute_url()][0] == "3 new"
    post(bob, a, "One too many")
    assert listed_new(scene["alice"])[0][a.get_absolute_url()][0] == "3+ new"
    assert listed_new(scene["alice"], "/?lang=ru")[0][a.get_absolute_url()][0] == "3+ новых"


def test_the_comments_of_members_one_ignores_are_never_new(scene, alice, bob, carol, post):
    """Of the three (bob's, carol's, a moderator's), none by a member Alice ignores."""
    from curation import actions as curation
    from discussion.models import Comment

    a = scene["a"]
    assert listed_new(scene["alice"])[0][a.get_absolute_url()][0] == "3 new"
    curation.ignore(alice, bob)
    found = listed_new(scene["alice"])[0]
    carols = Comment.objects.get(body="New two")
    assert found == {a.get_absolute_url(): ("2 new", f"{a.get_absolute_url()}#c{carols.pk}")}
    curation.ignore(alice, carol)
    assert listed_new(scene["alice"])[0][a.get_absolute_url()][0] == "1 new"
    post(bob, a, "Bob again, still ignored")
    assert listed_new(scene["alice"])[0][a.get_absolute_url()][0] == "1 new"
    assert listed_new(client_of(bob))[0] == {}  # (bob follows nothing)
