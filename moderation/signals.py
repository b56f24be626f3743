"""What other apps hear of moderation (notifications, webhooks), sent by moderation.actions
only, inside the transaction that writes the rows; a receiver that reaches outside defers
itself with `transaction.on_commit` (as discussion.signals).

- `decided(sender=Comment, comment, action, moderator_id, entry_id)` — a moderator approved
  a held comment, or hid, restored, deleted or edited one (`action`, as in the log).
- `reports_resolved(sender=Comment, comment, reporter_ids, decision, moderator_id)` — the
  open reports on `comment` were closed by `decision` ("kept", "hide", "delete", "edit").
- `report_filed(sender=Report, report)` — a member reported a comment.
- `member_banned(sender=Ban, ban)` — a moderator banned a member.
"""

from django.dispatch import Signal

decided = Signal()
reports_resolved = Signal()
report_filed = Signal()
member_banned = Signal()
