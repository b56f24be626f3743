"""New since your last visit: a returning member's page marks the comments added since they
last read the discussion — through the member page's `new` slot only, never in a shared page
— and how far they read is written once a visit begins or at most once a minute, not on
every view."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from config.tests.test_front import asgi_get, from_front, signed_in
from core import pagecache
from newsroom import viewcount
from visits import marks
from visits.models import Visit


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def marked(html, comment):
    return f"#c{comment.pk}>header{{" in html or f"#c{comment.pk}>header," in html


def stored(member, article):
    """The member's reading as written (readings ride with the page views' flush)."""
    viewcount.flush()
    return Visit.objects.get(member=member, article=article)


def away(member, article, minutes=60):
    """As if the member's last reading were `minutes` ago (a new visit begins next time)."""
    viewcount.flush()
    Visit.objects.filter(member=member, article=article).update(at=timezone.now() - timedelta(minutes=minutes))


@pytest.fixture
def alice_client(alice):
    c = Client()
    c.force_login(alice)
    return c


def test_a_first_visit_marks_nothing_and_records_the_visit(alice_client, alice, bob, article, post):
    old = post(bob, article, "Already there")
    html = page(alice_client, article)
    assert 'id="next-new"' not in html and not marked(html, old)
    assert not Visit.objects.exists()  # nothing written by the page view itself
    v = stored(alice, article)
    assert v.seen_id == v.baseline_id == old.pk


def test_comments_added_since_the_last_visit_are_marked(alice_client, alice, bob, editor, article, post):
    old = post(bob, article, "Before")
    page(alice_client, article)
    away(alice, article)
    first = post(bob, article, "After one")
    mine = post(alice, article, "My own, after")
    second = post(editor, article, "After two", parent=old)
    html = page(alice_client, article)
    assert marked(html, first) and marked(html, second)
    assert not marked(html, old) and not marked(html, mine)  # older, and their own: never new
    # In reading order: the reply to the old comment comes first, where the thread shows it.
    assert f'id="next-new" href="#c{second.pk}" data-new="{second.pk},{first.pk}"' in html
    assert "2 new comments since your last visit" in html
    # A reload within the visit keeps the marks; the next visit starts after what was shown.
    assert marked(page(alice_client, article), first)
    away(alice, article)
    html = page(alice_client, article)
    assert not marked(html, first) and 'id="next-new"' not in html


def test_the_marks_never_reach_a_shared_page_or_another_member(alice_client, alice, bob, article, post):
    page(alice_client, article)
    away(alice, article)
    fresh = post(bob, article, "New to Alice")
    assert marked(page(alice_client, article), fresh)
    anonymous = Client().get(article.get_absolute_url()).content.decode()
    assert not marked(anonymous, fresh) and "next-new" not in anonymous
    bob_client = Client()
    bob_client.force_login(bob)
    bobs = page(bob_client, article)  # his first visit, and the comment is his own
    assert not marked(bobs, fresh) and "next-new" not in bobs
    # The kept skeleton holds a slot where the marks go, not Alice's marks.
    kept = pagecache.lookup("member", article.slug, "oldest:1:en")
    assert kept is not None
    skeleton = kept[1]
    assert "new" in skeleton.slots and b"next-new" not in b"".join(skeleton.parts)


def test_how_far_they_read_is_not_written_on_every_view(alice_client, alice, bob, article, post,
                                                        django_assert_max_num_queries):
    page(alice_client, article)
    written = stored(alice, article).at
    fresh = post(bob, article, "A new one")
    page(alice_client, article)
    page(alice_client, article)
    assert stored(alice, article).at == written  # within the minute: nothing recorded
    Visit.objects.filter(member=alice, article=article).update(at=written - marks.WRITE_EVERY)
    page(alice_client, article)
    assert Visit.objects.get(member=alice, article=article).seen_id < fresh.pk  # not by the view...
    # ...but with the views: the visit's UPDATE and the views', each in a transaction (savepoints here)
    with django_assert_max_num_queries(6):
        viewcount.flush()
    v = Visit.objects.get(member=alice, article=article)
    assert v.seen_id == fresh.pk and v.at > written - marks.WRITE_EVERY


def test_a_reading_not_yet_written_is_what_the_next_view_sees(alice_client, alice, bob, article, post):
    page(alice_client, article)  # recorded, not written
    page(alice_client, article)  # reads the process's pending reading: still the first visit
    assert marks.pending.get((alice.pk, article.pk)) is not None
    assert stored(alice, article).seen_id == 0 and marks.pending.get((alice.pk, article.pk)) is None


def test_a_hidden_comment_is_not_marked_nor_revealed(alice_client, alice, bob, moderator, article, post):
    from discussion import actions

    page(alice_client, article)
    away(alice, article)
    gone = post(bob, article, "Soon removed")
    actions.do_set_status(gone, "removed", "spam")
    html = page(alice_client, article)
    assert "next-new" not in html and "Soon removed" not in html


def test_an_editor_previewing_a_draft_records_no_visit(client, editor, make_article):
    draft = make_article(state="draft")
    client.force_login(editor)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert not Visit.objects.exists()


def test_new_counts_for_the_front_page_hook(alice, bob, make_article, post):
    a, b = make_article(), make_article()
    post(bob, a, "Seen")
    Visit.objects.create(member=alice, article=a, seen_id=a.comments.get().pk, baseline_id=0)  # as written
    post(bob, a, "Unseen one")
    removed = post(bob, a, "Unseen but removed")
    from discussion import actions

    actions.do_set_status(removed, "removed", "spam")
    post(bob, b, "Never visited")
    unseen = a.comments.get(body="Unseen one")
    assert marks.new_counts(alice.pk, [a.pk, b.pk]) == {a.pk: (1, unseen.pk)}
    assert marks.new_counts(alice.pk, []) == {}


@pytest.fixture
def front_connections_closed(transactional_db):
    """The front reads in the event loop's executor threads, whose connections outlive the
    test; on PostgreSQL they would keep the test database from being dropped."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.mark.usefixtures("front_connections_closed")
def test_the_front_fills_the_marks_without_django(alice, bob, article, post):
    pagecache.SLUGS.clear()
    old = post(bob, article, "Before")
    alice_client, alice_cookies = signed_in(alice)
    alice_client.get(article.get_absolute_url())  # the first visit, and the skeleton is kept
    away(alice, article)
    fresh = post(bob, article, "After")
    Client().get(article.get_absolute_url())  # a page of the new generation...
    bob_client, _ = signed_in(bob)
    bob_client.get(article.get_absolute_url())  # ...and its member skeleton, kept
    status, headers, html = asgi_get(article.get_absolute_url(), alice_cookies)
    assert status == 200 and from_front(headers)
    assert marked(html, fresh) and not marked(html, old) and 'id="next-new"' in html
    status, headers, html = asgi_get(article.get_absolute_url(), alice_cookies)  # from memory now
    assert from_front(headers) and marked(html, fresh)
