"""In-site notifications, through the HTTP client: who is told of what, and who is not."""

import pytest
from django.test import Client

from discussion.models import Comment
from notify.models import Notification


def page(client) -> str:
    return client.get("/notifications/").content.decode()


@pytest.fixture
def alice_client(alice):
    c = Client()
    c.force_login(alice)
    return c


def test_reply_notifies_the_parent_author_and_nobody_else(alice, bob, make_member, article, post, run, alice_client):
    carol = make_member("carol")
    first = run(post, alice, article, "Alice speaks.")
    run(post, bob, article, "Bob answers *alice*.", parent=first)
    html = page(alice_client)
    assert "bob replied to your comment" in html
    assert "<em>alice</em>" in html
    assert 'aria-label="1 unread"' in alice_client.get("/").content.decode()
    # never yourself; nobody uninvolved
    bob_client, carol_client = Client(), Client()
    bob_client.force_login(bob)
    carol_client.force_login(carol)
    assert "replied to your comment" not in page(bob_client)
    assert "replied to your comment" not in page(carol_client)
    run(post, alice, article, "Alice answers herself.", parent=first)
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert Client().get("/notifications/").status_code == 302  # anonymous: sign in first


def test_a_duplicated_fan_out_tells_nothing_twice(alice, bob, article, post, run):
    from notify import tasks

    first = run(post, alice, article, "Alice speaks.")
    reply = run(post, bob, article, "Bob answers.", parent=first)
    tasks.fan_out.call(reply.pk, "posted")
    tasks.fan_out.call(reply.pk, "posted")
    assert Notification.objects.filter(recipient=alice, comment=reply).count() == 1


@pytest.mark.parametrize("fate", ["held", "hidden", "deleted by its author", "deleted by a moderator", "draft article"])
def test_no_notification_shows_a_comment_the_recipient_may_not_read(fate, alice, bob, moderator, article, post, run,
                                                                     alice_client, monkeypatch):
    from discussion import actions as discussion_actions
    from moderation import actions as moderation_actions
    from moderation import policy

    first = run(post, alice, article, "Alice speaks.")
    secret = "Bob's secret words"
    if fate == "held":
        monkeypatch.setattr(policy, "screen_comment", lambda *a, **k: Comment.Status.HELD)
    reply = run(post, bob, article, secret, parent=first)
    if fate == "hidden":
        run(moderation_actions.hide, moderator, reply, "spam")
    elif fate == "deleted by its author":
        run(discussion_actions.delete_comment, bob, reply)
    elif fate == "deleted by a moderator":
        run(moderation_actions.delete, moderator, reply, "spam")
    elif fate == "draft article":
        article.state = article.State.DRAFT
        article.save()
    html = page(alice_client)
    assert secret not in html
    assert "bob replied" not in html
    assert 'aria-label="1 unread"' not in alice_client.get("/").content.decode()
    from notify.unread import unread_count

    assert unread_count(alice) == 0


def test_a_held_reply_tells_once_approved(alice, bob, moderator, article, post, run, alice_client, monkeypatch):
    from moderation import actions as moderation_actions
    from moderation import policy

    first = run(post, alice, article, "Alice speaks.")
    monkeypatch.setattr(policy, "screen_comment", lambda *a, **k: Comment.Status.HELD)
    reply = run(post, bob, article, "Held words", parent=first)
    assert not Notification.objects.filter(recipient=alice).exists()
    run(moderation_actions.approve, moderator, reply)
    assert "Held words" in page(alice_client)
    bob_client = Client()
    bob_client.force_login(bob)
    assert "the comment was approved" in page(bob_client)  # the author hears of the decision


def test_quote_and_mentions(alice, bob, make_member, article, post, run, alice_client):
    cat = make_member("Just a cat")
    ivan = make_member("Иван")
    first = run(post, alice, article, "Alice speaks.")
    body = f'> [quote=c{first.pk}]\n> Alice speaks.\n\nHello @"Just a cat" and @Иван and @nobody_here.'
    c = run(post, bob, article, body)
    html = c.body_html
    assert 'class="mention"' in html and "/members/Just%20a%20cat/" in html
    assert "@nobody_here" in html and "/members/nobody_here/" not in html  # a missing member: plain text
    assert "bob quoted your comment" in page(alice_client)
    for m in (cat, ivan):
        client = Client()
        client.force_login(m)
        assert "bob mentioned you" in page(client)


