"""Linked accounts in a member's settings, the sign-in page's buttons and the suggested login:
no provider shown that is not configured, no way to lose the last way in, nobody else's link."""

import pytest
from allauth.socialaccount.models import SocialAccount

from accounts.models import Member
from social.tests.conftest import app_settings

pytestmark = pytest.mark.django_db


def link(member, uid="1", provider="newsroom"):
    return SocialAccount.objects.create(user=member, provider=provider, uid=uid, extra_data={})


@pytest.fixture
def newsroom(settings):
    settings.SOCIALACCOUNT_PROVIDERS = app_settings("http://127.0.0.1:9")  # never fetched here


def test_the_sign_in_page_shows_no_provider_when_none_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    page = client.get("/signin/").content.decode()
    assert "Or sign in with" not in page
    assert "/auth/" not in page


def test_the_sign_in_page_shows_only_the_configured_providers(client, newsroom):
    page = client.get("/signin/?next=/rules/").content.decode()
    assert "Sign in with Newsroom SSO" in page
    assert 'action="/auth/oidc/newsroom/login/?process=login&amp;next=%2Frules%2F"' in page
    for absent in ("Google", "GitHub", "VK ID", "Yandex", "Telegram", "/auth/google/", "/auth/vk/", "/auth/github/"):
        assert absent not in page  # (names whole: a random token may hold "VK")
    # The provider's address is started by a POST form only: a GET asks first.
    assert client.get("/auth/oidc/newsroom/login/").status_code == 200
    assert client.get("/auth/google/login/").status_code == 404  # not configured: no door


def test_a_provider_configured_by_the_environment_appears(monkeypatch):
    import config.settings.base as base

    monkeypatch.setenv("VECHE_SOCIAL_GITHUB_CLIENT_ID", "gh-id")
    monkeypatch.setenv("VECHE_SOCIAL_GITHUB_SECRET", "gh-secret")
    monkeypatch.setenv("VECHE_SOCIAL_OIDC", "keycloak")
    monkeypatch.setenv("VECHE_SOCIAL_OIDC_KEYCLOAK_NAME", "Newsroom SSO")
    monkeypatch.setenv("VECHE_SOCIAL_OIDC_KEYCLOAK_URL", "https://sso.example.org/realms/news")
    monkeypatch.setenv("VECHE_SOCIAL_OIDC_KEYCLOAK_CLIENT_ID", "veche")
    found = base._social_providers()
    assert found["github"]["APPS"][0]["client_id"] == "gh-id"
    assert found["openid_connect"]["APPS"][0]["provider_id"] == "keycloak"
    assert {"google", "vk", "yandex", "telegram"}.isdisjoint(found)
    monkeypatch.delenv("VECHE_SOCIAL_OIDC_KEYCLOAK_URL")  # without its issuer, not configured
    assert base._social_providers()["openid_connect"]["APPS"] == []


def test_settings_says_nothing_of_other_accounts_when_none_is_configured(client, settings, make_member):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    client.force_login(make_member("bob"))
    page = client.get("/account/").content.decode()
    assert page.count("<h1") == 1
    assert "Accounts you sign in with" not in page and "/auth/" not in page


def test_settings_lists_a_members_links_and_offers_the_configured_providers(client, newsroom, make_member):
    bob = make_member("bob")
    other = make_member("carol")
    link(other, uid="carol-sub")
    client.force_login(bob)
    page = client.get("/account/").content.decode()
    assert "No other account is linked" in page
    assert "Link Newsroom SSO" in page
    link(bob, uid="bob-sub")
    page = client.get("/account/").content.decode()
    assert "Unlink" in page
    assert "carol-sub" not in page  # only the member's own links


def test_a_member_with_a_password_unlinks_their_last_provider(client, newsroom, make_member):
    bob = make_member("bob")
    account = link(bob)
    client.force_login(bob)
    assert client.post(f"/auth/unlink/{account.pk}/").status_code == 302
    assert not SocialAccount.objects.filter(pk=account.pk).exists()


def test_the_last_way_in_cannot_be_unlinked(client, newsroom, make_member):
    bob = make_member("bob")
    bob.set_unusable_password()
    bob.save()
    only = link(bob)
    client.force_login(bob)
    answer = client.post(f"/auth/unlink/{only.pk}/", follow=True)
    assert "only way to sign in" in answer.content.decode()
    assert SocialAccount.objects.filter(pk=only.pk).exists()
    # With a second link, one of them may go; the other stays.
    second = link(bob, uid="2")
    client.post(f"/auth/unlink/{only.pk}/")
    assert list(SocialAccount.objects.filter(user=bob)) == [second]
    client.post(f"/auth/unlink/{second.pk}/")
    assert list(SocialAccount.objects.filter(user=bob)) == [second]


def test_no_one_unlinks_someone_elses_account(client, newsroom, make_member):
    bob, carol = make_member("bob"), make_member("carol")
    carols = link(carol)
    client.force_login(bob)
    answer = client.post(f"/auth/unlink/{carols.pk}/", follow=True)
    assert "not one of your linked accounts" in answer.content.decode()
    assert SocialAccount.objects.filter(pk=carols.pk, user=carol).exists()
    client.logout()
    anonymous = client.post(f"/auth/unlink/{carols.pk}/")
    assert anonymous.status_code == 302 and "/signin/" in anonymous["Location"]
    assert SocialAccount.objects.filter(pk=carols.pk).exists()
    assert client.get(f"/auth/unlink/{carols.pk}/").status_code in (302, 405)


def test_the_finish_page_without_a_sign_in_under_way_sends_to_sign_in(client):
    answer = client.get("/auth/finish/")
    assert answer.status_code == 302 and answer["Location"] == "/signin/"
    posted = client.post("/auth/finish/", {"do": "create", "new-login": "Someone"})
    assert posted.status_code == 302
    assert not Member.objects.filter(login="Someone").exists()


@pytest.mark.parametrize(("taken", "candidates", "expected"), [
    ([], ("marina.k",), "marina.k"),
    (["marina.k"], ("marina.k",), "marina.k 2"),
    (["marina"], ("mаrina",), "mаrina 2"),  # a Cyrillic а: confusable with "marina"
    ([], ("Марина К",), "Марина К"),
    ([], ("x", "Marina K"), "Marina K"),  # too short: the next candidate
    ([], ("mar/ina<script>",), "mar ina script"),
    ([], ("",), ""),
    ([], ("a" * 40,), "a" * 32),
])
def test_the_suggested_login_is_free_and_follows_the_rules(make_member, taken, candidates, expected):
    from social.logins import suggest_login

    for login in taken:
        make_member(login)
    assert suggest_login(*candidates) == expected


def test_every_string_of_this_app_has_its_russian_translation():
    import re
    from pathlib import Path

    from django.utils import translation
    from django.utils.translation import gettext

    po = (Path(__file__).resolve().parents[1] / "locale/ru/LC_MESSAGES/django.po").read_text()
    assert not re.search(r'msgstr ""\n\n', po + "\n"), "an empty translation"
    assert "#, fuzzy" not in po.split("\n\n", 1)[1]
    with translation.override("ru"):
        assert gettext("Or sign in with") == "Или войдите через"
        assert gettext("Sign in with %(provider)s") % {"provider": "VK ID"} == "Войти через VK ID"
