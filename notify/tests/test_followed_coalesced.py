"""A followed discussion tells a follower once until they read or are mailed it: its next
comments add no row, and the one row's line counts them. Replies, quotes and mentions are
never coalesced."""

import pytest
from django.test import Client

from discussion.models import Comment
from notify import actions, delivery
from notify.models import Notification

from .conftest import text_of


@pytest.fixture
def follower(make_member):
    alice = make_member("alice")
    actions.set_preferences(alice, {}, follow_when_commenting=True)
    return alice


def followed_of(member):
    return list(Notification.objects.filter(recipient=member, kind="followed").order_by("id"))


def notifications_page(member) -> str:
    c = Client()
    c.force_login(member)
    return c.get("/notifications/").content.decode()


def test_one_pending_row_stands_for_the_discussions_next_comments(follower, bob, make_member, article, post, run):
    carol = make_member("carol")
    actions.follow(follower, article.pk)
    first = run(post, bob, article, "Bob first.")
    run(post, carol, article, "Carol second.")
    run(post, bob, article, "Bob third.")
    rows = followed_of(follower)
    assert [n.comment_id for n in rows] == [first.pk]  # one row, not three
    page = notifications_page(follower)
    assert "bob commented, and 2 more comments since" in page
    assert "carol commented" not in page
    # Others are told as before: bob follows by commenting and hears of carol once.
    assert [n.comment.body for n in followed_of(bob)] == ["Carol second."]


def test_read_or_mailed_the_next_comment_tells_again(follower, bob, article, post, run):
    actions.follow(follower, article.pk)
    run(post, bob, article, "One.")
    actions.mark_all_read(follower)
    second = run(post, bob, article, "Two.")
    assert [n.comment_id for n in followed_of(follower)][-1] == second.pk
    run(post, bob, article, "Three.")
    assert len(followed_of(follower)) == 2  # "Two." still pending stands for "Three."
    # Mailed (in a digest) but unread: no longer pending.
    from notify.models import Email

    mail = Email.objects.create(member=follower, key="digest:test")
    Notification.objects.filter(recipient=follower).update(email=mail)
    fourth = run(post, bob, article, "Four.")
    assert followed_of(follower)[-1].comment_id == fourth.pk
    # The read one counts only what came before it was read; the mailed one until it was mailed.
    page = notifications_page(follower)
    assert "bob commented, and 1 more comment since" in page  # "Two." and "Three."
    assert page.count("bob commented</a>") == 2  # "One." (read before "Two.") and "Four."


def test_a_pending_row_of_a_comment_removed_since_does_not_silence_the_discussion(
        follower, bob, moderator, article, post, run):
    from moderation import actions as moderation

    actions.follow(follower, article.pk)
    first = run(post, bob, article, "Soon removed.")
    run(moderation.hide, moderator, first, "spam")
    second = run(post, bob, article, "After it.")
    assert [n.comment_id for n in followed_of(follower)] == [second.pk]  # the pending one went with it
    page = notifications_page(follower)
    assert "Soon removed." not in page and "After it." in page


def test_replies_quotes_and_mentions_are_never_coalesced(follower, bob, article, post, run):
    actions.follow(follower, article.pk)
    mine = run(post, follower, article, "Alice's own.")
    run(post, bob, article, "Bob, in general.")
    run(post, bob, article, "Bob replies.", parent=mine)
    run(post, bob, article, f"> [quote=c{mine.pk}]\n> Alice's own.\n\nBob quotes.")
    run(post, bob, article, "Bob mentions @alice here.")
    kinds = [n.kind for n in Notification.objects.filter(recipient=follower).order_by("id")]
    assert kinds == ["followed", "reply", "quote", "mention"]


def test_the_count_leaves_out_the_followers_own_and_what_is_not_public(follower, bob, moderator, article, post, run):
    from moderation import actions as moderation

    actions.follow(follower, article.pk)
    run(post, bob, article, "Bob first.")
    run(post, follower, article, "Alice answers.")  # her own: not counted
    gone = run(post, bob, article, "Bob, removed.")
    run(moderation.hide, moderator, gone, "spam")
    run(post, bob, article, "Bob again.")
    assert "bob commented, and 1 more comment since" in notifications_page(follower)
    assert Comment.objects.filter(article=article).count() == 4


def test_the_digest_counts_the_rest(smtp, follower, bob, article, post, run, confirmed, settings):
    confirmed(follower)
    actions.follow(follower, article.pk)
    for i in range(3):
        run(post, bob, article, f"News {i}.")
    delivery.send_digests()
    [mail] = smtp.to(follower.email)
    body = text_of(mail, "plain")
    assert "News 0." in body and "and 2 more comments since" in body
    assert "News 1." not in body  # told by the count, not one by one


