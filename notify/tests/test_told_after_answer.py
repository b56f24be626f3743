"""In the embedded mode a post answers before its followers are told: the server tells them in
its background thread (core.background), not inside the posting request."""

import threading

import pytest
from django.test import Client

from core import queue
from core.background import background
from notify import telling
from notify.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)  # the thread reads what the post committed


@pytest.fixture
def in_thread(settings):
    if queue.mode() == "redis":
        pytest.skip("with Redis the telling is a queued task (core/tests/test_queue.py)")
    settings.VECHE_TELL_IN_THREAD = True
    started = background.started
    background.started = True  # as a server's lifespan leaves it (config.front)
    yield
    background.flush()
    background.started = started


def test_a_post_answers_before_its_followers_are_told(in_thread, alice, bob, article, post, monkeypatch):
    first = post(alice, article, "Alice speaks.")
    background.flush()
    release, started = threading.Event(), threading.Event()
    real = telling.tell_of_comment

    def slow_telling(*args, **kwargs):
        started.set()
        assert release.wait(10), "the test never let the telling go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(telling, "tell_of_comment", slow_telling)
    bob_client = Client()
    bob_client.force_login(bob)
    answer = bob_client.post(f"/articles/{article.slug}/comments/", {"body": "Bob answers.", "parent": first.pk},
                             HTTP_ACCEPT="application/json")
    assert answer.status_code == 201  # answered while the telling still waits
    assert started.wait(10), "the telling was never handed to the background thread"
    assert not Notification.objects.filter(recipient=alice).exists()  # not told inside the request
    release.set()
    background.flush()
    assert list(Notification.objects.filter(recipient=alice).values_list("kind", flat=True)) == ["reply"]
    assert not Notification.objects.filter(recipient=bob).exists()  # never oneself


def test_a_failure_in_the_thread_does_not_stop_what_follows(in_thread, alice, bob, article, post, monkeypatch):
    first = post(alice, article, "Alice speaks.")
    background.flush()
    calls = []
    real = telling.tell_of_comment

    def failing_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("the first telling fails")
        return real(*args, **kwargs)

    monkeypatch.setattr(telling, "tell_of_comment", failing_once)
    post(bob, article, "First reply.", parent=first)
    post(bob, article, "Second reply.", parent=first)
    background.flush()
    assert len(calls) == 2
    assert Notification.objects.filter(recipient=alice, kind="reply").count() == 1  # the second one


def test_a_process_that_is_not_a_server_tells_at_once(settings, alice, bob, article, post, monkeypatch):
    """An import or a script may exit as soon as it has posted: no thread of its own to wait for."""
    if queue.mode() == "redis":
        pytest.skip("with Redis the telling is a queued task")
    settings.VECHE_TELL_IN_THREAD = True
    monkeypatch.setattr(background, "started", False)
    handed = []
    monkeypatch.setattr(background.queue, "put", handed.append)
    first = post(alice, article, "Alice speaks.")
    post(bob, article, "Bob answers.", parent=first)
    assert handed == []  # nothing left for a thread
    assert list(Notification.objects.filter(recipient=alice).values_list("kind", flat=True)) == ["reply"]


def test_a_server_starts_the_thread_with_its_lifespan(monkeypatch):
    import asyncio

    from config.front import Front

    monkeypatch.setattr(background, "started", False)
    monkeypatch.setattr("atexit.register", lambda fn: None)
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent = []

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message["type"])

    asyncio.run(Front._lifespan(receive, send))
    assert background.started
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_the_thread_keeps_sqlites_connection_between_tasks_and_gives_a_servers_back(in_thread):
    """Opening SQLite's connection again (its pragmas, Django's functions) was a millisecond of
    every post's telling: the thread keeps it between tasks, as a request thread does. A
    database server's connection it gives back once nothing waits."""
    from django.db import connection

    if connection.settings_dict["CONN_MAX_AGE"] == 0:
        pytest.skip("VECHE_DB_CONN_MAX_AGE=0: every thread closes its connection after each use")
    seen = []

    def task():
        connection.ensure_connection()
        seen.append((connection.vendor, connection.connection))

    for _ in range(3):
        background.submit(task)
        background.flush()  # each task alone: nothing waits after it
    assert len(seen) == 3
    handles = {id(handle) for _vendor, handle in seen}
    if seen[0][0] == "sqlite":
        assert len(handles) == 1
    else:
        assert len(handles) == 3  # (a new connection each time: the last was closed)
