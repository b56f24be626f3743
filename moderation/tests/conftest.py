import pytest
from django.contrib.auth.models import Group


@pytest.fixture
def moderator(make_member):
    m = make_member("mod")
    m.groups.add(Group.objects.get(name="Moderators"))
    return m


@pytest.fixture
def editor(make_member):
    m = make_member("editor")
    m.groups.add(Group.objects.get(name="Editors"))
    return m
