"""Fewer indexes on comments, each written on every post: the author's lookups are served by
the (author, id) index, status by a partial index of held comments (the moderation queue), the
idempotency and source keys are unique where given, and the unused pattern indexes are gone."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('discussion', '0008_autovacuum_after_inserts'),
        ('newsroom', '0002_order_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='comment',
            name='author',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='comments', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='comment',
            name='idempotency_key',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name='comment',
            name='source_key',
            field=models.CharField(blank=True, help_text='The id of an imported comment in its source.', max_length=200, null=True),
        ),
        migrations.AlterField(
            model_name='comment',
            name='status',
            field=models.CharField(choices=[('visible', 'Visible'), ('held', 'Awaiting moderation'), ('deleted', 'Deleted by its author'), ('removed', 'Removed by a moderator')], default='visible', max_length=8),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('status', 'held')), fields=['id'], name='discussion_comment_held'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.UniqueConstraint(condition=models.Q(('idempotency_key__isnull', False)), fields=('idempotency_key',), name='discussion_comment_idempotency_key'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.UniqueConstraint(condition=models.Q(('source_key__isnull', False)), fields=('source_key',), name='discussion_comment_source_key'),
        ),
    ]
