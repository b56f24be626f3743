"""The index's tables, made by hand for each database (search.sql.DDL). A site that had
comments before this migration fills them once with `veche search-rebuild` (docs/search.md):
a migration must not read today's models, which later migrations may change."""

from django.db import migrations, models


def create(apps, schema_editor):
    from search.sql import DDL

    for statement in DDL[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    from search.sql import DROP

    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("discussion", "0010_idempotency_key_per_author"),
        ("newsroom", "0002_order_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CommentEntry",
                    fields=[
                        ("comment_id", models.BigIntegerField(primary_key=True, serialize=False)),
                        ("config", models.CharField(max_length=32)),
                        ("document", models.TextField()),
                    ],
                    options={"db_table": "search_comment", "verbose_name_plural": "comment entries"},
                ),
                migrations.CreateModel(
                    name="ArticleEntry",
                    fields=[
                        ("article_id", models.BigIntegerField(primary_key=True, serialize=False)),
                        ("config", models.CharField(max_length=32)),
                        ("document", models.TextField()),
                    ],
                    options={"db_table": "search_article", "verbose_name_plural": "article entries"},
                ),
            ],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]
