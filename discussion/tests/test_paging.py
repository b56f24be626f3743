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
    assert '<span class="num">3.</span>' in html2 and '<span class="num">4.</span>' in html2
    html3 = client.get(article.get_absolute_url(), {"p": 3}).content.decode()
    assert "root 4" in html3 and '<span class="num">5.</span>' in html3
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
    with django_assert_max_num_queries(10):
        client.get(article.get_absolute_url(), {"p": 3})
    assert Comment.objects.count() == 24
