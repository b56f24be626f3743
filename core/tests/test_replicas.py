"""Reads go to a replica; writes, and a member's reads just after writing, to the primary."""

from django.db import connections
from django.test import RequestFactory

from core import dbrouter
from core.middleware import PrimaryPinMiddleware


def test_router_sends_reads_to_replicas_unless_pinned(monkeypatch):
    from types import SimpleNamespace

    monkeypatch.setattr(dbrouter, "settings", SimpleNamespace(DATABASES={"default": {}, "replica0": {}}))
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
