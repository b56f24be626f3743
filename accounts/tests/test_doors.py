"""Every door into an account is limited: the sign-in page whatever spelling of the login,
the admin's sign-in, the pages that check a password, sign-up and password-reset mails."""

import re

import pytest
from django.core import mail

from moderation import limits

RIGHT = "the right passphrase"
# What the sign-in form turns into the login "target": surrounding spaces of any kind (it
# strips them), case, full-width letters (NFKC) and invisible signs (the lookup folds them).
VARIANTS = ["target", "target ", " target", "target\t", "\u3000target", "target\xa0", "TARGET",
            "Ｔａｒｇｅｔ", "tar\u200bget", "\u2003Target\u2003"]


@pytest.fixture
def clock(settings, monkeypatch):
    settings.VECHE_RATE_LIMITS = True
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(limits, "_now", lambda: now["t"])
    return now


@pytest.fixture
def target(make_member):
    return make_member("target", password=RIGHT, is_staff=True, is_superuser=True)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_spelling_of_a_login_is_the_account_it_signs_into(client, target, variant):
    """The variants are real doors: each signs in with the right password (no lock yet)."""
    r = client.post("/signin/", {"username": variant, "password": RIGHT})
    assert r.status_code == 302 and _signed_in(client)


@pytest.mark.parametrize("variant", VARIANTS)
def test_five_failures_in_any_spelling_lock_every_spelling(clock, client, target, variant):
    for i in range(5):  # a mix of spellings, none given 5 fresh guesses of its own
        r = client.post("/signin/", {"username": VARIANTS[(i * 3 + 1) % len(VARIANTS)], "password": "wrong guess!"})
        assert r.status_code == 200 and not _signed_in(client)
    r = client.post("/signin/", {"username": variant, "password": RIGHT})
    assert r.status_code == 429 and r["Retry-After"] == "900"
    assert not _signed_in(client)
    assert "locked for a while" in r.content.decode()
    clock["t"] += 900
    r = client.post("/signin/", {"username": variant, "password": RIGHT})
    assert r.status_code == 302 and _signed_in(client)


def test_a_success_resets_the_count_and_parallel_guesses_are_counted_first(clock, client, target):
    for _ in range(4):
        client.post("/signin/", {"username": "target ", "password": "wrong guess!"})
    assert client.post("/signin/", {"username": "Target", "password": RIGHT}).status_code == 302
    client.post("/signout/")
    for _ in range(5):
        assert client.post("/signin/", {"username": "target", "password": "wrong"}).status_code == 200
    # The attempt is counted before its password is checked: the sixth guess is refused
    # even when it is the right one, as requests racing each other would be.
    assert client.post("/signin/", {"username": "target", "password": RIGHT}).status_code == 429


