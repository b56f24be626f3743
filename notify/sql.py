"""The one statement notifications write by hand: many rows at once for a fan-out, where the
ORM's bulk_create spent seconds building 10,000 model instances. Plain SQL both SQLite
(3.24+) and PostgreSQL run; a row already there (a repeated task) is skipped."""

INSERT = (
    'INSERT INTO notify_notification (recipient_id, kind, comment_id, actor_id, article_id, "key", decision, created) '
    "VALUES (%s, %s, %s, %s, %s, '', '', %s) "
    'ON CONFLICT (recipient_id, kind, comment_id, "key") DO NOTHING'
)
