"""What `veche serve` hands uvicorn: forwarded headers believed only with trusted proxy hops,
and the bounds on request heads, bodies and connections. The application is called as uvicorn
built it from those options (its proxy-headers middleware included, when it is on)."""

import asyncio
import re
from urllib.parse import urlencode

import pytest
import uvicorn
from asgiref.sync import async_to_sync
from django.core.cache import cache

from core.management.commands.serve import uvicorn_options
from moderation import limits


def loaded_app(**options):
    config = uvicorn.Config("config.asgi:application", **{**options, "log_config": None})
    config.load()
    return config.loaded_app


async def exchange(app, method, path, body=b"", headers=(), client="127.0.0.1"):
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"127.0.0.1"), *headers], "scheme": "http", "server": ("127.0.0.1", 8000),
             "client": (client, 40000), "http_version": "1.1", "asgi": {"version": "3.0"}, "root_path": ""}
    sent, asked = [], []

    async def receive():
        if not asked:
            asked.append(1)
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    return start["status"], start["headers"], b"".join(m.get("body", b"") for m in sent[1:])


def sign_in_attempts(app, n: int, forwarded_for) -> list[int]:
    """n failed sign-ins from 127.0.0.1, each for another login and claiming another address."""

    async def go():
        status, headers, body = await exchange(app, "GET", "/signin/")
        cookie = next(v for k, v in headers if k.lower() == b"set-cookie" and b"csrftoken=" in v).split(b";")[0]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        statuses = []
        for i in range(n):
            form = urlencode({"csrfmiddlewaretoken": token, "username": f"nobody{i}",
                              "password": "not the password"}).encode()
            status, _, _ = await exchange(app, "POST", "/signin/", form, [
                (b"cookie", cookie), (b"content-type", b"application/x-www-form-urlencoded"),
                (b"content-length", str(len(form)).encode()), (b"x-forwarded-for", forwarded_for(i).encode())])
            statuses.append(status)
        return statuses

    return async_to_sync(go)()


@pytest.fixture
def fresh_limits(settings):
    settings.VECHE_RATE_LIMITS = True
    cache.clear()
    limits._local.clear()
    yield
    cache.clear()
    limits._local.clear()


def test_without_trusted_hops_no_forwarded_header_is_believed(settings):
    settings.VECHE_TRUSTED_PROXY_HOPS = 0
    assert uvicorn_options()["proxy_headers"] is False
    settings.VECHE_TRUSTED_PROXY_HOPS = 1
    assert uvicorn_options()["proxy_headers"] is True


@pytest.mark.django_db(transaction=True)  # Django answers in its own thread
def test_with_hops_0_a_local_client_cannot_rotate_addresses_past_the_sign_in_limit(settings, fresh_limits):
    settings.VECHE_TRUSTED_PROXY_HOPS = 0
    app = loaded_app(**uvicorn_options())
    statuses = sign_in_attempts(app, limits.SIGNIN_IP.count + 1, lambda i: f"203.0.113.{i + 1}")
    assert statuses[:-1] == [200] * limits.SIGNIN_IP.count
    assert statuses[-1] == 429  # every attempt counted against 127.0.0.1, whatever it claimed


@pytest.mark.django_db(transaction=True)
def test_with_a_trusted_proxy_the_forwarded_address_is_the_one_counted(settings, fresh_limits):
    """The same requests behind one trusted proxy are different clients (which is why the
    header must not be believed without one)."""
    settings.VECHE_TRUSTED_PROXY_HOPS = 1
    app = loaded_app(**uvicorn_options())
    statuses = sign_in_attempts(app, limits.SIGNIN_IP.count + 1, lambda i: f"203.0.113.{i + 1}")
    assert 429 not in statuses


def test_the_bounds_reach_uvicorn(settings):
    settings.VECHE_MAX_HEADER_BYTES = 12_345
    settings.VECHE_MAX_CONNECTIONS = 0
    options = uvicorn_options()
    assert options["http"] == "core.httpserver:BoundedHttpToolsProtocol"
    assert options["h11_max_incomplete_event_size"] == 12_345
    assert options["limit_concurrency"] is None and options["timeout_keep_alive"] > 0
    settings.VECHE_MAX_CONNECTIONS = 5000
    assert uvicorn_options()["limit_concurrency"] == 5000
    config = uvicorn.Config("config.asgi:application", **{**options, "log_config": None})
    config.load()
    from core.httpserver import BoundedHttpToolsProtocol

    assert config.http_protocol_class is BoundedHttpToolsProtocol
