"""Signing in through a real OpenID Connect provider on 127.0.0.1 (conftest: django-oauth-
toolkit in a second process): the authorisation code flow with PKCE, state and nonce, and
every way it must fail without creating, linking or signing in anyone."""

import pytest
from allauth.socialaccount.models import SocialAccount

from accounts.models import Member
from social.tests.conftest import PEOPLE, Flow, app_settings, with_query

pytestmark = pytest.mark.django_db(transaction=False)


def signed_in_id(client):
    return client.session.get("_auth_user_id")


def nothing_happened(client, members_before: int):
    """Absence: no member, no link, no session."""
    assert Member.objects.count() == members_before
    assert not SocialAccount.objects.exists()
    assert signed_in_id(client) is None


def test_the_request_to_the_provider_carries_state_nonce_and_an_s256_pkce_challenge(client, configured):
    flow = Flow(client, configured)
    assert flow.params["response_type"] == ["code"]
    assert len(flow.params["state"][0]) >= 16
    assert len(flow.params["nonce"][0]) >= 24
    assert flow.params["code_challenge_method"] == ["S256"]
    assert len(flow.params["code_challenge"][0]) >= 43
    assert "openid" in flow.params["scope"][0].split()
    # Two sign-ins never share a state or a nonce.
    other = Flow(client, configured)
    assert other.params["state"] != flow.params["state"]
    assert other.params["nonce"] != flow.params["nonce"]


def test_a_first_sign_in_asks_for_a_login_then_creates_links_and_signs_in(client, configured):
    flow = Flow(client, configured, next_url="/rules/")
    answer = flow.back(flow.authorize())
    assert answer.status_code == 302 and answer["Location"] == "/auth/finish/"
    # Asked, not yet done: nothing created, no one signed in.
    assert not Member.objects.exists() and not SocialAccount.objects.exists()
    assert signed_in_id(client) is None
    page = client.get("/auth/finish/").content.decode()
    assert 'value="marina.k"' in page and 'value="Marina K"' in page

    done = client.post("/auth/finish/", {"do": "create", "new-login": "Marina", "new-real_name": "Marina K"})
    assert done.status_code == 302 and done["Location"] == "/rules/"
    member = Member.objects.get(login="Marina")
    assert member.real_name == "Marina K"
    assert member.email == PEOPLE["marina"]["email"]  # the provider vouched for it; no one had it
    assert not member.has_usable_password()
    link = SocialAccount.objects.get(user=member)
    assert link.provider == "newsroom" and link.uid  # the configured provider's id
    assert signed_in_id(client) == str(member.pk)

    # Next time: straight in, nothing asked, nothing new.
    client.post("/signout/")
    assert signed_in_id(client) is None
    again = Flow(client, configured)
    back = again.back(again.authorize())
    assert back.status_code == 302 and back["Location"] == "/"
    assert signed_in_id(client) == str(member.pk)
    assert Member.objects.count() == 1 and SocialAccount.objects.count() == 1


def test_the_chosen_login_follows_veches_rules_and_the_confusable_check(client, configured, make_member):
    make_member("marina.k")
    flow = Flow(client, configured)
    flow.back(flow.authorize())
    page = client.get("/auth/finish/").content.decode()
    assert 'value="marina.k 2"' in page  # the suggestion is free
    for taken in ("MARINA.K", "mаrina.k", "x", "no/slash"):  # case, a Cyrillic а, too short, a sign
        refused = client.post("/auth/finish/", {"do": "create", "new-login": taken})
        assert refused.status_code == 400
        assert 'class="form-error"' in refused.content.decode()
    assert Member.objects.count() == 1 and not SocialAccount.objects.exists()
    assert signed_in_id(client) is None


def test_a_tampered_state_signs_no_one_in(client, configured):
    flow = Flow(client, configured)
    callback = flow.authorize()
    refused = flow.back(with_query(callback, state="forged" + "x" * 10))
    assert refused.status_code == 400
    assert "Nothing was signed in" in refused.content.decode()
    nothing_happened(client, 0)
    assert client.get("/auth/finish/").status_code == 302  # no sign-up waiting either


def test_a_state_from_another_browser_is_refused(client, configured, django_user_model):
    from django.test import Client

    flow = Flow(client, configured)
    callback = flow.authorize()
    other = Client()
    parts = callback.split("testserver", 1)[1]
    assert other.get(parts).status_code == 400
    assert other.session.get("_auth_user_id") is None
    assert not Member.objects.exists()


def test_a_nonce_that_does_not_match_this_sign_in_is_refused(client, configured):
    flow = Flow(client, configured)
    callback = flow.authorize()
    session = client.session
    states = session["socialaccount_states"]
    for state in states.values():
        state[0]["nonce"] = "a-nonce-this-browser-never-sent"
    session["socialaccount_states"] = states
    session.save()
    refused = flow.back(callback)
    assert refused.status_code == 400
    assert "nonce" in refused.content.decode()
    nothing_happened(client, 0)


def test_a_used_code_is_refused(client, configured):
    first = Flow(client, configured)
    used = first.authorize()
    assert first.back(used).status_code == 302
    client.post("/auth/finish/", {"do": "create", "new-login": "Marina"})
    client.post("/signout/")
    members = Member.objects.count()
    # A new sign-in (its own state) fed the code already spent.
    second = Flow(client, configured)
    state = second.params["state"][0]
    refused = second.back(with_query(used, state=state))
    assert refused.status_code == 400
    assert "expired, already used" in refused.content.decode()
    assert signed_in_id(client) is None
    assert Member.objects.count() == members and SocialAccount.objects.count() == 1