def test_russian_plural(follower, bob, article, post, run, settings):
    from django.utils import translation

    from notify import mail as notify_mail

    actions.follow(follower, article.pk)
    for i in range(6):
        run(post, bob, article, f"Comment {i}.")
    with translation.override("ru"):
        [item] = notify_mail.items_of(followed_of(follower))
    assert "и после него ещё 5" in item.line


def lines(member) -> list[str]:
    from notify import mail as notify_mail

    rows = list(Notification.objects.filter(recipient=member, kind="followed").select_related("comment__article", "actor")
                .order_by("comment_id"))
    from notify.unread import visible

    shown = set(visible(member).values_list("pk", flat=True))
    return [item.line for n, item in zip(rows, notify_mail.items_of(rows), strict=True) if n.pk in shown]


def test_a_removed_first_comment_hands_its_count_to_the_next(follower, bob, make_member, moderator, article, post, run):
    from moderation import actions as moderation

    carol = make_member("carol")
    actions.follow(follower, article.pk)
    spam = run(post, carol, article, "Spam first.")
    for i in range(3):
        run(post, bob, article, f"Bob {i}.")
    run(moderation.hide, moderator, spam, "spam")
    assert lines(follower) == ["bob commented, and 2 more comments since"]
    page = notifications_page(follower)
    assert "Bob 0." in page and "Spam first." not in page


def test_a_removed_comment_with_nothing_after_it_tells_nothing_and_the_next_tells_again(
        follower, bob, moderator, article, post, run):
    from moderation import actions as moderation

    actions.follow(follower, article.pk)
    only = run(post, bob, article, "Alone.")
    run(moderation.hide, moderator, only, "spam")
    assert not Notification.objects.filter(recipient=follower).exists()
    run(post, bob, article, "Next.")
    assert lines(follower) == ["bob commented"]


def test_a_held_comment_approved_after_later_ones_is_told(follower, bob, make_member, moderator, article, post, run,
                                                         monkeypatch):
    from moderation import actions as moderation

    carol = make_member("carol")
    actions.follow(follower, article.pk)
    held = run(post, carol, article, "Held at first.")
    run(discussion_set_status, held, "held")
    run(post, bob, article, "After 0.")
    run(post, bob, article, "After 1.")
    run(moderation.approve, moderator, held)
    assert lines(follower) == ["carol commented", "bob commented, and 1 more comment since"]


def discussion_set_status(comment, status):
    from discussion import actions as discussion_actions

    return discussion_actions.do_set_status(comment, status)


def test_a_comment_folded_in_while_the_mail_was_made_is_still_counted(follower, bob, article, post, run):
    from datetime import timedelta

    from notify.models import Email

    actions.follow(follower, article.pk)
    first = run(post, bob, article, "One.")
    second = run(post, bob, article, "Two.")  # folded into the pending row
    mail = Email.objects.create(member=follower, key="digest:x", created=second.created - timedelta(seconds=1))
    Notification.objects.filter(recipient=follower).update(email=mail)
    assert lines(follower) == ["bob commented, and 1 more comment since"]
    assert first.pk < second.pk


def test_no_comment_is_counted_twice_when_a_removed_one_comes_back(follower, bob, moderator, article, post, run):
    from moderation import actions as moderation

    actions.follow(follower, article.pk)
    run(post, bob, article, "First.")
    actions.mark_all_read(follower)
    second = run(post, bob, article, "Second.")
    run(post, bob, article, "Third.")
    run(moderation.hide, moderator, second, "spam")
    run(moderation.restore, moderator, second)
    assert lines(follower) == ["bob commented", "bob commented", "bob commented"]  # First, Second, Third


def test_the_count_leaves_out_members_the_follower_ignores(follower, bob, make_member, article, post, run):
    from curation import actions as curation_actions

    troll = make_member("troll")
    curation_actions.ignore(follower, troll)
    actions.follow(follower, article.pk)
    run(post, bob, article, "Bob.")
    run(post, troll, article, "Troll.")
    run(post, bob, article, "Bob again.")
    assert lines(follower) == ["bob commented, and 1 more comment since"]


def test_after_unfollowing_the_count_stops_where_it_was_read(follower, bob, article, post, run):
    actions.follow(follower, article.pk)
    run(post, bob, article, "One.")
    run(post, bob, article, "Two.")
    actions.mark_all_read(follower)
    actions.unfollow(follower.pk, article.pk)
    run(post, bob, article, "Three.")
    assert lines(follower) == ["bob commented, and 1 more comment since"]
    assert Notification.objects.filter(recipient=follower).count() == 1


