"""The account pages as HTML and HTTP: what aria-describedby names exists, and a page with a
member's own data or form is never kept by a shared cache."""

from html.parser import HTMLParser

import pytest
from django.test import Client


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.described: list[tuple[str, str]] = []  # (element id or name, id it names)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        for target in (attrs.get("aria-describedby") or "").split():
            self.described.append((attrs.get("id") or attrs.get("name") or tag, target))


def _check(html: str) -> list[tuple[str, str]]:
    parser = _Ids()
    parser.feed(html)
    assert len(parser.ids) == len(set(parser.ids)), "an id twice"
    missing = [(who, target) for who, target in parser.described if target not in parser.ids]
    assert not missing, missing
    return parser.described


FORMS = {
    "/signup/": {"login": "x", "email": "not an address", "password": "short"},
    "/signin/": {"username": "nobody", "password": ""},
    "/password-reset/": {"email": "not an address"},
}


@pytest.mark.parametrize("path", list(FORMS))
def test_every_aria_describedby_names_an_element_of_the_page(client, db, path):
    described = _check(client.get(path).content.decode())
    if path == "/signup/":
        assert ("id_login", "id_login_helptext") in described  # help texts are described
    r = client.post(path, FORMS[path])
    assert r.status_code in (200, 400)
    described = _check(r.content.decode())
    errors = [t for _, t in described if t.endswith("_error")]
    assert errors, "the fields in error point at their messages"


def test_the_member_forms_describe_only_what_exists(client, alice):
    client.force_login(alice)
    for path, data in (("/account/", {"email": "bad"}),
                       ("/account/password/", {"old_password": "x", "new_password1": "a", "new_password2": "b"})):
        _check(client.get(path).content.decode())
        _check(client.post(path, data).content.decode())


PRIVATE = ["/account/", "/account/password/", "/account/delete/", "/account/data.json", "/replies/",
           "/signin/", "/signup/", "/password-reset/", "/password-reset/sent/", "/password-reset/done/"]


def _cache_control(response) -> set[str]:
    return {p.strip() for p in response.get("Cache-Control", "").split(",") if p.strip()}


@pytest.mark.parametrize("path", PRIVATE)
def test_account_pages_are_private_and_not_stored(client, alice, path):
    client.force_login(alice)
    r = client.get(path)
    assert r.status_code == 200 if path not in ("/signin/", "/signup/") else r.status_code in (200, 302)
    assert {"private", "no-store"} <= _cache_control(r), (path, r.get("Cache-Control"))


@pytest.mark.parametrize("path", ["/signin/", "/signup/", "/password-reset/"])
def test_the_sign_in_forms_of_a_visitor_are_not_stored_either(client, db, path):
    assert {"private", "no-store"} <= _cache_control(client.get(path))  # they carry a CSRF token


def test_a_profile_is_private_only_for_a_signed_in_viewer(client, alice, bob):
    public = Client().get("/members/alice/")
    assert "private" not in _cache_control(public) and "no-store" not in _cache_control(public)
    client.force_login(bob)
    seen = client.get("/members/alice/")
    assert "private" in _cache_control(seen) and "Cookie" in seen["Vary"]
    client.force_login(alice)
    own = client.get("/members/alice/")
    assert "private" in _cache_control(own) and "/account/data.json" in own.content.decode()


def test_the_presence_api_is_not_marked_private(client, alice):
    assert "private" not in _cache_control(client.get("/api/v1/presence/", {"ids": str(alice.pk)}))