def test_the_admin_sign_in_is_the_sites(client, target):
    """/admin/login/ sends a visitor to Veche's sign-in (and back to the admin after), shows
    no form of its own, and the admin's sign-out still works."""
    r = client.get("/admin/login/?next=/admin/accounts/member/")
    assert r.status_code == 302
    assert r["Location"] == "/signin/?next=%2Fadmin%2Faccounts%2Fmember%2F"
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    assert client.get(r["Location"])["Location"].startswith("/signin/?next=%2Fadmin%2F")
    r = client.get("/admin/login/?next=https://evil.example/")
    assert r["Location"] == "/signin/?next=%2Fadmin%2F"
    r = client.post("/signin/?next=/admin/", {"username": "target", "password": RIGHT, "next": "/admin/"})
    assert r.status_code == 302 and r["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"  # already in: straight to the admin
    r = client.post("/admin/logout/")
    assert r.status_code in (200, 302) and not _signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_a_form_posted_to_the_admin_door_is_limited_and_locked(clock, client, target):
    for _ in range(5):  # wrong passwords through the admin's door count toward the lock
        r = client.post("/admin/login/", {"username": "target", "password": "wrong guess!"})
        assert r.status_code == 200 and not _signed_in(client)
    r = client.post("/admin/login/", {"username": "target", "password": RIGHT, "next": "/admin/"})
    assert r.status_code == 429 and r["Retry-After"] == "900" and not _signed_in(client)
    r = client.post("/signin/", {"username": " TARGET", "password": RIGHT})  # and Veche's door
    assert r.status_code == 429 and not _signed_in(client)
    clock["t"] += 900
    r = client.post("/admin/login/", {"username": "target", "password": RIGHT})
    assert r.status_code == 302 and r["Location"] == "/admin/" and _signed_in(client)


def test_a_lock_from_the_sites_door_holds_at_the_admins(clock, client, target):
    for _ in range(5):
        client.post("/signin/", {"username": "target\t", "password": "wrong guess!"})
    r = client.post("/admin/login/", {"username": "target", "password": RIGHT})
    assert r.status_code == 429 and not _signed_in(client)


def test_the_admin_door_counts_toward_the_address_limit(clock, client, make_member):
    for i in range(limits.SIGNIN_IP.count):  # many accounts, one address
        r = client.post("/admin/login/", {"username": f"someone{i}", "password": "guess"})
        assert r.status_code == 200
    r = client.post("/signin/", {"username": "another", "password": "guess"})
    assert r.status_code == 429 and "Too many sign-in attempts from your network" in r.content.decode()


def test_a_member_without_admin_access_is_told_so_not_looped(client, alice):
    client.force_login(alice)
    r = client.get("/admin/login/?next=/admin/")
    assert r.status_code == 403 and "without access to the admin" in r.content.decode()
    assert client.get("/admin/").status_code == 302  # to the door above, which answers 403
    nxt = re.search(r'name="next" value="([^"]+)"', r.content.decode()).group(1)
    r = client.post("/signout/", {"next": nxt.replace("&amp;", "&")})
    assert r.status_code == 302 and r["Location"] == "/signin/?next=/admin/" and not _signed_in(client)


def test_pages_asking_for_the_password_count_toward_the_lock(clock, client, make_member):
    member = make_member("holder", password=RIGHT)
    client.force_login(member)
    for _ in range(3):
        assert client.post("/account/delete/", {"password": "wrong"}).status_code == 400
    for _ in range(2):
        r = client.post("/account/password/", {"old_password": "wrong", "new_password1": "x another passphrase",
                                               "new_password2": "x another passphrase"})
        assert r.status_code == 200
    r = client.post("/account/delete/", {"password": RIGHT})
    assert r.status_code == 429 and r["Retry-After"] == "900"
    member.refresh_from_db()
    assert not member.is_deleted
    r = client.post("/account/password/", {"old_password": RIGHT, "new_password1": "x another passphrase",
                                           "new_password2": "x another passphrase"})
    assert r.status_code == 429 and "locked for a while" in r.content.decode()
    member.refresh_from_db()
    assert member.check_password(RIGHT)


def test_sign_up_past_its_limit_answers_429_with_retry_after(clock, client, db):
    for i in range(limits.SIGNUP_IP.count):
        assert client.post("/signup/", {"login": f"new{i}", "password": "a long passphrase here"}).status_code == 302
        client.post("/signout/")
    r = client.post("/signup/", {"login": "one more", "password": "a long passphrase here"})
    assert r.status_code == 429 and r["Retry-After"] == "3600"
    assert "Too many new accounts from your network" in r.content.decode()
    # A form that is wrong anyway says why with 400, not 429.
    r = client.post("/signup/", {"login": "x", "password": "a long passphrase here"})
    assert r.status_code == 400 and "Retry-After" not in r


def test_password_reset_mails_are_limited_per_target_without_saying_so(clock, client, alice):
    sent_page = client.post("/password-reset/", {"email": alice.email})
    assert sent_page.status_code == 302
    for _ in range(11):
        r = client.post("/password-reset/", {"email": alice.email.upper()}, REMOTE_ADDR=f"10.0.0.{_}")
        assert r.status_code == 302 and r["Location"] == sent_page["Location"]
    assert len(mail.outbox) == limits.PASSWORD_RESET_EMAIL.count  # not 12
    # An address without an account gets the very same answers: nothing tells them apart.
    for i in range(12):
        r = client.post("/password-reset/", {"email": "nobody@example.org"}, REMOTE_ADDR=f"10.1.0.{i}")
        assert r.status_code == 302 and r["Location"] == sent_page["Location"]
    assert len(mail.outbox) == limits.PASSWORD_RESET_EMAIL.count
    clock["t"] += 3600
    client.post("/password-reset/", {"email": alice.email}, REMOTE_ADDR="10.2.0.1")
    assert len(mail.outbox) == limits.PASSWORD_RESET_EMAIL.count + 1


def test_password_reset_requests_are_limited_per_client_address(clock, client, make_member):
    for i in range(limits.PASSWORD_RESET_IP.count):
        make_member(f"m{i}", email=f"m{i}@example.org")
        assert client.post("/password-reset/", {"email": f"m{i}@example.org"}).status_code == 302
    r = client.post("/password-reset/", {"email": "another@example.org"})
    assert r.status_code == 429 and r["Retry-After"] == "3600"
    assert "Too many password-reset requests from your network" in r.content.decode()
    assert len(mail.outbox) == limits.PASSWORD_RESET_IP.count


def test_an_imported_member_claims_the_account_by_the_reset_link(client, db):
    """An import creates members without a usable password; the reset link is how they claim
    the account. A deleted account gets no link."""
    from accounts.models import Member

    imported = Member.objects.create_user("старожил", email="old@example.org", password=None, is_imported=True)
    gone = Member.objects.create_user("gone", email="gone@example.org", password=None, is_imported=True,
                                      is_deleted=True, is_active=False)
    assert not imported.has_usable_password()
    assert client.post("/password-reset/", {"email": "OLD@example.org"}).status_code == 302
    client.post("/password-reset/", {"email": gone.email})
    assert [m.to for m in mail.outbox] == [["old@example.org"]]
    link = re.search(r"https?://[^\s]+/password-reset/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    r = client.get("/" + path, follow=True)
    form_url = r.redirect_chain[-1][0] if r.redirect_chain else "/" + path
    r = client.post(form_url, {"new_password1": "a claimed passphrase", "new_password2": "a claimed passphrase"})
    assert r.status_code == 302
    imported.refresh_from_db()
    assert imported.check_password("a claimed passphrase")
