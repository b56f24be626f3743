"""Logins, sign-up and sign-in, presence, profiles, replies and deleted accounts."""

import time

import pytest
from django.core import mail

from accounts import actions, presence
from accounts.models import Member
from core import memo
from core.errors import ActionError


@pytest.mark.parametrize("login", ["123", "Bakht", "Just a cat", "Herman 4223", "Canich-dotoshnii",
                                   "Дух скрепный", "a.b_c-d", "ab", "x" * 32])
def test_logins_like_the_seeds_are_accepted(db, login):
    actions.check_login_available(login)


@pytest.mark.parametrize(("login", "why"), [
    ("a", "2 to 32"), ("x" * 33, "2 to 32"), (" lead", "start or end"), ("two  spaces", "two in a row"),
    ("semi;colon", "letters, digits"), ("<b>", "letters, digits"), ("---", "at least one letter"),
    ("emoji😀", "letters, digits"),
])
def test_bad_logins_are_refused_with_a_reason(db, login, why):
    with pytest.raises(ActionError, match=why):
        actions.check_login_available(login)


def test_logins_are_unique_case_insensitively_after_nfkc(make_member):
    make_member("Bakht")
    for twin in ("bakht", "BAKHT", "Ｂａｋｈｔ"):  # the last in full-width letters
        with pytest.raises(ActionError, match="is taken"):
            actions.check_login_available(twin)


def test_confusable_logins_are_refused(make_member):
    make_member("Bakht")
    with pytest.raises(ActionError, match="looks like the existing login “Bakht”"):
        actions.check_login_available("Bаkht")  # Cyrillic а
    make_member("Петр")
    with pytest.raises(ActionError, match="looks like"):
        actions.check_login_available("Пeтp")  # Latin e and p inside Cyrillic


def test_sign_up_signs_in_and_shows_the_real_name(client, db):
    r = client.post("/signup/", {"login": "Bakht", "real_name": "Bakhtiyar", "email": "b@example.org",
                                 "password": "a long passphrase here", "next": "/"})
    assert r.status_code == 302
    member = Member.objects.get()
    assert member.display_name == "Bakht (Bakhtiyar)"
    assert member.password.startswith("argon2") or member.password.startswith("md5")
    assert client.get("/").context["user"] == member


def test_sign_up_errors(client, make_member):
    make_member("Bakht")
    r = client.post("/signup/", {"login": "Bаkht", "password": "a long passphrase here"})
    assert r.status_code == 400 and "looks like the existing login" in r.content.decode()
    r = client.post("/signup/", {"login": "newbie", "password": "short"})
    assert "at least 10 characters" in r.content.decode()
    r = client.post("/signup/", {"login": "newbie", "password": "password1234"})
    assert "too common" in r.content.decode()
    r = client.post("/signup/", {"login": "newbie", "password": "x" * 129})
    assert "at most 128 characters" in r.content.decode()
    assert Member.objects.count() == 1


def test_sign_in_is_case_insensitive_and_rotates_the_session(client, make_member):
    make_member("Herman 4223", password="a long passphrase here")
    client.get("/signin/")
    before = client.session.session_key
    r = client.post("/signin/", {"username": "herman 4223", "password": "a long passphrase here"})
    assert r.status_code == 302
    assert client.session.session_key != before


def test_sign_out_ends_the_session_on_the_server(client, alice):
    from django.contrib.sessions.models import Session

    client.force_login(alice)
    key = client.session.session_key
    client.post("/signout/")
    assert not Session.objects.filter(session_key=key).exists()


def test_password_change_ends_other_sessions(client, alice):
    from django.test import Client

    other = Client()
    other.force_login(alice)
    client.force_login(alice)
    r = client.post("/account/password/", {"old_password": "correct horse battery",
                                           "new_password1": "another good passphrase",
                                           "new_password2": "another good passphrase"})
    assert r.status_code == 302
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302  # sent to sign in


