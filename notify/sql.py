"""The statements notifications write by hand, plain SQL both SQLite (3.24+) and PostgreSQL
run: many rows at once for a fan-out (the ORM's bulk_create spent seconds building 10,000
model instances; a row already there, a repeated task, is skipped), and the reads of every
post's fan-out."""

INSERT = (
    'INSERT INTO notify_notification (recipient_id, kind, comment_id, actor_id, article_id, "key", decision, created) '
    "VALUES (%s, %s, %s, %s, %s, '', '', %s) "
    'ON CONFLICT (recipient_id, kind, comment_id, "key") DO NOTHING'
)

# Whether a commenter follows the discussion already, and whether they want commenting to
# follow it (NULL: no preferences, the default yes): one read per post (notify.telling).
FOLLOWING = ("SELECT (SELECT follow_when_commenting FROM notify_preferences WHERE member_id = %s), "
             "EXISTS (SELECT 1 FROM notify_follow WHERE member_id = %s AND article_id = %s)")

# Who a public comment concerns (notify.telling.recipients_of and tell_of_comment): a read
# each, written out as they run in the fan-out of every post (compiled through the ORM they
# cost more than the rest of the fan-out together).
PARENT_AUTHOR = "SELECT author_id FROM discussion_comment WHERE id = %s"
QUOTED_AUTHORS = ("SELECT c.author_id FROM discussion_quote q JOIN discussion_comment c ON c.id = q.source_comment_id "
                  "WHERE q.comment_id = %s")
# The discussion's active followers without a pending "followed" notification of an earlier
# public comment there (notify.telling.pending_followed, the same rule; its partial index).
FOLLOWERS_TO_TELL = (
    "SELECT f.member_id FROM notify_follow f JOIN accounts_member m ON m.id = f.member_id "
    "WHERE f.article_id = %s AND m.is_active AND NOT m.is_deleted AND NOT EXISTS ("
    "SELECT 1 FROM notify_notification n JOIN discussion_comment c ON c.id = n.comment_id "
    "WHERE n.article_id = %s AND n.recipient_id = f.member_id AND n.kind = 'followed' AND n.read_at IS NULL "
    "AND n.email_id IS NULL AND c.status = 'visible' AND n.comment_id < %s)"
)
TOLD_OF = ("SELECT recipient_id FROM notify_notification WHERE comment_id = %s "
           "AND kind IN ('reply', 'quote', 'mention', 'followed')")
