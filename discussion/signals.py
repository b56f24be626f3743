"""What other apps hear of comments being written, so that they keep in step without the
discussion's actions knowing them (a search index, notifications, webhooks).

Both signals are sent by discussion.actions only, inside the transaction that writes the
rows: a receiver that keeps derived rows in step (an index) writes there and then, so it
commits or rolls back with the comment; a receiver that reaches outside (a task, an e-mail,
a webhook) defers itself with `transaction.on_commit`.

- `comment_written(sender=Comment, comment, what, old_status)` — one comment: `what` is
  "posted", "edited" or "status"; `old_status` is its status before (None when posted).
  A removal that destroys the text is a "status" change whose comment has an empty body.
- `comments_imported(sender=Comment, article_id, comment_ids)` — many comments written at
  once by an import (discussion.actions.bulk), with their final statuses, in id order.
"""

from django.dispatch import Signal

comment_written = Signal()
comments_imported = Signal()

POSTED, EDITED, STATUS = "posted", "edited", "status"
