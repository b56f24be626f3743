"""Events that name members (a notification's unread count changed) reach only those members'
own streams, and without the names: who follows a discussion or reported a comment is nobody
else's business."""

from live.stream import for_reader

EVENT = {"type": "notify.unread", "article": None, "members": [2, 5], "id": "7-0"}


def test_a_named_member_gets_it_without_the_names():
    assert for_reader(EVENT, 2) == {"type": "notify.unread", "article": None, "id": "7-0"}


def test_anyone_else_gets_nothing():
    assert for_reader(EVENT, None) is None
    assert for_reader(EVENT, 3) is None


def test_other_events_pass_as_they_are():
    comment = {"type": "comment.vote", "article": 4, "comment": 9, "plus": 1, "minus": 0}
    assert for_reader(comment, None) is comment and for_reader(comment, 2) is comment
