"""Every change to the discussion: post, edit, delete, vote — by concern:

- `posting`: a comment checked and written;
- `bulk`: many at once, for importers;
- `editing`: a comment's text and status after it is posted (moderators' too);
- `voting`: votes, their quarantine and release;
- `common`: the article's lock, the counters and the versions (newsroom.versions) they share.

`check_*` validates and checks permission; `do_*` writes, updates counters and versions and
publishes a live event after commit. Views, the API, importers, moderation and commands all
come through here.
"""

from discussion.actions.bulk import BulkPost, bulk_post
from discussion.actions.common import author_changed, one_thread_change
from discussion.actions.editing import (
    check_edit,
    delete_comment,
    do_edit,
    do_set_status,
    edit_comment,
)
from discussion.actions.posting import (
    Draft,
    check_import,
    check_post,
    clean_body,
    describe_source,
    do_post,
    post_comment,
    preview_comment,
)
from discussion.actions.voting import (
    MINUS_SCREENS,
    RATING_MOVED,
    check_vote,
    do_count_vote,
    do_vote,
    vote,
    vote_delta,
)

__all__ = [
    "MINUS_SCREENS", "RATING_MOVED", "BulkPost", "Draft", "author_changed", "bulk_post", "check_edit", "check_import",
    "check_post", "check_vote", "clean_body", "delete_comment", "describe_source", "do_count_vote",
    "do_edit", "do_post", "do_set_status", "do_vote", "edit_comment", "one_thread_change",
    "post_comment", "preview_comment", "vote", "vote_delta",
]
