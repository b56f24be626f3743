from django.db import migrations, models


def mark(apps, schema_editor):
    Member = apps.get_model("accounts", "Member")
    Ban = apps.get_model("moderation", "Ban")
    banned = Ban.objects.filter(lifted=None).values_list("member_id", flat=True)
    Member.objects.filter(pk__in=banned).update(ban_on_file=True)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_member_session_epoch"),
        ("moderation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="ban_on_file",
            field=models.BooleanField(default=False, editable=False,
                                      help_text="A ban not lifted exists (it may have run out): only then is it looked up."),
        ),
        migrations.RunPython(mark, migrations.RunPython.noop),
    ]
