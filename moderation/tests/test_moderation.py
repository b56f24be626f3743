"""Reports, the queue and its actions, the log, bans, pre-moderation and closing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ActionError
from discussion import actions as discussion_actions
from discussion.models import Comment
from moderation import actions
from moderation.models import Ban, LogEntry, Report


def test_reports_once_per_member_never_on_own(alice, bob, article, post):
    c = post(alice, article, "something rude")
    actions.report(bob, c, "insult")
    with pytest.raises(ActionError, match="already reported"):
        actions.report(bob, c, "spam")
    with pytest.raises(ActionError, match="your own"):
        actions.report(alice, c, "spam")
    with pytest.raises(ActionError, match="Say in a few words"):
        actions.report(alice, post(bob, article, "x"), "other")
    with pytest.raises(ActionError, match="Choose a reason"):
        actions.report(alice, post(bob, article, "y"), "boring")
    assert Report.objects.count() == 1


def test_report_through_the_form(client, alice, bob, article, post):
    c = post(alice, article, "rude")
    client.force_login(bob)
    assert "What is wrong with it?" in client.get(f"/comments/{c.pk}/report/").content.decode()
    r = client.post(f"/comments/{c.pk}/report/", {"reason": "other", "text": "<script>alert(1)</script> doxxing"})
    assert r.status_code == 302
    r = client.post(f"/comments/{c.pk}/report/", {"reason": "spam"})
    assert r.status_code == 409 and "already reported" in r.content.decode()


def test_queue_orders_by_urgency_and_shows_context(client, moderator, make_member, alice, bob, article, post):
    parent = post(bob, article, "the parent words")
    mild = post(alice, article, "mildly reported")
    hot = post(alice, article, "much reported", parent=parent)
    actions.report(bob, mild, "spam")
    for i in range(3):
        actions.report(make_member(f"reporter{i}"), hot, "insult")
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    assert html.index("much reported") < html.index("mildly reported")
    assert "the parent words" in html and "3 reports" in html


def test_hide_restore_delete_and_the_log(client, moderator, alice, bob, article, post):
    c = post(alice, article, "over the line")
    post(bob, article, "a reply", parent=c)
    actions.hide(moderator, c, "insult", "name-calling")
    c.refresh_from_db()
    assert c.status == "removed" and c.moderation_reason == "Insult: name-calling"
    article.refresh_from_db()
    assert article.comment_count == 1
    # Everyone sees the placeholder; the author also sees the reason.
    client.force_login(alice)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Comment removed by a moderator." in html and "over the line" not in html
    assert f"#c{c.pk}>button{{display:none}}" in html and "Reason: Insult: name-calling" in html
    assert "1 comment removed by moderators: 1 insult." in html
    actions.restore(moderator, c)
    c.refresh_from_db()
    assert c.status == "visible"
    actions.delete(moderator, c, "illegal")
    c.refresh_from_db()
    assert c.body == "" and c.body_html == "" and c.status == "removed"
    with pytest.raises(ActionError, match="nothing to restore"):
        actions.restore(moderator, c)
    assert list(LogEntry.objects.order_by("id").values_list("action", "reason")) == [
        ("hide", "insult"), ("restore", ""), ("delete", "illegal")]
    entry = LogEntry.objects.first()
    with pytest.raises(ValueError, match="append-only"):
        entry.note = "rewritten"
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    client.force_login(moderator)
    assert "name-calling" in client.get("/moderation/log/").content.decode()


def test_moderator_edit_shows_a_note(client, moderator, alice, article, post):
    c = post(alice, article, "call me at 555-1234")
    with pytest.raises(ActionError, match="Say why"):
        actions.edit(moderator, c, "call me", "")
    actions.edit(moderator, c, "call me [number removed]", "no phone numbers")
    html = client.get(article.get_absolute_url()).content.decode()
    # Readers see that a moderator edited it; the note is for its author.
    assert "edited by a moderator" in html and "no phone numbers" not in html and "555-1234" not in html
    client.force_login(alice)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "edited by a moderator: no phone numbers" in html and "555-1234" not in html


def test_bulk_actions(client, moderator, alice, bob, article, post):
    cs = [post(alice, article, f"spam {i}") for i in range(3)]
    for c in cs:
        actions.report(bob, c, "spam")
    client.force_login(moderator)
    r = client.post("/moderation/bulk/", {"ids": [c.pk for c in cs[:2]], "action": "hide", "reason": "spam"})
    assert r.status_code == 302
    assert list(Comment.objects.order_by("id").values_list("status", flat=True)) == ["removed", "removed", "visible"]
    assert Report.objects.filter(resolved=None).count() == 1


def test_bans(client, moderator, alice, bob, article, post):
    c = post(alice, article, "before the ban")
    client.force_login(alice)
    actions.ban(moderator, alice, days=3, scope=Ban.Scope.COMMENTING, reason="repeated insults")
    with pytest.raises(ActionError, match="banned from commenting until .* Reason: repeated insults"):
        post(alice, article, "after")
    with pytest.raises(ActionError, match="banned"):
        discussion_actions.vote(alice, post(bob, article, "x"), 1)
    with pytest.raises(ActionError, match="banned"):
        actions.report(alice, Comment.objects.get(body="x"), "spam")
    page = client.get("/").content.decode()
    assert "You are banned from commenting until" in page
    c.refresh_from_db()
    assert c.status == "visible"  # past comments stay


def test_the_member_row_says_whether_a_ban_is_looked_up(moderator, alice, bob, monkeypatch):
    """Every signed-in request asks whether its member is banned; a member never banned is
    answered from their own row, without a cache or database lookup."""
    from django.core.cache import caches

    from accounts.models import Member
    from moderation import policy

    looked = []
    monkeypatch.setattr(type(caches["default"]), "get", lambda self, key, *a, **k: looked.append(key))
    fresh = Member.objects.get(pk=alice.pk)
    assert fresh.ban_on_file is False and policy.active_ban(fresh) is None
    assert looked == []
    monkeypatch.undo()

    b = Ban.objects.create(member=bob, reason="spam", scope=Ban.Scope.COMMENTING)  # not through actions: still recorded
    assert Member.objects.get(pk=bob.pk).ban_on_file is True and bob.ban_on_file is True
    assert policy.active_ban(Member.objects.get(pk=bob.pk)) == b
    actions.lift_ban(moderator, b)
    assert Member.objects.get(pk=bob.pk).ban_on_file is False
    assert policy.active_ban(Member.objects.get(pk=bob.pk)) is None
    b.delete()
    assert Member.objects.get(pk=bob.pk).ban_on_file is False


def test_full_ban_ends_sessions_and_can_hide_everything(client, moderator, alice, article, post):
    c = post(alice, article, "everything I said")
    client.force_login(alice)
    assert client.get("/account/").status_code == 200
    actions.ban(moderator, alice, days=None, scope=Ban.Scope.FULL, reason="spam bot", hide_comments=True)
    assert client.get("/account/").status_code == 302  # signed out
    c.refresh_from_db()
    assert c.status == "removed"
    alice.refresh_from_db()
    client.force_login(alice)  # a banned member may sign in again, to read why
    assert "banned from taking part permanently" in client.get("/").content.decode()


def test_ban_form_refuses_bad_input(client, moderator, alice):
    client.force_login(moderator)
    r = client.post(f"/moderation/members/{alice.pk}/ban/", {"days": "99999", "scope": "full", "reason": "x"})
    assert r.status_code == 400 and "1 to 3,650 days" in r.content.decode()
    r = client.post(f"/moderation/members/{alice.pk}/ban/", {"days": "2", "scope": "full", "reason": ""})
    assert "Give the reason" in r.content.decode()
    assert not Ban.objects.exists()


@pytest.mark.parametrize("where", ["article", "section"])
def test_premoderation_holds_until_approved(client, moderator, alice, bob, article, post, where):
    if where == "article":
        article.premoderated = True
        article.save()
    else:
        article.section.premoderated = True
        article.section.save()
    c = post(alice, article, "held words")
    assert c.status == "held"
    client.force_login(alice)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "held words" in html and "awaiting moderation" in html
    client.force_login(bob)
    assert "held words" not in client.get(article.get_absolute_url()).content.decode()
    actions.approve(moderator, c)
    assert "held words" in client.get(article.get_absolute_url()).content.decode()
    article.refresh_from_db()
    assert article.comment_count == 1


def test_first_comments_of_a_member_are_held(settings, alice, article, post, moderator):
    settings.VECHE_PREMODERATE_FIRST = 1
    first = post(alice, article, "first")
    assert first.status == "held"
    actions.approve(moderator, first)
    assert post(alice, article, "second").status == "visible"


def test_new_accounts_wait_before_commenting(settings, alice, article, post):
    settings.VECHE_NEW_ACCOUNT_QUIET_HOURS = 2
    with pytest.raises(ActionError, match="New accounts can comment 2 hours after signing up"):
        post(alice, article, "too soon")
    alice.date_joined = timezone.now() - timedelta(hours=2, seconds=1)
    alice.save()
    post(alice, article, "now fine")


def test_comments_close_after_n_days_with_override(settings, client, alice, make_article, post):
    settings.VECHE_COMMENTS_CLOSE_AFTER_DAYS = 30
    now = timezone.now()
    day30 = make_article(published_at=now - timedelta(days=30, seconds=1))
    day29 = make_article(published_at=now - timedelta(days=29, hours=23))
    override = make_article(published_at=now - timedelta(days=40), comments_close_after_days=60)
    post(alice, day29, "fine")
    post(alice, override, "fine too")
    with pytest.raises(ActionError, match="closed automatically"):
        post(alice, day30, "late")
    client.force_login(alice)
    assert "closed automatically" in client.get(day30.get_absolute_url()).content.decode()


def test_approving_a_held_comment_publishes_it_live(moderator, alice, article, post, django_capture_on_commit_callbacks):
    from live.broker import get_broker

    article.premoderated = True
    article.save()
    c = post(alice, article, "wait")
    broker = get_broker()
    published = []
    original = broker.publish
    broker.publish = lambda event: published.append(event) or "1"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            actions.approve(moderator, c)
    finally:
        broker.publish = original
    assert [e["type"] for e in published] == ["comment.new"]
    assert published[0]["comment"] == c.pk
