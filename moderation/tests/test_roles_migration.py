"""The roles' migration function, which tests also run with the project's own apps (conftest.role):
it must leave those apps as they were, or Django's post_migrate (after a test that empties the
tables) and every later creation of permissions silently do nothing."""

import importlib

import pytest
from django.apps import apps


@pytest.mark.django_db
def test_writing_the_roles_with_the_projects_apps_leaves_them_as_they_were():
    before = {c.label: c.models_module for c in apps.get_app_configs()}
    importlib.import_module("moderation.migrations.0002_roles").create_roles(apps, None)
    assert {c.label: c.models_module for c in apps.get_app_configs()} == before


@pytest.mark.django_db
def test_permissions_can_be_written_again_after_the_roles_were():
    from django.contrib.auth.models import Permission

    from conftest import permission

    importlib.import_module("moderation.migrations.0002_roles").create_roles(apps, None)
    Permission.objects.filter(codename="change_article").delete()
    assert permission("change_article").codename == "change_article"
