"""The actions' Status is Comment.Status, described for the type checker by a protocol
(discussion.actions.common.Statuses): the two name the same statuses, each a plain str."""

from typing import get_type_hints

from discussion import actions
from discussion.actions.common import Status, Statuses
from discussion.models import Comment


def test_the_statuses_the_type_checker_reads_are_the_models():
    assert set(get_type_hints(Statuses)) == set(Comment.Status.names)
    assert Status is Comment.Status  # a cast: nothing else at run time
    for name in Comment.Status.names:
        assert isinstance(getattr(Status, name), str)
        assert getattr(Status, name) == getattr(Comment.Status, name).value


def test_a_comment_its_author_deletes_is_stored_as_deleted_not_as_a_pair(alice, article, post):
    """mypy read `Status.DELETED` (delete_comment → do_set_status) as the ("deleted", label)
    pair a TextChoices member is written as; it is the str "deleted", and so is the row."""
    c = post(alice, article, "soon gone")
    actions.delete_comment(alice, c)
    assert c.status == "deleted"
    assert Comment.objects.values_list("status", flat=True).get(pk=c.pk) == "deleted"