def test_an_expired_code_is_refused(client, configured):
    flow = Flow(client, configured)
    callback = flow.authorize()
    configured.expire_codes()
    refused = flow.back(callback)
    assert refused.status_code == 400
    assert "expired, already used" in refused.content.decode()
    nothing_happened(client, 0)


def test_a_provider_that_is_down_gets_a_clear_message_not_an_error(client, configured, settings):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    settings.SOCIALACCOUNT_PROVIDERS = app_settings(dead)
    refused = client.post("/auth/oidc/newsroom/login/?process=login")
    assert refused.status_code == 400
    assert "could not be reached" in refused.content.decode()
    nothing_happened(client, 0)


def test_a_provider_that_goes_down_during_the_sign_in_gets_a_clear_message(client, configured, settings):
    import socket

    flow = Flow(client, configured)
    callback = flow.authorize()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    settings.SOCIALACCOUNT_PROVIDERS = app_settings(dead)
    refused = flow.back(callback)
    assert refused.status_code == 400
    assert "could not be reached" in refused.content.decode()
    nothing_happened(client, 0)


def test_an_address_already_used_by_a_member_never_links_to_them(client, configured, make_member):
    alice = make_member("alice", email="alice@veche.test", password="alice's own password")
    flow = Flow(client, configured, who="eve")  # eve's provider account claims alice's address
    answer = flow.back(flow.authorize())
    assert answer["Location"] == "/auth/finish/"
    assert signed_in_id(client) is None  # not signed in as alice
    page = client.get("/auth/finish/").content.decode()
    assert "already uses the e-mail address" in page
    assert "alice@veche.test" not in page
    assert not SocialAccount.objects.exists()

    # A wrong password for alice links nothing and signs no one in.
    wrong = client.post("/auth/finish/", {"do": "link", "link-username": "alice", "link-password": "guess"})
    assert wrong.status_code == 400
    assert not SocialAccount.objects.filter(user=alice).exists()
    assert signed_in_id(client) is None

    # A new account is eve's own, without alice's address.
    done = client.post("/auth/finish/", {"do": "create", "new-login": "eve"})
    assert done.status_code == 302
    eve = Member.objects.get(login="eve")
    assert eve.email == ""
    assert signed_in_id(client) == str(eve.pk)
    assert not SocialAccount.objects.filter(user=alice).exists()
    alice.refresh_from_db()
    assert alice.email == "alice@veche.test"


def test_an_existing_account_is_linked_after_its_password(client, configured, make_member):
    alice = make_member("alice", email="alice@veche.test", password="alice's own password")
    flow = Flow(client, configured, who="eve")
    flow.back(flow.authorize())
    done = client.post("/auth/finish/", {"do": "link", "link-username": "ALICE",
                                         "link-password": "alice's own password"})
    assert done.status_code == 302
    assert SocialAccount.objects.get().user == alice
    assert signed_in_id(client) == str(alice.pk)
    assert Member.objects.count() == 1


def test_linking_by_password_counts_against_the_sign_in_lock(client, configured, make_member, settings):
    from django.core.cache import cache

    settings.VECHE_RATE_LIMITS = True
    cache.clear()
    alice = make_member("alice", password="alice's own password")
    flow = Flow(client, configured, who="eve")
    flow.back(flow.authorize())
    statuses = [client.post("/auth/finish/", {"do": "link", "link-username": "alice",
                                              "link-password": f"guess {n}"}).status_code for n in range(12)]
    assert 429 in statuses
    right = client.post("/auth/finish/", {"do": "link", "link-username": "alice",
                                          "link-password": "alice's own password"})
    assert right.status_code == 429  # locked: the right password does not get through either
    assert not SocialAccount.objects.filter(user=alice).exists()
    assert signed_in_id(client) is None
    cache.clear()


def test_a_member_links_a_provider_from_settings_then_signs_in_with_it(client, configured, make_member):
    bob = make_member("bob")
    client.force_login(bob)
    flow = Flow(client, configured, process="connect", next_url="/account/")
    back = flow.back(flow.authorize())
    assert back.status_code == 302 and back["Location"] == "/account/"
    assert SocialAccount.objects.get().user == bob
    assert "Newsroom SSO" in client.get("/account/").content.decode()
    client.logout()
    again = Flow(client, configured)
    again.back(again.authorize())
    assert signed_in_id(client) == str(bob.pk)


def test_a_provider_account_linked_to_another_member_is_not_moved(client, configured, make_member):
    flow = Flow(client, configured)
    flow.back(flow.authorize())
    client.post("/auth/finish/", {"do": "create", "new-login": "Marina"})
    marina = Member.objects.get(login="Marina")
    client.logout()
    bob = make_member("bob")
    client.force_login(bob)
    connect = Flow(client, configured, process="connect", next_url="/account/")
    connect.back(connect.authorize())
    assert SocialAccount.objects.get().user == marina
    assert not SocialAccount.objects.filter(user=bob).exists()
    assert signed_in_id(client) == str(bob.pk)


def test_a_deleted_member_cannot_sign_in_with_a_linked_provider(client, configured):
    from accounts.actions import do_delete_account

    flow = Flow(client, configured)
    flow.back(flow.authorize())
    client.post("/auth/finish/", {"do": "create", "new-login": "Marina"})
    client.post("/signout/")
    do_delete_account(Member.objects.get(login="Marina"))
    again = Flow(client, configured)
    refused = again.back(again.authorize())
    assert refused.status_code == 403
    assert signed_in_id(client) is None
