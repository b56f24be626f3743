"""A real OpenID Connect provider for the sign-in tests (social.tests.oidc_provider), started
once per run in a second process on 127.0.0.1 and stopped after; no network beyond it."""

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "veche-test-client"
SECRET = "veche-test-secret-" + "z" * 20
PEOPLE = {
    "marina": {"username": "marina.k", "password": "provider-pass-1", "email": "marina@provider.test",
               "name": "Marina K"},
    # Claims the address of Veche's member "alice" (test_oidc): an address never links.
    "eve": {"username": "eve", "password": "provider-pass-2", "email": "alice@veche.test", "name": "Alice"},
}
CALLBACK = "http://testserver/auth/oidc/{}/login/callback/"


class Provider:
    def __init__(self, tmp: Path):
        self.db = tmp / "provider.sqlite3"
        spec = {"client_id": CLIENT_ID, "secret": SECRET, "users": list(PEOPLE.values()),
                "redirect_uris": [CALLBACK.format("newsroom")]}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "social.tests.oidc_provider.serve", json.dumps(spec)], cwd=ROOT,
            stdout=subprocess.PIPE, text=True,
            env={**__import__("os").environ, "OIDC_TEST_DB": str(self.db), "PYTHONPATH": str(ROOT)})
        line = self.proc.stdout.readline().strip()
        if not line.isdigit():
            self.proc.kill()
            raise RuntimeError(f"the test OpenID Connect provider did not start: {line!r}")
        self.url = f"http://127.0.0.1:{int(line)}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def browser(self, who: str):
        """A browser signed in at the provider as `who` (its login form, CSRF and all)."""
        import requests

        session = requests.Session()
        page = session.get(f"{self.url}/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        person = PEOPLE[who]
        done = session.post(f"{self.url}/login/", data={
            "csrfmiddlewaretoken": token, "username": person["username"], "password": person["password"]},
            allow_redirects=False, timeout=10)
        assert done.status_code == 302, "signing in at the test provider failed"
        return session

    def expire_codes(self):
        import sqlite3

        with sqlite3.connect(self.db) as conn:
            conn.execute("UPDATE oauth2_provider_grant SET expires = '2000-01-01 00:00:00'")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    provider = Provider(tmp_path_factory.mktemp("oidc"))
    yield provider
    provider.stop()


def app_settings(server_url: str, provider_id: str = "newsroom", name: str = "Newsroom SSO") -> dict:
    return {"openid_connect": {
        "provider_class": "social.openid.provider.NonceOpenIDConnectProvider", "OAUTH_PKCE_ENABLED": True,
        "APPS": [{"provider_id": provider_id, "name": name, "client_id": CLIENT_ID, "secret": SECRET,
                  "settings": {"server_url": f"{server_url}/o"}}]}}


@pytest.fixture
def configured(oidc_provider, settings):
    settings.SOCIALACCOUNT_PROVIDERS = app_settings(oidc_provider.url)
    return oidc_provider


class Flow:
    """One sign-in through the provider: Veche's client is the reader's browser on Veche,
    `browser` the same reader's browser at the provider."""

    def __init__(self, client, provider, who="marina", process="login", next_url="/"):
        self.client, self.provider = client, provider
        self.browser = provider.browser(who)
        started = client.post(f"/auth/oidc/newsroom/login/?process={process}&next={next_url}")
        assert started.status_code == 302, started.content[:500]
        self.authorize_url = started["Location"]
        self.params = parse_qs(urlsplit(self.authorize_url).query)

    def authorize(self) -> str:
        """The provider's answer: the callback address with code and state."""
        answer = self.browser.get(self.authorize_url, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text[:500]
        return answer.headers["Location"]

    def back(self, callback: str):
        parts = urlsplit(callback)
        return self.client.get(f"{parts.path}?{parts.query}")


def with_query(url: str, **changes) -> str:
    from urllib.parse import urlencode

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"
