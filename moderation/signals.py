"""What other apps hear of moderation (webhooks, notifications), sent by moderation.actions
only, inside the transaction that writes the rows — a receiver that reaches outside defers
itself with `transaction.on_commit` (as discussion.signals).

- `report_filed(sender=Report, report)` — a member reported a comment.
- `member_banned(sender=Ban, ban)` — a moderator banned a member.
"""

from django.dispatch import Signal

report_filed = Signal()
member_banned = Signal()
