"""The index listens to the actions (discussion.signals, newsroom.signals): each receiver
runs inside the transaction of the write it hears."""

from discussion import signals as discussion_signals
from newsroom import signals as newsroom_signals
from search import index


def on_comment_written(sender, comment, what, old_status, **kwargs):
    if what == discussion_signals.STATUS and comment.body and old_status is not None:
        return  # the text is the same; who may read it is decided when searching
    index.comment(comment)


def on_comments_imported(sender, article_id, comment_ids, **kwargs):
    index.comment_ids(article_id, list(comment_ids))


def on_article_saved(sender, article, **kwargs):
    index.article(article)


def connect() -> None:
    discussion_signals.comment_written.connect(on_comment_written, dispatch_uid="search.comment_written")
    discussion_signals.comments_imported.connect(on_comments_imported, dispatch_uid="search.comments_imported")
    newsroom_signals.article_saved.connect(on_article_saved, dispatch_uid="search.article_saved")


def disconnect() -> None:
    """For the benchmark's figure of what the index costs a post."""
    discussion_signals.comment_written.disconnect(dispatch_uid="search.comment_written")
    discussion_signals.comments_imported.disconnect(dispatch_uid="search.comments_imported")
    newsroom_signals.article_saved.disconnect(dispatch_uid="search.article_saved")
