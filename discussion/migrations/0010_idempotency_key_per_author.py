"""A comment's idempotency key is unique per author and article, not site-wide: a second member
sending a key already used by another was refused with a database error. Rows written under
the site-wide rule are unique under this one too."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('discussion', '0009_fewer_indexes'),
        ('newsroom', '0002_order_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='comment',
            name='discussion_comment_idempotency_key',
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.UniqueConstraint(condition=models.Q(('idempotency_key__isnull', False)), fields=('author', 'article', 'idempotency_key'), name='discussion_comment_idempotency_key_per_author'),
        ),
    ]
