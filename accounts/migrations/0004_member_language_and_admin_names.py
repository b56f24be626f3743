# The member's chosen language (Member.language) and the names the admin shows, translated.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_member_ban_on_file'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='member',
            options={'ordering': ['login'], 'verbose_name': 'member', 'verbose_name_plural': 'members'},
        ),
        migrations.AddField(
            model_name='member',
            name='language',
            field=models.CharField(blank=True, choices=[('en', 'English'), ('ru', 'Русский')], default='', max_length=8, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='member',
            name='about',
            field=models.TextField(blank=True, max_length=2000, verbose_name='about'),
        ),
        migrations.AlterField(
            model_name='member',
            name='comment_count',
            field=models.PositiveIntegerField(default=0, verbose_name='comments'),
        ),
        migrations.AlterField(
            model_name='member',
            name='date_joined',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='joined'),
        ),
        migrations.AlterField(
            model_name='member',
            name='email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='e-mail'),
        ),
        migrations.AlterField(
            model_name='member',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='active'),
        ),
        migrations.AlterField(
            model_name='member',
            name='is_deleted',
            field=models.BooleanField(default=False, help_text='A deleted account: its comments stay, without presence or profile.', verbose_name='deleted'),
        ),
        migrations.AlterField(
            model_name='member',
            name='is_imported',
            field=models.BooleanField(default=False, help_text='Created by an import; cannot sign in until claimed.', verbose_name='imported'),
        ),
        migrations.AlterField(
            model_name='member',
            name='is_staff',
            field=models.BooleanField(default=False, verbose_name='staff'),
        ),
        migrations.AlterField(
            model_name='member',
            name='last_seen',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last seen'),
        ),
        migrations.AlterField(
            model_name='member',
            name='login',
            field=models.CharField(max_length=32, unique=True, verbose_name='login'),
        ),
        migrations.AlterField(
            model_name='member',
            name='rating',
            field=models.IntegerField(default=0, help_text="Sum of plus minus minus over the member's comments.", verbose_name='rating'),
        ),
        migrations.AlterField(
            model_name='member',
            name='real_name',
            field=models.CharField(blank=True, max_length=64, verbose_name='real name'),
        ),
        migrations.AlterField(
            model_name='member',
            name='replies_seen_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='replies seen at'),
        ),
    ]
