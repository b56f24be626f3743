"""Reads go to a replica; writes, and a member's reads just after writing, to the primary."""

from django.db import connections
from django.test import RequestFactory

from core import dbrouter
from core.middleware import PrimaryPinMiddleware


def test_router_sends_reads_to_replicas_unless_pinned(monkeypatch):
    monkeypatch.setattr(dbrouter, "replicas", lambda: ["replica0"])
    monkeypatch.setattr(dbrouter, "usable", lambda alias: True)
    router = dbrouter.ReplicaRouter()
    assert router.db_for_read(None) == "replica0"
    assert router.db_for_write(None) == "default"
    dbrouter.pin_to_primary(True)
    try:
        assert router.db_for_read(None) == "default"
    finally:
        dbrouter.pin_to_primary(False)
    assert router.allow_migrate("replica0", "discussion") is False


def test_middleware_pins_writes_and_the_reads_that_follow(settings):
    settings.REPLICA_URLS = ["postgres://replica"]
    seen = []

    def view(request):
        seen.append(dbrouter.is_pinned())
        from django.http import HttpResponse

        return HttpResponse("ok")

    middleware = PrimaryPinMiddleware(view)
    rf = RequestFactory()
    middleware(rf.get("/"))
    response = middleware(rf.post("/"))
    assert response.cookies[PrimaryPinMiddleware.COOKIE]["max-age"] == dbrouter.PIN_SECONDS
    follow = rf.get("/")
    follow.COOKIES[PrimaryPinMiddleware.COOKIE] = "1"
    middleware(follow)
    assert seen == [False, True, True]
    assert not dbrouter.is_pinned()  # nothing leaks to the next request on this thread
    assert "default" in connections


def test_a_replica_that_cannot_be_reached_sends_reads_to_the_primary_for_a_while(monkeypatch):
    from django.db import OperationalError

    tries = []

    class Dead:
        def close_if_health_check_failed(self):
            pass

        def ensure_connection(self):
            tries.append(1)
            raise OperationalError("connection refused")

    monkeypatch.setattr(dbrouter, "replicas", lambda: ["replica0"])
    monkeypatch.setattr(dbrouter, "connections", {"replica0": Dead()})
    dbrouter.forget_failures()
    try:
        router = dbrouter.ReplicaRouter()
        assert router.db_for_read(None) == "default"
        assert router.db_for_read(None) == "default"
        assert len(tries) == 1  # not tried again on every read: left alone for RETRY_SECONDS
    finally:
        dbrouter.forget_failures()