def test_at_most_five_mentions_notify(bob, make_member, article, post, run):
    names = [make_member(f"m{i}") for i in range(7)]
    c = run(post, bob, article, " ".join(f"@{m.login}" for m in names))
    assert c.body_html.count('class="mention"') == 7  # all linked
    assert Notification.objects.filter(comment=c, kind="mention").count() == 5


def test_a_mention_inside_code_or_a_link_is_not_one(alice, bob, article, post, run):
    c = run(post, bob, article, "`@alice` and [x](https://example.org/@alice)")
    assert 'class="mention"' not in c.body_html
    assert not Notification.objects.filter(recipient=alice).exists()


def test_mark_read_and_mark_all_read(alice, bob, article, post, run, alice_client):
    first = run(post, alice, article, "Alice speaks.")
    run(post, bob, article, "One.", parent=first)
    run(post, bob, article, f"> [quote=c{first.pk}]\n> Alice speaks.\n\nTwo.")
    n1, n2 = Notification.objects.filter(recipient=alice).order_by("id")
    other = Client()
    other.force_login(bob)
    other.post("/notifications/read/", {"id": n1.pk})  # not theirs: nothing happens
    n1.refresh_from_db()
    assert n1.read_at is None
    assert alice_client.post("/notifications/read/", {"id": n1.pk}).status_code == 302
    assert alice_client.get("/notifications/unread.json").json() == {"unread": 1}
    assert alice_client.post("/notifications/read/", {"id": "x"}).status_code == 302  # refused, with a message
    alice_client.post("/notifications/read/", {"all": "1"})
    assert alice_client.get("/notifications/unread.json").json() == {"unread": 0}
    assert 'aria-label="1 unread"' not in alice_client.get("/").content.decode()


def test_follow_button_is_per_member_and_never_in_the_shared_page(alice, bob, article, alice_client):
    url = article.get_absolute_url()
    anon = Client().get(url).content.decode()
    assert "follow-form" not in anon
    assert "Follow this discussion" in alice_client.get(url).content.decode()
    r = alice_client.post(f"/follow/{article.pk}/", {"do": "follow"})
    assert r.status_code == 302
    assert "Following · stop" in alice_client.get(url).content.decode()
    bob_client = Client()
    bob_client.force_login(bob)
    bob_page = bob_client.get(url).content.decode()
    assert "Following · stop" not in bob_page and "Follow this discussion" in bob_page
    assert "follow-form" not in Client().get(url).content.decode()
    alice_client.post(f"/follow/{article.pk}/", {"do": "unfollow"})
    assert "Follow this discussion" in alice_client.get(url).content.decode()
    assert Client().post(f"/follow/{article.pk}/", {"do": "follow"}).status_code == 302  # to sign in
    from notify.models import Follow

    assert not Follow.objects.exists()


def test_follow_of_a_draft_or_missing_article_is_refused(alice, make_article, alice_client):
    draft = make_article(state="draft")
    assert alice_client.post(f"/follow/{draft.pk}/", {"do": "follow"}).status_code == 404
    assert alice_client.post("/follow/999999/", {"do": "follow"}).status_code == 404


def test_followers_hear_of_new_comments_and_commenting_follows(alice, bob, make_member, article, post, run,
                                                               alice_client):
    carol = make_member("carol")
    from notify.actions import set_preferences
    from notify.kinds import defaults

    set_preferences(carol, defaults(), follow_when_commenting=False)
    run(post, alice, article, "Alice starts.")  # follows by commenting
    run(post, carol, article, "Carol too, without following.")
    run(post, bob, article, "Bob says something.")
    # Alice is told of carol's, which stands for bob's too (test_followed_coalesced.py).
    assert "carol commented, and 1 more comment since" in page(alice_client)
    carol_client = Client()
    carol_client.force_login(carol)
    assert "commented" not in page(carol_client)
    bob_client = Client()
    bob_client.force_login(bob)
    assert "bob commented" not in page(bob_client)  # never yourself


def test_moderator_decisions_reach_author_and_reporters_without_text(alice, bob, moderator, article, post, run,
                                                                    alice_client):
    from moderation import actions as moderation_actions

    c = run(post, alice, article, "Alice's rude words")
    run(moderation_actions.report, bob, c, "spam")
    run(moderation_actions.hide, moderator, c, "spam")
    html = page(alice_client)
    assert "A moderator decided on your comment: the comment was removed" in html
    assert "Alice&#x27;s rude words" not in html and "Alice's rude words" not in html
    bob_client = Client()
    bob_client.force_login(bob)
    assert "Your report was looked at: the comment was removed" in page(bob_client)


