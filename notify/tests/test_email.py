"""E-mails delivered to a real SMTP server on 127.0.0.1 and read back."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from notify import delivery, links
from notify.models import Email, Preferences
from notify.tests.conftest import text_of


def signup(client, login, email, choice="now"):
    return client.post("/signup/", {"login": login, "email": email, "password": "a long enough password 42",
                                    "real_name": "", "notify_email": choice})


def test_signup_confirm_then_reply_mail(smtp, alice, article, post, run, make_member):
    client = Client()
    r = run(signup, client, "newbie", "newbie@example.org")
    assert r.status_code == 302
    [confirm] = smtp.to("newbie@example.org")
    assert "confirm" in confirm["Subject"].lower()
    url = re.search(r"https://news\.example\.org(/notifications/confirm/[^\s]+/)", text_of(confirm, "plain")).group(1)
    from accounts.models import Member

    newbie = Member.objects.get(login="newbie")
    first = run(post, newbie, article, "Newbie speaks.")
    # not confirmed yet: the reply sends nothing
    run(post, alice, article, "Alice answers <script>alert(1)</script>.", parent=first)
    assert len(smtp.to("newbie@example.org")) == 1
    assert Client().get(url).status_code == 200  # signed out
    assert Preferences.objects.get(member=newbie).confirmed_email == "newbie@example.org"
    second = run(post, newbie, article, "Newbie again.")
    run(post, alice, article, "Alice answers again <b>bold</b>.", parent=second)
    mails = smtp.to("newbie@example.org")
    assert len(mails) == 2
    m = mails[1]
    assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(https://news\.example\.org/notifications/unsubscribe/[^>]+/)>",
                               re.sub(r"\s+", "", str(m["List-Unsubscribe"]))).group(1)
    plain, html = text_of(m, "plain"), text_of(m, "html")
    assert "alice (Alice Liddell) replied to your comment" in plain
    assert "alice (Alice Liddell) replied to your comment" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html  # escaped
    assert "/account/#notifications" in plain
    # the unsubscribe link works signed out, without a CSRF token (RFC 8058)
    one_click = Client(enforce_csrf_checks=True)
    path = unsubscribe.removeprefix("https://news.example.org")
    assert one_click.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    prefs = Preferences.objects.get(member=newbie)
    assert {prefs.delivery(k) for k in ("reply", "quote", "mention", "followed")} == {"never"}


def test_at_most_one_mail_per_ten_minutes_the_rest_coalesced(smtp, alice, bob, article, post, run, confirmed):
    confirmed(alice)
    comments = [run(post, alice, article, f"Alice {i}.") for i in range(3)]
    for i, c in enumerate(comments):
        run(post, bob, article, f"Bob reply {i}.", parent=c)
    mails = smtp.to(alice.email)
    assert len(mails) == 1 and "Bob reply 0" in text_of(mails[0], "plain")
    assert "Bob reply 1" not in text_of(mails[0], "plain")
    run(delivery.send_due)  # still inside the window: nothing
    assert len(smtp.to(alice.email)) == 1
    later = timezone.now() + delivery.WINDOW + timedelta(seconds=1)
    delivery.send_due(now=later)
    mails = smtp.to(alice.email)
    assert len(mails) == 2
    body = text_of(mails[1], "plain")
    assert "Bob reply 1" in body and "Bob reply 2" in body and "2 new notifications" in mails[1]["Subject"]


def test_a_comment_removed_before_the_mail_is_not_in_it(smtp, alice, bob, moderator, article, post, run, confirmed):
    from moderation import actions as moderation_actions

    confirmed(alice, last_email_at=timezone.now())  # inside the window: the reply waits
    first = run(post, alice, article, "Alice speaks.")
    reply = run(post, bob, article, "Words soon removed.", parent=first)
    run(moderation_actions.hide, moderator, reply, "spam")
    delivery.send_due(now=(timezone.now() + delivery.WINDOW * 2))
    for m in smtp.to(alice.email):
        assert "Words soon removed" not in m.as_string()


def test_header_injection_through_names_and_logins(smtp, alice, make_member, article, post, run, confirmed):
    from accounts.models import Member

    confirmed(alice)
    evil = make_member("evil")
    Member.objects.filter(pk=evil.pk).update(login="evil\r\nBcc: victim@example.org",
                                             real_name="Eve\r\nSubject: pwned\nX-Evil: 1")
    evil.refresh_from_db()
    first = run(post, alice, article, "Alice speaks.")
    run(post, evil, article, "Hi\r\nBcc: x@example.org", parent=first)
    [m] = smtp.to(alice.email)
    assert m["Bcc"] is None and m["X-Evil"] is None
    assert "pwned" not in m["Subject"]
    assert all(addr == alice.email for addr in [m["To"]])


def test_smtp_down_or_refusing_retries_and_the_site_is_unaffected(smtp, alice, bob, article, post, run, confirmed,
                                                                  settings):
    confirmed(alice)
    first = run(post, alice, article, "Alice speaks.")
    smtp.refuse = True
    reply = run(post, bob, article, "While the server refuses.", parent=first)
    assert reply.pk  # posted
    assert smtp.to(alice.email) == []
    [row] = Email.objects.filter(member=alice)
    assert row.sent_at is None and row.attempts == 1
    smtp.refuse = False
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens: down
    with pytest.raises(OSError):
        delivery.send_row(row)
    settings.EMAIL_PORT = port
    delivery.send_due()
    delivery.send_due()
    assert len(smtp.to(alice.email)) == 1  # sent once, after the retries


@pytest.mark.parametrize("link", ["confirm", "unsubscribe", "unfollow"])
def test_tampered_or_expired_links_change_nothing(link, alice, article, monkeypatch, confirmed):
    from notify import actions
    from notify.models import Follow

    actions.follow(alice, article.pk)
    confirmed(alice)
    Preferences.objects.filter(member=alice).update(confirmed_email="")
    url = {"confirm": links.confirm_url(alice.pk, alice.email), "unsubscribe": links.unsubscribe_url(alice.pk),
           "unfollow": links.unfollow_url(alice.pk, article.pk)}[link]
    path = url.split("://", 1)[1].split("/", 1)[1]
    tampered = "/" + path[:-6] + ("A" if path[-6] != "A" else "B") + path[-5:]
    client = Client(enforce_csrf_checks=True)
    for method in (client.get,) if link == "confirm" else (client.get, client.post):
        r = method(tampered)
        assert r.status_code == 400 and "This link does not work" in r.content.decode()
    monkeypatch.setattr(links, "CONFIRM_MAX_AGE", timedelta(seconds=-1))
    monkeypatch.setattr(links, "LINK_MAX_AGE", timedelta(seconds=-1))
    assert (client.get if link == "confirm" else client.post)("/" + path).status_code == 400
    prefs = Preferences.objects.get(member=alice)
    assert prefs.confirmed_email == "" and prefs.email == {}
    assert Follow.objects.filter(member=alice).exists()


def test_unfollow_from_the_mail_link(alice, article):
    from notify import actions
    from notify.models import Follow

    actions.follow(alice, article.pk)
    path = "/" + links.unfollow_url(alice.pk, article.pk).split("://", 1)[1].split("/", 1)[1]
    assert Client().get(path).status_code == 200 and Follow.objects.filter(member=alice).exists()
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    assert not Follow.objects.filter(member=alice).exists()


def test_daily_digest_once_even_when_restarted(smtp, make_member, article, post, run, confirmed, monkeypatch):
    from notify.actions import follow

    readers = [confirmed(make_member(f"r{i}")) for i in range(3)]
    for r in readers:
        follow(r, article.pk)  # "followed" goes to the daily digest by default
    writer = make_member("writer")
    run(post, writer, article, "News of the day.")
    real = delivery.mail.notifications_message
    calls = {"n": 0}

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(delivery.mail, "notifications_message", dying)
    with pytest.raises(KeyboardInterrupt):
        delivery.send_digests()
    assert len(smtp.messages) == 1  # one went before the worker died
    monkeypatch.setattr(delivery.mail, "notifications_message", real)
    delivery.send_digests()
    delivery.send_digests()
    for r in readers:
        mails = smtp.to(r.email)
        assert len(mails) == 1, r.login
        assert "daily digest" in mails[0]["Subject"] and "News of the day" in text_of(mails[0], "plain")
        assert "Stop following" in text_of(mails[0], "plain")
    assert smtp.to(writer.email) == []


def test_unconfirmed_get_nothing_but_the_confirmation(smtp, alice, bob, article, post, run):
    first = run(post, alice, article, "Alice speaks.")
    run(post, bob, article, "Bob answers.", parent=first)
    delivery.send_due(now=(timezone.now() + delivery.WINDOW * 2))
    assert smtp.to(alice.email) == []


def test_mail_in_the_members_language_with_russian_plurals(smtp, alice, bob, article, post, run, confirmed, settings):
    settings.LANGUAGE_CODE = "ru"  # the site's language, until Member.language exists (notify.mail.language_of)
    confirmed(alice)
    comments = [run(post, alice, article, f"Alice {i}.") for i in range(2)]
    for c in comments:
        run(post, bob, article, "Ответ.", parent=c)
    delivery.send_due(now=timezone.now() + delivery.WINDOW * 2)
    subjects = [m["Subject"] for m in smtp.to(alice.email)]
    assert subjects[0].endswith("1 новое уведомление") and subjects[1].endswith("1 новое уведомление")
    body = text_of(smtp.to(alice.email)[0], "plain")
    assert "ответил(а) на ваш комментарий" in body and "Здравствуйте, alice!" in body
    assert "replied" not in body
