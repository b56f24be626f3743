"""The one statement notifications write by hand: many rows at once for a fan-out, where the
ORM's bulk_create spent seconds building 10,000 model instances. Plain SQL both SQLite
(3.24+) and PostgreSQL run; a row already there (a repeated task) is skipped."""

INSERT = (
    'INSERT INTO notify_notification (recipient_id, kind, comment_id, actor_id, article_id, "key", decision, created) '
    "VALUES (%s, %s, %s, %s, %s, '', '', %s) "
    'ON CONFLICT (recipient_id, kind, comment_id, "key") DO NOTHING'
)

# Whether a commenter follows the discussion already, and whether they want commenting to
# follow it (NULL: no preferences, the default yes): one read per post (notify.telling).
FOLLOWING = ("SELECT (SELECT follow_when_commenting FROM notify_preferences WHERE member_id = %s), "
             "EXISTS (SELECT 1 FROM notify_follow WHERE member_id = %s AND article_id = %s)")