def test_login_completion(alice, bob, make_member, article, post, run, alice_client, settings):
    make_member("bobby")
    run(post, make_member("boris"), article, "I took part.")
    r = alice_client.get("/api/v1/logins/", {"q": "bo", "article": article.pk})
    logins = [x["login"] for x in r.json()["logins"]]
    assert logins[0] == "boris" and set(logins) == {"boris", "bob", "bobby"}
    make_member("Just a cat")
    r = alice_client.get("/api/v1/logins/", {"q": "just"})
    assert r.json()["logins"] == [{"login": "Just a cat", "insert": '@"Just a cat"'}]
    assert alice_client.get("/api/v1/logins/", {"q": ""}).status_code == 400
    assert alice_client.get("/api/v1/logins/", {"q": "x" * 40}).status_code == 400
    from notify import views

    for _ in range(views.COMPLETE_LIMIT):
        alice_client.get("/api/v1/logins/", {"q": "b"})
    r = alice_client.get("/api/v1/logins/", {"q": "b"})
    assert r.status_code == 429 and r["Retry-After"]


def test_settings_page_shows_preferences_and_follows(alice, article, alice_client):
    alice_client.post(f"/follow/{article.pk}/", {"do": "follow"})
    html = alice_client.get("/account/").content.decode()
    assert 'id="notifications"' in html and article.title in html
    from notify.kinds import KINDS

    data = {f"email_{k}": "never" for k in KINDS}
    assert alice_client.post("/notifications/settings/", data).status_code == 302
    from notify.models import Preferences

    assert Preferences.objects.get(member=alice).delivery("reply") == "never"
    bad = {**data, "email_reply": "hourly"}
    alice_client.post("/notifications/settings/", bad)
    assert Preferences.objects.get(member=alice).delivery("reply") == "never"  # nothing half-written


@pytest.mark.parametrize("role", ["member", "moderator", "editor"])
@pytest.mark.parametrize("status", ["held", "removed", "deleted"])
def test_no_role_is_told_of_a_comment_not_public(role, status, make_member, bob, article, post, run, monkeypatch):
    """A moderator or an editor may read a held or removed comment elsewhere; a notification
    still never carries one (it goes to the members concerned as any member)."""
    from conftest import role as group
    from discussion import actions as discussion_actions
    from moderation import actions as moderation_actions
    from moderation import policy

    recipient = make_member("recipient")
    if role != "member":
        recipient.groups.add(group({"moderator": "Moderators", "editor": "Editors"}[role]))
    mod = make_member("mod2")
    mod.groups.add(group("Moderators"))
    first = run(post, recipient, article, "Recipient speaks.")
    if status == "held":
        monkeypatch.setattr(policy, "screen_comment", lambda *a, **k: Comment.Status.HELD)
    text = f"@recipient words that are {status}"
    reply = run(post, bob, article, text, parent=first)
    if status == "removed":
        run(moderation_actions.hide, mod, reply, "spam")
    elif status == "deleted":
        run(discussion_actions.delete_comment, bob, reply)
    client = Client()
    client.force_login(recipient)
    html = client.get("/notifications/").content.decode()
    assert f"words that are {status}" not in html and "bob replied" not in html
    assert client.get("/notifications/unread.json").json() == {"unread": 0}


@pytest.mark.parametrize(("choice", "reply", "followed"), [("never", "never", "never"), ("daily", "daily", "daily"),
                                                           ("now", "now", "daily"), ("hourly", "now", "daily")])
def test_signup_chooses_emails_in_one_step(choice, reply, followed, db):
    from accounts.models import Member
    from notify.models import Preferences

    client = Client()
    form = client.get("/signup/").content.decode()
    assert 'name="notify_email" value="never"' in form
    r = client.post("/signup/", {"login": f"new {choice}", "email": "", "password": "a long enough password 42",
                                 "real_name": "", "notify_email": choice})
    assert r.status_code == 302
    prefs = Preferences.objects.filter(member=Member.objects.get(login=f"new {choice}")).first()
    got = (prefs.delivery("reply"), prefs.delivery("followed")) if prefs else ("now", "daily")
    assert got == (reply, followed)  # an unknown choice keeps the defaults


def test_an_empty_page_says_so_without_numbering_it(alice_client, alice):
    html = page(alice_client)
    assert '<li class="empty">Nothing yet.' in html
    assert "Mark all read" not in html
