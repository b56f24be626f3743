"""The roles: moderators moderate; editors also write and publish; administrators do all."""

from django.db import migrations

ROLES = {
    "Moderators": [("moderation", "moderate")],
    "Editors": [("moderation", "moderate"), ("newsroom", "add_article"), ("newsroom", "change_article"),
                ("newsroom", "view_article"), ("newsroom", "add_tag"), ("newsroom", "change_tag"),
                ("newsroom", "view_tag"), ("newsroom", "view_section"), ("newsroom", "view_author"),
                ("newsroom", "add_author"), ("newsroom", "change_author")],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # A migration's historical apps have no models module, which create_permissions
        # needs; given as it was after (tests call this with the project's own apps, whose
        # modules must stay: Django's post_migrate creates permissions through them).
        before = getattr(app_config, "models_module", None)
        app_config.models_module = before or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = before
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm:
                group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("newsroom", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
