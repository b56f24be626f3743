"""Long discussions show by pages of top-level comments, numbered as in the whole."""

import pytest

from discussion import actions, page, threads
from discussion.models import Comment


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(threads, "WHOLE_LIMIT", 5)
    monkeypatch.setattr(threads, "PAGE_ROOTS", 2)


def test_pages_keep_whole_discussion_numbers_and_subthreads(client, small_pages, alice, bob, article, post):
    roots = [post(alice, article, f"root {i}") for i in range(5)]
    reply = post(bob, article, "reply to root 2", parent=roots[2])
    deep = post(alice, article, "deeper", parent=reply)
    article.refresh_from_db()
    assert page.paged(article)
    html2 = client.get(article.get_absolute_url(), {"p": 2}).content.decode()
    assert "root 2" in html2 and "root 3" in html2 and "root 0" not in html2 and "root 4" not in html2
    assert "reply to root 2" in html2 and "deeper" in html2
    assert 'class="num">3.</a>' in html2 and 'class="num">4.</a>' in html2
    html3 = client.get(article.get_absolute_url(), {"p": 3}).content.decode()
    assert "root 4" in html3 and 'class="num">5.</a>' in html3
    assert 'aria-current="page">3<' in html3
    # Out-of-range and junk pages fall back to a real page.
    assert "root 4" in client.get(article.get_absolute_url(), {"p": 99}).content.decode()
    assert "root 0" in client.get(article.get_absolute_url(), {"p": "x"}).content.decode()
    newest = client.get(article.get_absolute_url(), {"order": "newest"}).content.decode()
    assert "root 4" in newest and "root 3" in newest and "root 0" not in newest
    assert deep.root_id == roots[2].pk and reply.root_id == roots[2].pk


def test_paged_numbers_skip_what_is_not_shown(small_pages, alice, bob, article, post):
    roots = [post(alice, article, f"root {i}") for i in range(6)]
    post(bob, article, "keeps it", parent=roots[1])
    actions.delete_comment(alice, roots[1])  # stays as a placeholder: it has a reply
    actions.delete_comment(alice, roots[0])  # goes: no replies
    rp = threads.root_page(article.pk, "oldest", 1)
    nodes = threads.build(rp.comments, "oldest", root_numbers=rp.root_numbers)
    assert [(n.comment.pk, n.number) for n in nodes if n.depth == 0] == [(roots[1].pk, "1"), (roots[2].pk, "2")]
    assert rp.count == 3


def test_page_query_count_does_not_grow(client, small_pages, alice, article, post, django_assert_max_num_queries):
    from discussion.page import clear_caches

    for i in range(12):
        r = post(alice, article, f"root {i}")
        post(alice, article, "reply", parent=r)
    clear_caches()
    # 11: the page's 8, and a render from nothing reads curation's picks and pin (1), who holds
    # a badge's role (1, then kept) and the commenters' ranks (1): none grows with comments.
    with django_assert_max_num_queries(11):
        client.get(article.get_absolute_url(), {"p": 3})
    assert Comment.objects.count() == 24


def test_paged_held_comments_best_order_and_removals(small_pages, alice, bob, moderator, article, post):
    """A page of a long discussion: the viewer's own held comment is theirs alone, the best
    order ranks by votes, and the removals summary counts by reason."""
    from discussion.page import summary_of_article

    roots = [post(bob, article, f"root {i}") for i in range(5)]
    type(article).objects.filter(pk=article.pk).update(premoderated=True)  # counters stay as they are
    article.refresh_from_db()
    held = post(alice, article, "mine, awaiting moderation")
    assert held.status == Comment.Status.HELD
    pages_alice = [threads.root_page(article.pk, "oldest", p, viewer_id=alice.pk) for p in (1, 2, 3)]
    pages_bob = [threads.root_page(article.pk, "oldest", p, viewer_id=bob.pk) for p in (1, 2, 3)]
    assert any(c.pk == held.pk for rp in pages_alice for c in rp.comments)
    assert not any(c.pk == held.pk for rp in pages_bob for c in rp.comments)
    assert pages_alice[0].count == 3 and pages_bob[0].count == 3
    actions.do_vote(alice, roots[3], 1)
    best = threads.root_page(article.pk, "best", 1)
    best_nodes = threads.build(best.comments, "best", root_numbers=best.root_numbers)
    assert best_nodes[0].comment.pk == roots[3].pk and best_nodes[0].number == "4"
    from moderation import actions as moderation_actions

    moderation_actions.hide(moderator, roots[0], "spam")
    article.refresh_from_db()
    assert summary_of_article(article).startswith("1 comment removed by moderators: 1 spam")
