"""The moderation queue finds open reports through a partial index of them, which SQLite and
PostgreSQL both use; the (resolved, comment) index it replaces was not used by SQLite."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('moderation', '0003_logentry_plural'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='report',
            name='moderation__resolve_9f7499_idx',
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(condition=models.Q(('resolved__isnull', True)), fields=['id'], name='moderation_report_open'),
        ),
    ]
