"""What other apps hear of comments being written: each write once, inside its transaction,
and nothing for a write that was refused or rolled back."""

import pytest
from django.db import transaction

from core.errors import ActionError
from discussion import actions, signals
from discussion.actions.bulk import bulk_post
from discussion.actions.posting import check_import
from discussion.models import Comment

Status = Comment.Status


@pytest.fixture
def heard():
    events = []

    def on_written(sender, comment, what, old_status, **kw):
        events.append((what, comment.pk, old_status, comment.status, transaction.get_connection().in_atomic_block))

    def on_imported(sender, article_id, comment_ids, **kw):
        events.append(("imported", article_id, tuple(comment_ids)))

    signals.comment_written.connect(on_written)
    signals.comments_imported.connect(on_imported)
    yield events
    signals.comment_written.disconnect(on_written)
    signals.comments_imported.disconnect(on_imported)


def test_post_edit_and_status_are_each_heard_once_inside_the_transaction(alice, moderator, article, post, heard):
    c = post(alice, article, "First words")
    actions.edit_comment(alice, c, "Second words")
    actions.do_set_status(c, Status.REMOVED, "spam", destroy_text=True)
    assert heard == [
        ("posted", c.pk, None, Status.VISIBLE, True),
        ("edited", c.pk, Status.VISIBLE, Status.VISIBLE, True),
        ("status", c.pk, Status.VISIBLE, Status.REMOVED, True),
    ]


def test_a_refused_post_or_a_rolled_back_one_is_not_heard(alice, article, post, heard):
    with pytest.raises(ActionError):
        post(alice, article, "   ")
    assert heard == []
    with pytest.raises(RuntimeError), transaction.atomic():
        post(alice, article, "Never kept")
        raise RuntimeError
    # heard inside the transaction; the receiver's own rows went with it
    assert [e[0] for e in heard] == ["posted"]
    assert not Comment.objects.exists()


def test_an_import_is_heard_once_per_batch_with_every_id(alice, article, heard):
    with bulk_post(article) as batch:
        a = batch.add(alice, check_import(article, "one", None))
        b = batch.add(alice, check_import(article, "two", None, Status.REMOVED))
    assert heard == [("imported", article.pk, (a.pk, b.pk))]
    assert not [e for e in heard if e[0] in ("posted", "status")]
