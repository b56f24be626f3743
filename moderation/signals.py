"""What other apps hear of moderators' decisions (notifications tell the members concerned).
Sent by moderation.actions inside the decision's transaction; a receiver that reaches
outside defers itself with `transaction.on_commit`.

- `decided(sender=Comment, comment, action, moderator_id, entry_id)` — a moderator approved
  a held comment, or hid, restored, deleted or edited one (`action`, as in the log).
- `reports_resolved(sender=Comment, comment, reporter_ids, decision, moderator_id)` — the
  open reports on `comment` were closed by `decision` ("kept", "hide", "delete", "edit").
"""

from django.dispatch import Signal

decided = Signal()
reports_resolved = Signal()
