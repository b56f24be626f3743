"""/healthz and /readyz: what a load balancer asks. Each readiness check failing answers 503
and names it; the body carries no address, password or exception text; neither is ever
cached nor rate limited, and both answer a probe by address over plain http in production."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from ops import readiness
from ops.tests.helpers import closed_port

SECRET = "s3cret-Pa55word"


def get(client, path, **extra):
    r = client.get(path, **extra)
    return r, json.loads(r.content)


def assert_never_cached(r):
    assert "no-store" in r["Cache-Control"]
    assert "public" not in r["Cache-Control"] and "max-age=0" in r["Cache-Control"]


def test_healthz_says_the_process_is_alive(client):
    r, body = get(client, "/healthz")
    assert r.status_code == 200 and body == {"status": "ok"}
    assert r["Content-Type"] == "application/json"
    assert_never_cached(r)
    assert "Set-Cookie" not in r  # no session, no CSRF cookie


@pytest.mark.django_db
def test_readyz_all_good(client, settings):
    r, body = get(client, "/readyz")
    assert r.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"
    assert body["checks"]["redis"] == ("ok" if settings.REDIS_URL else "not configured")
    assert "reasons" not in body
    assert_never_cached(r)


@pytest.mark.django_db
def test_readyz_without_redis_says_not_configured_and_is_ready(client, settings):
    settings.REDIS_URL = ""
    r, body = get(client, "/readyz")
    assert r.status_code == 200 and body["checks"]["redis"] == "not configured"


@pytest.mark.django_db
def test_a_database_that_does_not_answer_fails_readiness_naming_it(client, settings):
    port = closed_port()
    dead = {**settings.DATABASES["default"], "ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1",
            "PORT": str(port), "NAME": "veche", "USER": "veche", "PASSWORD": SECRET, "OPTIONS": {}}
    with pytest.warns(UserWarning, match="DATABASES"):  # Django's warning: the check reads it anew
        settings.DATABASES = {**settings.DATABASES, "default": dead}
    r, body = get(client, "/readyz")
    assert r.status_code == 503 and body["status"] == "fail"
    assert body["checks"]["database"] == "fail" and body["reasons"]["database"] == "cannot connect"
    assert body["checks"]["migrations"] == "fail"  # not checked without a database
    text = r.content.decode()
    assert SECRET not in text and str(port) not in text and "127.0.0.1" not in text
    assert "postgres" not in text.lower() and "refused" not in text.lower()  # no exception text
    assert_never_cached(r)


@pytest.mark.django_db
def test_a_redis_that_does_not_answer_fails_readiness_naming_it(client, settings):
    port = closed_port()
    settings.REDIS_URL = f"redis://:{SECRET}@127.0.0.1:{port}/0"
    r, body = get(client, "/readyz")
    assert r.status_code == 503 and body["status"] == "fail"
    assert body["checks"] == {"database": "ok", "migrations": "ok", "redis": "fail"}
    assert body["reasons"] == {"redis": "does not answer"}
    text = r.content.decode()
    assert SECRET not in text and str(port) not in text and "redis://" not in text
    assert "refused" not in text.lower() and "Error" not in text


@pytest.mark.django_db(transaction=True)  # the check's own connection sees only what is committed
def test_a_migration_recorded_as_unapplied_fails_readiness_naming_it(client):
    executor = MigrationExecutor(connection)
    app, name = next(node for node in executor.loader.graph.leaf_nodes() if node[0] == "discussion")
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied(app, name)
    try:
        r, body = get(client, "/readyz")
        assert r.status_code == 503 and body["status"] == "fail"
        assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "fail"
        assert body["reasons"] == {"migrations": "1 not applied"}
        assert name not in r.content.decode()  # not even which: a count is enough for a probe
    finally:
        recorder.record_applied(app, name)
    readiness._results.clear()
    r, body = get(client, "/readyz")
    assert r.status_code == 200 and body["checks"]["migrations"] == "ok"


@pytest.mark.django_db
def test_the_answer_is_kept_a_second_so_probes_cost_one_connection_a_second(client, monkeypatch):
    runs = []
    real = readiness._run
    monkeypatch.setattr(readiness, "_run", lambda: runs.append(1) or real())
    for _ in range(20):
        assert client.get("/readyz").status_code == 200
    assert len(runs) == 1
    readiness._results.clear()  # as its 1 s expiry would
    client.get("/readyz")
    assert len(runs) == 2


@pytest.mark.django_db
def test_probes_are_never_rate_limited(client, settings):
    settings.VECHE_RATE_LIMITS = True
    for _ in range(200):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_probe_by_address_over_plain_http_is_answered_in_production(client, settings, path):
    """A load balancer asks http://10.0.0.5:8000/healthz: neither an allowed host nor https.
    Any other address is still refused or redirected as before."""
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    r = client.get(path, HTTP_HOST="10.0.0.5:8000")
    assert r.status_code == 200
    assert_never_cached(r)
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert client.get("/", HTTP_HOST="news.example.org").status_code == 301


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_take_no_posts(client, path):
    assert client.post(path).status_code == 405


def test_the_probes_touch_no_session(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):  # the readiness check's own connection is not this one
        client.get("/healthz")
        client.get("/readyz")
