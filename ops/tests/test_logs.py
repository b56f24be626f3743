"""Request logs: one line per request, its id taken from X-Request-ID when well formed, in
text or as JSON (VECHE_LOG_FORMAT=json); never a password, a token, a cookie or a session id."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ops import logs
from ops.requestid import WELL_FORMED

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Correct-Horse-Battery-9431"
NEW_PASSWORD = "Another-Long-Passphrase-5527"


def every_format(records) -> list[str]:
    """Each record as the configured formats would write it, with the request-id filter."""
    out = []
    text, js = logs.TextFormatter(), logs.JsonFormatter()
    for record in records:
        logs.RequestIdFilter().filter(record)
        out += [text.format(record), js.format(record)]
    return out


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.DEBUG)
    logs.lines.flush()
    caplog.clear()
    def written() -> list[str]:
        logs.lines.flush()
        return every_format(caplog.records)

    return written


def request_records(caplog):
    logs.lines.flush()  # request lines are written by a thread of their own
    return [r for r in caplog.records if r.name == "veche.requests"]


@pytest.mark.django_db
def test_no_password_token_cookie_or_session_id_reaches_a_log_line(client, make_member, article, caplog, lines):
    member = make_member("reader", password=PASSWORD)
    client.get("/signin/")
    r = client.post("/signin/", {"username": "reader", "password": PASSWORD})
    assert r.status_code == 302
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    client.post("/signin/", {"username": "reader", "password": PASSWORD + "-wrong"})
    client.get(article.get_absolute_url(), HTTP_AUTHORIZATION="Bearer sekrit-bearer-value")
    client.post("/account/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                       "new_password2": NEW_PASSWORD})
    uid, token = urlsafe_base64_encode(force_bytes(member.pk)), default_token_generator.make_token(member)
    client.logout()
    client.get(f"/password-reset/{uid}/{token}/")
    client.get("/metrics", HTTP_AUTHORIZATION="Bearer sekrit-bearer-value")
    written = lines()
    assert len(request_records(caplog)) == 7
    for line in written:
        for secret in (PASSWORD, NEW_PASSWORD, session_id, csrf, token, uid + "/", "sekrit-bearer-value",
                       "csrfmiddlewaretoken", "password=", "Cookie", "sessionid"):
            assert secret not in line, (secret, line)
    routes = {r.route for r in request_records(caplog)}
    assert {"accounts:signin", "accounts:password-change", "accounts:password-reset-confirm"} <= routes


@pytest.mark.django_db
def test_a_signed_in_request_is_logged_with_the_members_id_and_a_visitors_without(
        client, alice, article, caplog, lines):
    client.get(article.get_absolute_url())
    client.force_login(alice)
    client.get(article.get_absolute_url())
    first, second = request_records(caplog)
    assert first.member is None and second.member == alice.pk
    assert json.loads(logs.JsonFormatter().format(second))["member"] == alice.pk
    assert f"member={alice.pk}" in logs.TextFormatter().format(second)


@pytest.mark.django_db
def test_a_request_that_never_asked_who_it_is_reads_no_session_for_the_log(
        client, alice, django_assert_num_queries, caplog):
    client.force_login(alice)
    with django_assert_num_queries(0):
        client.get("/healthz")
    assert request_records(caplog)[-1].member is None


@pytest.mark.parametrize("given,kept", [("abc-123", True), ("A.b_C-9" * 9 + "x", True), ("x" * 64, True),
                                        ("x" * 65, False), ("", False), ("has space", False),
                                        ("new\nline", False), ("<b>", False), ("naïve", False)])
def test_the_request_id_is_echoed_when_well_formed_else_replaced(client, caplog, given, kept):
    r = client.get("/healthz", HTTP_X_REQUEST_ID=given)
    echoed = r["X-Request-ID"]
    assert WELL_FORMED.fullmatch(echoed)
    assert (echoed == given) is kept
    [record] = request_records(caplog)
    assert record.request_id == echoed


def test_without_a_request_id_one_is_made_and_each_request_has_its_own(client):
    a, b = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert WELL_FORMED.fullmatch(a) and WELL_FORMED.fullmatch(b) and a != b


@pytest.mark.django_db
def test_what_is_logged_during_a_request_carries_its_id(client, settings):
    """A warning logged while a request runs (here the readiness check's) is written with
    the request's id by the configured handler's filter."""
    from ops.tests.helpers import closed_port

    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        r = client.get("/readyz", HTTP_X_REQUEST_ID="probe-42")
        logs.lines.flush()
    finally:
        logging.getLogger().removeHandler(handler)
    assert r.status_code == 503
    written = [json.loads(line) for line in out.getvalue().splitlines()]
    warning = next(w for w in written if w["logger"] == "ops.readiness")
    assert warning["request_id"] == "probe-42" and warning["level"] == "WARNING"
    assert "redis://" not in out.getvalue()
    line = next(w for w in written if w["logger"] == "veche.requests")
    assert line["request_id"] == "probe-42" and line["status"] == 503 and line["level"] == "ERROR"


def test_a_server_error_is_logged_as_an_error(client, monkeypatch, caplog):
    from ops import views

    monkeypatch.setattr(views.readiness, "checks", lambda: 1 / 0)
    client.raise_request_exception = False
    assert client.get("/readyz").status_code == 500
    assert request_records(caplog)[-1].levelno == logging.ERROR


def _served_line(fmt: str | None) -> str:
    """What a fresh process writes to stderr for one request, with VECHE_LOG_FORMAT=fmt."""
    env = {k: v for k, v in os.environ.items() if k != "VECHE_LOG_FORMAT"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if fmt is not None:
        env["VECHE_LOG_FORMAT"] = fmt
    code = ("import django; django.setup(); from django.test import Client; "
            "Client().get('/healthz', HTTP_X_REQUEST_ID='probe-1', HTTP_COOKIE='sessionid=s3ss10n')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == ""  # stdout stays for commands whose output is data
    return done.stderr


def test_json_lines_when_asked():
    err = _served_line("json")
    [line] = [json.loads(x) for x in err.splitlines() if x.strip()]
    assert line["request_id"] == "probe-1" and line["route"] == "ops:healthz" and line["method"] == "GET"
    assert line["status"] == 200 and isinstance(line["duration_ms"], float) and line["member"] is None
    assert line["level"] == "INFO" and line["time"].endswith("+00:00") and line["logger"] == "veche.requests"
    assert "s3ss10n" not in err and "healthz" not in line["message"].replace("ops:healthz", "")


def test_text_by_default():
    err = _served_line(None)
    assert "INFO veche.requests [probe-1] GET ops:healthz 200" in err
    assert not err.lstrip().startswith("{") and "s3ss10n" not in err
