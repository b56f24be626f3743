"""Every URL of the site, walked as a visitor, a member, a moderator and an editor: moderator
and editor pages refuse the others, and nothing answers with a server error."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from moderation.guard import PERMISSION


def walk(patterns=None, prefix="", namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield namespace, prefix + str(p.pattern), p


def concrete(route: str, article, comment, member) -> str | None:
    if route.startswith("^") or "(?P" in route:
        return None  # the admin's regex routes are covered by its own login check below
    values = {"slug": article.slug, "pk": str(comment.pk), "login": member.login,
              "uidb64": "MQ", "token": "set-password"}
    url = "/" + route
    for name, value in values.items():
        for conv in ("str", "int", "id", "slug", ""):
            url = url.replace(f"<{conv}:{name}>" if conv else f"<{name}>", value)
    return None if "<" in url else url


@pytest.fixture
def site_objects(alice, bob, article, post):
    c = post(alice, article, "walked")
    return article, c, alice


def urls(site_objects):
    article, comment, member = site_objects
    out = []
    for namespace, route, _pattern in walk():
        url = concrete(route, article, comment, member)
        if url:
            out.append((namespace, url))
    return out


def test_every_url_is_walked(site_objects):
    found = urls(site_objects)
    assert len(found) > 30
    assert any(ns == "moderation" for ns, _ in found)


def test_moderator_pages_refuse_visitors_and_members(client, bob, moderator, site_objects):
    guarded = [url for ns, url in urls(site_objects) if ns == "moderation"] + ["/admin/"]
    assert len(guarded) >= 7
    for url in guarded:
        for method in ("get", "post"):
            r = getattr(client, method)(url)
            assert r.status_code in (302, 405), (method, url, r.status_code)
            if r.status_code == 302:
                assert "login" in r["Location"] or "signin" in r["Location"], url
    client.force_login(bob)
    for url in guarded:
        for method in ("get", "post"):
            r = getattr(client, method)(url)
            assert r.status_code in (403, 302, 405), (method, url, r.status_code)
            if r.status_code == 302:  # only the admin sends non-staff to its own login
                assert url.startswith("/admin/") and "login" in r["Location"]
    client.force_login(moderator)
    assert moderator.has_perm(PERMISSION)
    assert client.get("/moderation/").status_code == 200
    assert client.get("/moderation/log/").status_code == 200


def test_editors_moderate_too(client, editor):
    client.force_login(editor)
    assert client.get("/moderation/").status_code == 200


@pytest.mark.parametrize("who", ["visitor", "member", "moderator"])
def test_no_url_answers_with_a_server_error(client, bob, moderator, site_objects, who):
    client.raise_request_exception = False
    if who == "member":
        client.force_login(bob)
    elif who == "moderator":
        client.force_login(moderator)
    for _ns, url in urls(site_objects):
        if url.endswith("/events/"):
            continue  # a stream that stays open; tested in the browser suite
        for method in ("get", "post"):
            r = getattr(client, method)(url)
            assert r.status_code < 500, (who, method, url, r.status_code)
