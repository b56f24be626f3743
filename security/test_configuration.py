"""Production configuration: cookies, headers, CSRF with an Origin check, refusing to start
without its secrets, and the password and session rules."""

import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings

from config.settings import hardening

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROD = {k: getattr(hardening, k) for k in dir(hardening) if k.isupper()}
PROD["SECURE_SSL_REDIRECT"] = False  # the test client speaks https through secure=True below


def test_production_refuses_to_start_without_secrets():
    env = {k: v for k, v in os.environ.items() if not k.startswith("VECHE_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "VECHE_SECRET_KEY and VECHE_ALLOWED_HOSTS" in done.stderr


def test_make_audit_passes():
    done = subprocess.run(["bash", "scripts/audit.sh"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@override_settings(**PROD)
def test_cookies_and_headers(make_member):
    make_member("cookie", password="a long passphrase here")
    client = Client()
    r = client.get("/signin/", secure=True)
    assert r["Strict-Transport-Security"].startswith("max-age=63072000")
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert r["X-Frame-Options"] == "DENY"
    csp = r["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    csrf = r.cookies["__Host-veche-csrf"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax" and csrf["path"] == "/"
    r = client.post("/signin/", {"username": "cookie", "password": "a long passphrase here"}, secure=True)
    session = r.cookies["__Host-veche-session"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert not session["domain"]


@override_settings(**PROD)
def test_csrf_checks_the_origin(alice, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(article.get_absolute_url(), secure=True)
    token = client.cookies["__Host-veche-csrf"].value
    url = f"/articles/{article.slug}/comments/"
    r = client.post(url, {"body": "forged", "csrfmiddlewaretoken": token}, secure=True,
                    HTTP_ORIGIN="https://evil.example", HTTP_HOST="testserver")
    assert r.status_code == 403
    r = client.post(url, {"body": "genuine", "csrfmiddlewaretoken": token}, secure=True,
                    HTTP_ORIGIN="https://testserver", HTTP_REFERER="https://testserver/")
    assert r.status_code == 302


def test_passwords_are_argon2_and_never_truncated(make_member, settings):
    from django.contrib.auth.hashers import check_password, make_password

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    long_a = "x" * 127 + "a"
    long_b = "x" * 127 + "b"
    encoded = make_password(long_a)
    assert encoded.startswith("argon2$")
    assert check_password(long_a, encoded) and not check_password(long_b, encoded)


@pytest.mark.parametrize(("password", "ok"), [("short pass", True), ("ninechars", False),
                                              ("x" * 128 + "", True), ("y" * 129, False)])
def test_password_length_rules(db, password, ok):
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    from accounts.models import Member

    probe = Member(login="probe")
    if password in ("x" * 128,):
        password = "correct horse " + "z" * 114  # 128, not common
    try:
        password_validation.validate_password(password, probe)
        assert ok
    except ValidationError:
        assert not ok


def test_reset_links_expire(client, alice, settings):
    from django.contrib.auth.tokens import PasswordResetTokenGenerator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    class Later(PasswordResetTokenGenerator):
        def _now(self):
            from datetime import datetime, timedelta

            return datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)  # noqa: DTZ005 - as Django does

    token = PasswordResetTokenGenerator().make_token(alice)
    assert PasswordResetTokenGenerator().check_token(alice, token)
    assert not Later().check_token(alice, token)
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    assert client.get(f"/password-reset/{uid}/not-a-token/", follow=True).context["validlink"] is False
