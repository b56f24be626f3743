"""An editors' pick tells the comment's author, once, after the pick commits: nobody else,
not on an unpick, not when the comment stopped being public, not an editor picking their own
comment; the ignore list does not silence it (the newsroom's word, not a member's)."""

import pytest
from django.test import Client

from curation import actions as curation
from discussion import actions as discussion
from notify import delivery, kinds, tasks, telling
from notify.models import Notification, Preferences
from notify.tests.conftest import text_of


def picked():
    return list(Notification.objects.filter(kind="picked").values_list("recipient_id", "comment_id", "actor_id"))


@pytest.fixture
def spoken(alice, bob, article, post, run):
    """Alice's comment, a reply by Bob (so Alice and Bob both follow, and Alice is told of the
    reply), all after commit."""
    from notify import actions

    first = run(post, alice, article, "Alice's fine point.")
    run(post, bob, article, "Bob answers.", parent=first)
    actions.follow(bob, article.pk)
    return first


def test_the_author_is_told_once_and_nobody_else(spoken, alice, bob, editor, run):
    before = Notification.objects.exclude(kind="picked").count()
    run(curation.pick, editor, spoken)
    assert picked() == [(alice.pk, spoken.pk, None)]  # no actor: the newsroom's word
    assert Notification.objects.exclude(kind="picked").count() == before  # followers: nothing
    assert not Notification.objects.filter(recipient__in=[bob, editor], kind="picked").exists()
    # unpicking tells nobody; picking again tells nothing new; a duplicated task neither
    run(curation.unpick, editor, spoken)
    assert picked() == [(alice.pk, spoken.pk, None)]
    run(curation.pick, editor, spoken)
    assert tasks.picked.call(spoken.pk) == 0
    assert picked() == [(alice.pk, spoken.pk, None)]


def test_the_notifications_page_and_the_header_say_it(spoken, alice, bob, editor, run):
    run(curation.pick, editor, spoken)
    client = Client()
    client.force_login(alice)
    html = client.get("/notifications/").content.decode()
    assert "The editors picked your comment" in html and f"#c{spoken.pk}" in html
    assert "Редакция отметила ваш комментарий" in client.get("/notifications/?lang=ru").content.decode()
    bobs = Client()
    bobs.force_login(bob)
    assert "The editors picked" not in bobs.get("/notifications/").content.decode()


def test_a_pick_undone_before_the_task_runs_tells_nothing(spoken, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        curation.pick(editor, spoken)
    curation.unpick(editor, spoken)
    for callback in callbacks:
        callback()
    assert picked() == []


@pytest.mark.parametrize("status", ["removed", "held", "deleted"])
def test_a_comment_no_longer_public_tells_nothing(spoken, alice, editor, status, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        curation.pick(editor, spoken)
    discussion.do_set_status(spoken, status, "spam" if status == "removed" else "")
    for callback in callbacks:
        callback()
    assert picked() == []
    assert telling.tell_of_pick(spoken.pk) == []


def test_a_comment_held_cannot_be_picked_so_tells_nothing(spoken, editor, run):
    from core.errors import ActionError

    discussion.do_set_status(spoken, "held")
    spoken.refresh_from_db()
    with pytest.raises(ActionError):
        run(curation.pick, editor, spoken)
    assert picked() == []


def test_an_editor_picking_their_own_comment_is_not_told(editor, article, post, run):
    own = run(post, editor, article, "The editor's own.")
    run(curation.pick, editor, own)
    assert picked() == []


def test_ignoring_the_editor_does_not_silence_a_pick(spoken, alice, editor, run):
    curation.ignore(alice, editor)
    run(curation.pick, editor, spoken)
    assert picked() == [(alice.pk, spoken.pk, None)]


def test_a_deactivated_author_is_not_told(spoken, alice, editor, run):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    run(curation.pick, editor, spoken)
    assert picked() == []


def test_the_settings_offer_the_kind_daily_by_default(alice):
    assert kinds.KINDS["picked"].email == kinds.DAILY
    client = Client()
    client.force_login(alice)
    html = client.get("/account/").content.decode()
    assert "Your comments picked by the editors" in html and 'name="email_picked"' in html
    assert "Ваши комментарии в выборе редакции" in client.get("/account/?lang=ru").content.decode()
    form = {f"email_{k}": kinds.KINDS[k].email for k in kinds.KINDS} | {"email_picked": "now"}
    assert client.post("/notifications/settings/", form).status_code == 302
    assert Preferences.objects.get(member=alice).delivery("picked") == "now"


def test_mailed_at_once_when_chosen(smtp, spoken, alice, editor, run, confirmed):
    confirmed(alice, email={"reply": "never", "picked": "now"}, last_email_at=None)
    run(curation.pick, editor, spoken)
    [mail] = smtp.to(alice.email)
    plain, html = text_of(mail, "plain"), text_of(mail, "html")
    assert "The editors picked your comment" in plain and "The editors picked your comment" in html
    assert "Alice's fine point." in plain and f"#c{spoken.pk}" in plain
    assert mail["List-Unsubscribe"]


def test_by_default_it_waits_for_the_daily_digest(smtp, spoken, alice, editor, run, confirmed):
    confirmed(alice, email={"reply": "never"})
    run(curation.pick, editor, spoken)
    assert smtp.to(alice.email) == []
    delivery.send_digests()
    [digest] = smtp.to(alice.email)
    assert "The editors picked your comment" in text_of(digest, "plain")
