"""A new comment's number, counted from the last top-level count kept by the process, always
equals its number in the thread built from nothing, whatever happened in between."""

import pytest

from discussion import actions, live, threads
from discussion.models import Comment
from newsroom.models import Article

pytestmark = pytest.mark.django_db(transaction=True)  # counts are kept only from committed rows

Status = Comment.Status


def numbers(article) -> dict[int, int]:
    return {n.comment.pk: n.index for n in threads.build(threads.load_comments(article.pk))}


def posted_number(member, article, body="words", parent=None) -> tuple[Comment, int]:
    c = actions.post_comment(member, article, body, parent.pk if parent else None)
    return c, c.published_node.index


def order_version(article) -> int:
    return Article.objects.values_list("order_version", flat=True).get(pk=article.pk)


def test_top_level_numbers_stay_right_through_every_renumbering_change(alice, bob, moderator, article):
    made = [posted_number(alice if i % 2 else bob, article, f"top {i}")[0] for i in range(6)]
    reply = actions.post_comment(bob, article, "a reply", made[1].pk)
    assert article.pk in live._top_counts  # the count is kept after a post outside a transaction

    from moderation import actions as moderation

    def approve_held():
        Article.objects.filter(pk=article.pk).update(premoderated=True)
        article.refresh_from_db()
        held = actions.post_comment(bob, article, "awaits")
        assert held.status == Status.HELD
        Article.objects.filter(pk=article.pk).update(premoderated=False)
        article.refresh_from_db()
        posted_number(alice, article, "after the held one")  # the count is kept past it
        moderation.approve(moderator, held)

    changes = [
        ("deleted without replies: it leaves the numbering", lambda: actions.delete_comment(bob, made[0])),
        ("deleted with a reply: stays as a placeholder", lambda: actions.delete_comment(alice, made[1])),
        ("its reply deleted too: the placeholder goes", lambda: actions.delete_comment(bob, reply)),
        ("removed by a moderator: still numbered", lambda: moderation.hide(moderator, made[2], "spam")),
        ("restored", lambda: moderation.restore(moderator, made[2])),
        ("held, then approved among earlier comments", approve_held),
    ]
    for what, change in changes:
        before = order_version(article)
        change()
        assert order_version(article) > before, what
        c, number = posted_number(alice, article, f"after: {what}")
        assert number == numbers(article)[c.pk], what


def test_posts_votes_and_edits_keep_the_order_version(alice, bob, article):
    first, _ = posted_number(alice, article, "first")
    before = order_version(article)
    second, number = posted_number(bob, article, "second")
    actions.vote(alice, second, 1)
    actions.vote(bob, first, -1)
    actions.edit_comment(alice, first, "first, corrected")
    actions.post_comment(bob, article, "a reply", first.pk)
    assert order_version(article) == before
    third, number = posted_number(alice, article, "third")
    assert live._top_counts.get(article.pk)[1:] == (third.pk, 3) == (third.pk, numbers(article)[third.pk])


def test_a_kept_count_from_another_article_or_an_older_comment_is_not_used(alice, bob, article, make_article):
    other = make_article()
    for i in range(3):
        posted_number(alice, article, f"here {i}")
    c, number = posted_number(bob, other, "elsewhere")
    assert number == 1
    first = Comment.objects.filter(article=article).order_by("pk").first()
    # An older comment numbered again (as for an edit's event) counts from the start.
    assert live.node_for(first).index == 1
    c, number = posted_number(bob, article, "fourth")
    assert number == 4 == numbers(article)[c.pk]


def test_a_count_inside_a_transaction_is_not_kept(alice, article):
    from django.db import transaction

    live._top_counts.clear()
    with transaction.atomic():
        actions.post_comment(alice, article, "inside")
    assert article.pk not in live._top_counts
    c, number = posted_number(alice, article, "outside")
    assert live._top_counts.get(article.pk) == (order_version(article), c.pk, 2)


def test_an_import_renumbers(alice, bob, article):
    posted_number(alice, article, "before the import")
    before = order_version(article)
    with actions.bulk_post(article) as batch:
        draft = actions.check_import(article, "imported, deleted", None, Status.DELETED)
        gone = batch.add(bob, draft)
        batch.add(alice, actions.check_import(article, "its reply", gone))
    assert order_version(article) > before
    c, number = posted_number(alice, article, "after the import")
    assert number == numbers(article)[c.pk] == 3


def test_a_reply_reaching_a_comment_deleted_since_its_check_renumbers(alice, bob, article):
    first, _ = posted_number(alice, article, "first")
    gone, _ = posted_number(bob, article, "will be deleted")
    draft = actions.check_post(alice, article, "a reply", gone.pk)  # checked while it shows
    actions.delete_comment(bob, gone)  # no replies yet: it leaves the numbering
    posted_number(alice, article, "third, counted without it")
    before = order_version(article)
    actions.do_post(alice, article, draft)  # the reply brings it back as a placeholder
    assert order_version(article) > before
    c, number = posted_number(alice, article, "after the reply")
    assert number == numbers(article)[c.pk] == 4


def test_saving_an_article_loaded_earlier_keeps_its_counters_and_versions(alice, bob, article):
    from newsroom.actions import do_save_article

    edited = Article.objects.get(pk=article.pk)  # an editor's form, loaded before the changes
    gone, _ = posted_number(bob, article, "will be deleted")
    actions.delete_comment(bob, gone)
    stored = Article.objects.values("order_version", "thread_version", "comment_count").get(pk=article.pk)
    edited.title = "A new title"
    do_save_article(edited)
    assert Article.objects.values("order_version", "thread_version", "comment_count").get(pk=article.pk) == stored
    assert Article.objects.get(pk=article.pk).title == "A new title"
