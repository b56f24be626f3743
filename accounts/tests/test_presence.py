"""Presence ends with sign-out: not Online for a window after the member left. Runs in both
modes: the process's own marks (SQLite pass) and Redis's (PostgreSQL + Redis pass)."""

import pytest
from django.test import Client

from accounts import presence
from core import memo


@pytest.fixture
def published(monkeypatch):
    from live.broker import get_broker

    events = []
    monkeypatch.setattr(get_broker(), "publish", lambda event: events.append(dict(event)) or "1")
    return events


def _online(member) -> bool:
    return presence.online_ids([member.pk]) == {member.pk}


@pytest.mark.parametrize("door", ["/signout/", "/admin/logout/"])
def test_signing_out_ends_presence_at_once(client, make_member, published, door,
                                           django_capture_on_commit_callbacks):
    memo.forget_all()
    member = make_member("leaver", is_staff=True)
    client.force_login(member)
    client.get("/")
    assert _online(member)
    with django_capture_on_commit_callbacks(execute=True):  # open pages are told at once
        client.post(door)
    assert not _online(member)
    assert presence._get(member.pk) is None  # nothing left in the process or in Redis
    assert member.pk not in presence._marked
    assert {"type": "presence", "article": None, "member": member.pk, "online": False,
            "until": 0} in [{k: v for k, v in e.items() if k != "id"} for e in published]
    assert Client().get("/api/v1/presence/", {"ids": str(member.pk)}).json()["online"] == {}


def test_another_session_still_in_use_comes_back_online(client, alice):
    memo.forget_all()
    other = Client()
    other.force_login(alice)
    client.force_login(alice)
    client.get("/")
    client.post("/signout/")
    assert not _online(alice)
    presence._marked.clear()  # as another process, which remembers no mark of its own
    other.get("/")
    assert _online(alice)


def test_signing_out_someone_else_leaves_others_online(client, alice, bob):
    memo.forget_all()
    Client().force_login(bob)
    reader = Client()
    reader.force_login(bob)
    reader.get("/")
    client.force_login(alice)
    client.get("/")
    client.post("/signout/")
    assert presence.online_ids([alice.pk, bob.pk]) == {bob.pk}