def test_counting_a_digests_worth_costs_one_query_when_nothing_came_after(follower, bob, make_article, post, run):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notify import mail as notify_mail

    articles = [make_article(title=f"Busy {i}", slug=f"busy-{i}") for i in range(5)]
    for a in articles:
        actions.follow(follower, a.pk)
        run(post, bob, a, f"On {a.title}")
    rows = list(Notification.objects.filter(recipient=follower).select_related("comment"))
    assert len(rows) == 5
    with CaptureQueriesContext(connection) as ctx:
        assert set(notify_mail.followed_since(rows).values()) == {0}
    assert len(ctx.captured_queries) == 1
    run(post, bob, articles[0], "More on the first")
    run(post, bob, articles[0], "And more")
    with CaptureQueriesContext(connection) as ctx:
        counts = notify_mail.followed_since(rows)
    assert sorted(counts.values()) == [0, 0, 0, 0, 2]
    assert len(ctx.captured_queries) <= 6  # latest, next rows, follows, the recipient's ignores, one count


def test_two_silencers_nest_in_the_listing_count(follower, bob, make_member, monkeypatch):
    """A second ignore-like list joins the first in one nested query (no ORDER BY in the union)."""
    from curation import actions as curation_actions
    from notify import rules
    from notify.models import Follow
    from visits import marks

    carol = make_member("carol")
    curation_actions.ignore(follower, bob)
    monkeypatch.setattr(rules, "SILENCERS", [*rules.SILENCERS, lambda member_id: Follow.objects.filter(
        member_id=member_id).values_list("member_id", flat=True)])
    assert marks.new_counts(follower.pk, [1], silenced=rules.silenced_query(follower.pk)) == {}
    assert rules.silenced(follower.pk) == {bob.pk}
    assert carol.pk not in rules.silenced(follower.pk)


def test_the_fan_outs_written_out_followers_read_keeps_the_pending_rule(bob, make_member, article, make_article, post):
    """notify.sql.FOLLOWERS_TO_TELL (the read every post's fan-out makes) against the rule it
    writes out (pending_followed, through the ORM), over every state a follower can be in."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from core import statements
    from notify import sql
    from notify.models import Email, Follow
    from notify.telling import pending_followed

    other = make_article(title="Elsewhere")
    earlier = post(bob, article, "Earlier.")
    held = post(bob, article, "Held.")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.HELD)
    now = post(bob, article, "Now.")
    later = post(bob, article, "Later.")
    members = {name: make_member(name) for name in
               ("plain", "pending", "pending_on_held", "read", "mailed", "pending_later", "inactive", "deleted",
                "elsewhere_only", "pending_elsewhere")}
    for name, m in members.items():
        Follow.objects.create(member=m, article=other if name == "elsewhere_only" else article)
    note = {"kind": "followed", "actor": bob}
    Notification.objects.create(recipient=members["pending"], comment=earlier, article=article, **note)
    Notification.objects.create(recipient=members["pending_on_held"], comment=held, article=article, **note)
    Notification.objects.create(recipient=members["read"], comment=earlier, article=article, read_at=timezone.now(),
                                **note)
    Notification.objects.create(recipient=members["mailed"], comment=earlier, article=article,
                                email=Email.objects.create(member=members["mailed"], key="digest:t"), **note)
    Notification.objects.create(recipient=members["pending_later"], comment=later, article=article, **note)
    elsewhere = post(bob, other, "Other discussion.")
    Notification.objects.create(recipient=members["pending_elsewhere"], comment=elsewhere, article=other, **note)
    type(members["inactive"]).objects.filter(pk=members["inactive"].pk).update(is_active=False)
    type(members["deleted"]).objects.filter(pk=members["deleted"].pk).update(is_deleted=True)

    for comment in (earlier, now, later):
        by_orm = set(Follow.objects.filter(article_id=article.pk, member__is_active=True, member__is_deleted=False)
                     .exclude(Exists(pending_followed(article.pk).filter(recipient_id=OuterRef("member_id"),
                                                                         comment_id__lt=comment.pk)))
                     .values_list("member_id", flat=True))
        written = {row[0] for row in statements.rows(sql.FOLLOWERS_TO_TELL, [article.pk, article.pk, comment.pk])}
        assert written == by_orm, comment.body
    told_now = {row[0] for row in statements.rows(sql.FOLLOWERS_TO_TELL, [article.pk, article.pk, now.pk])}
    names = {m.pk: name for name, m in members.items()}
    assert {names[i] for i in told_now if i in names} == {
        "plain", "pending_on_held", "read", "mailed", "pending_later", "pending_elsewhere"}
