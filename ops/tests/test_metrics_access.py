"""/metrics answers only a request bearing VECHE_METRICS_TOKEN or coming from an address in
VECHE_METRICS_ALLOW; anyone else — visitor, member, moderator, editor — gets the site's
ordinary 404, which says nothing of metrics."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

TOKEN = "a-long-random-metrics-token-0123456789"


def normalised(body: bytes, path: str) -> str:
    """The page without what differs between two requests: its nonce, a member's form token,
    and the address asked for, which every page's sign-in link carries back (?next=)."""
    text = re.sub(r"nonce-[^'\"]+|nonce=\"[^\"]+\"", "nonce", body.decode())
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "FORM", text)
    return text.replace(path, "PATH")


def assert_hidden(r, client):
    assert r.status_code == 404
    text = normalised(r.content, "/metrics").lower()
    for word in ("metric", "veche_", "token", "prometheus", "bearer", "forbidden", "allow"):
        assert word not in text
    assert "WWW-Authenticate" not in r
    # The very page any address that does not exist gets.
    assert normalised(r.content, "/metrics") == normalised(client.get("/no-such-address").content,
                                                           "/no-such-address")


@pytest.fixture
def guarded(settings):
    settings.VECHE_METRICS_TOKEN = TOKEN
    settings.VECHE_METRICS_ALLOW = ["10.1.0.0/16", "2001:db8::/32"]
    settings.VECHE_TRUSTED_PROXY_HOPS = 0


@pytest.fixture
def as_role(client, make_member, moderator, editor):
    def sign_in(role: str):
        if role == "member":
            client.force_login(make_member())
        elif role == "moderator":
            client.force_login(moderator)
        elif role == "editor":
            client.force_login(editor)
        return client

    return sign_in


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["visitor", "member", "moderator", "editor"])
def test_without_the_token_or_an_allowed_address_metrics_are_not_there(guarded, as_role, role):
    client = as_role(role)
    assert_hidden(client.get("/metrics"), client)
    assert_hidden(client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong"), client)
    assert_hidden(client.get("/metrics", HTTP_AUTHORIZATION=TOKEN), client)  # not a Bearer token
    assert_hidden(client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}"), client)
    assert_hidden(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x"), client)
    assert client.get(f"/metrics?token={TOKEN}").status_code == 404  # the token goes in the header only
    assert_hidden(client.get("/metrics", REMOTE_ADDR="10.2.0.1"), client)
    assert_hidden(client.get("/metrics", REMOTE_ADDR="2001:db9::1"), client)


@pytest.mark.django_db
def test_with_nothing_set_no_one_reads_metrics(client, settings):
    settings.VECHE_METRICS_TOKEN = ""
    settings.VECHE_METRICS_ALLOW = []
    for auth in ("", "Bearer", "Bearer ", "Bearer  "):
        assert_hidden(client.get("/metrics", HTTP_AUTHORIZATION=auth), client)
    assert_hidden(client.get("/metrics", REMOTE_ADDR="127.0.0.1"), client)


@pytest.mark.django_db
def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(client, guarded, settings):
    assert_hidden(client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.2.3"), client)
    settings.VECHE_TRUSTED_PROXY_HOPS = 1
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 200
    # The proxy appends the real client: what the client wrote to the left is not believed.
    assert_hidden(client.get("/metrics", REMOTE_ADDR="127.0.0.1",
                             HTTP_X_FORWARDED_FOR="10.1.2.3, 203.0.113.9"), client)


@pytest.mark.django_db
@pytest.mark.parametrize("how", [{"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"},
                                 {"HTTP_AUTHORIZATION": f"bearer {TOKEN}"},
                                 {"REMOTE_ADDR": "10.1.200.7"},
                                 {"REMOTE_ADDR": "::ffff:10.1.0.9"},
                                 {"REMOTE_ADDR": "2001:db8::42"}])
def test_with_the_token_or_from_an_allowed_address_metrics_are_served(client, guarded, how):
    r = client.get("/metrics", **how)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "no-store" in r["Cache-Control"]
    text = r.content.decode()
    assert "# TYPE veche_http_requests_total counter" in text
    assert "# TYPE veche_http_request_duration_seconds histogram" in text
    assert TOKEN not in text


@pytest.mark.django_db
def test_a_scraper_by_address_over_plain_http_is_answered_in_production(client, guarded, settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    r = client.get("/metrics", HTTP_HOST="10.0.0.5:8000", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert r.status_code == 200
    # Refused, it is any address: turned away by the host check like every other.
    assert client.get("/metrics", HTTP_HOST="10.0.0.5:8000").status_code == 400


def test_a_malformed_network_is_reported_at_start(settings):
    settings.VECHE_METRICS_ALLOW = ["10.0.0.0/8", "not-a-network"]
    with pytest.raises(SystemCheckError, match="not-a-network"):
        call_command("check")
    settings.VECHE_METRICS_ALLOW = ["10.0.0.0/8", "::1"]
    call_command("check")
