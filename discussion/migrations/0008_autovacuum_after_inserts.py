"""PostgreSQL: comments and votes are tables written mostly by inserts, and the newest rows
are the hot discussions'. By default autovacuum visits such a table after 20 % of it is new
(200,000 comments on a table of a million); until then the new rows are not marked visible
to all, and the index-only counts of posting and paging fetch each of them from the table
(numbering a new comment among thousands of recent siblings took 5 ms instead of 0.5).
Visiting after 1 % new keeps them cheap; a vacuum of an insert-only table reads only the
new pages. SQLite has no such thing: nothing to do."""

from django.db import migrations

TABLES = ("discussion_comment", "discussion_vote")


SETTINGS = "autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02"


def _alter(schema_editor, change: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'ALTER TABLE "{table}" {change}')


def tune(apps, schema_editor):
    _alter(schema_editor, f"SET ({SETTINGS})")


def untune(apps, schema_editor):
    _alter(schema_editor, "RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("discussion", "0007_comment_removals_index")]
    operations = [migrations.RunPython(tune, untune)]