def test_password_reset_works_once_and_does_not_reveal_accounts(client, alice):
    r = client.post("/password-reset/", {"email": "nobody@example.org"})
    assert r.status_code == 302 and len(mail.outbox) == 0
    r = client.post("/password-reset/", {"email": alice.email})
    assert r.status_code == 302 and len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    r = client.get(path)
    assert r.status_code == 302
    set_url = r["Location"]
    r = client.post(set_url, {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"})
    assert r.status_code == 302
    assert client.get(path, follow=True).context["validlink"] is False


def test_presence_window(alice, settings):
    settings.VECHE_PRESENCE_WINDOW = 300
    now = time.time()
    assert presence.online_ids([alice.pk], now=now) == set()
    presence.touch(alice, now=now)
    assert presence.online_ids([alice.pk], now=now + 299) == {alice.pk}
    assert presence.online_ids([alice.pk], now=now + 301) == set()


def test_with_redis_a_process_remembers_marks_instead_of_asking_again(alice, settings, monkeypatch):
    """Every signed-in request touches presence; within TOUCH_EVERY of a mark this process wrote
    or read, it does not ask the shared cache again."""
    if not settings.REDIS_URL:
        settings.REDIS_URL = "redis://127.0.0.1:6379/15"  # the shared path; marks go to the configured cache
    memo.forget_all()
    now = time.time()
    asked = []
    real_get = presence._get
    monkeypatch.setattr(presence, "_get", lambda pk: asked.append(pk) or real_get(pk))
    assert presence.touch(alice, now=now) is True
    assert presence.touch(alice, now=now + presence.TOUCH_EVERY - 1) is False
    assert asked == [alice.pk]  # the second touch was answered from memory
    presence.touch(alice, now=now + presence.TOUCH_EVERY)  # time to write again: asks first
    assert asked == [alice.pk, alice.pk]
    assert real_get(alice.pk) == int(now + presence.TOUCH_EVERY)  # the mark was written again

    # A mark another process wrote is read once, then remembered.
    memo.forget_all()
    later = now + 1000
    presence._set(alice.pk, later)
    presence._marked.clear()  # as if another process had written it
    asked.clear()
    assert presence.touch(alice, now=later + 1) is False
    assert presence.touch(alice, now=later + 2) is False
    assert asked == [alice.pk]
    presence.forget(alice.pk)  # a deleted account: remembered no more
    assert real_get(alice.pk) is None and alice.pk not in presence._marked


def test_a_request_marks_the_member_online(client, alice):
    client.force_login(alice)
    client.get("/")
    assert presence.online_ids([alice.pk]) == {alice.pk}
    alice.refresh_from_db()
    assert alice.last_seen is not None


def test_profile_and_replies(client, alice, bob, article, post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the notification is a task after commit
        mine = post(alice, article, "alice writes")
        post(bob, article, "bob answers", parent=mine)
    page = client.get("/members/alice/").content.decode()
    assert "alice (Alice Liddell)" in page and "alice writes" in page and "Offline" in page
    client.force_login(alice)
    front = client.get("/").content.decode()
    assert 'aria-label="1 unread"' in front
    replies = client.get("/replies/").content.decode()
    assert "bob answers" in replies
    # The header counts unread notifications (notify): read once marked read.
    assert "bob answers" in client.get("/notifications/").content.decode()
    client.post("/notifications/read/", {"all": "1"})
    assert 'aria-label="1 unread"' not in client.get("/").content.decode()


def test_deleted_accounts_keep_their_comments_without_presence_or_profile(client, alice, article, post):
    post(alice, article, "before I left")
    client.force_login(alice)
    r = client.post("/account/delete/", {"password": "correct horse battery"})
    assert r.status_code == 302
    html = client.get(article.get_absolute_url()).content.decode()
    assert "before I left" in html
    assert '<span class="login gone-account" dir="auto">alice</span>' in html
    assert "/members/alice/" not in html
    gone = client.get("/members/alice/")
    assert gone.status_code == 410 and "deleted account" in gone.content.decode()
    assert "Alice Liddell" not in gone.content.decode() and "before I left" not in gone.content.decode()
    data = client.get(f"/api/v1/articles/{article.slug}/comments/").json()["comments"][0]["author"]
    assert data == {"login": "alice", "real_name": "Alice Liddell", "presence": None, "rating": None, "deleted": True}
    assert 'data-rating=' not in html  # nor a rating: a deleted account has none to show


def test_a_new_real_name_or_a_deleted_account_reaches_pages_already_cached(
        client, alice, article, post, django_capture_on_commit_callbacks):
    """The discussion and its whole page are cached; a member's byline change must not wait
    for the next comment to show."""
    from core import pagecache

    post(alice, article, "cached words")
    reader = type(client)()
    assert "alice (Alice Liddell)" in reader.get(article.get_absolute_url()).content.decode()
    assert pagecache.lookup("page", article.slug, "oldest:1:en") is not None  # the front would serve this
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/account/", {"real_name": "Alice Pleasance", "about": "", "email": "alice@example.org"})
    assert r.status_code in (200, 302)
    assert pagecache.lookup("page", article.slug, "oldest:1:en") is None
    assert "alice (Alice Pleasance)" in reader.get(article.get_absolute_url()).content.decode()
    reader.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/delete/", {"password": "correct horse battery"})
    assert pagecache.lookup("page", article.slug, "oldest:1:en") is None
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "gone-account" in html and "/members/alice/" not in html


def test_presence_of_thousands_of_members_with_redis(alice, settings, monkeypatch):
    if not settings.REDIS_URL:
        pytest.skip("the shared marks are Redis's (the PostgreSQL + Redis pass)")
    from core import cache as shared

    memo.forget_all()
    now = time.time()
    presence._set(alice.pk, now)
    nobody = list(range(10**8, 10**8 + presence._MARKS_AT_ONCE + 500))  # more than one script call takes
    assert presence.online_until([*nobody, alice.pk], now=now) == {alice.pk: int(now) + presence.window()}

    def away(*args, **kwargs):
        raise shared.CacheUnavailable("down")

    monkeypatch.setattr(shared, "run_script", away)
    assert presence.online_ids([alice.pk], now=now) == set()  # Offline for the moment, not an error page
