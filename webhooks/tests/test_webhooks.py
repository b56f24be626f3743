"""Webhooks: which events reach which endpoint, signed, with what; refused addresses; and
receivers that fail or hang, against the queue's real workers."""

import json

import pytest
from django.db import transaction
from django.test import override_settings

from core.tests.queue_helpers import real_queue, run_batch  # noqa: F401
from discussion import actions as discussion_actions
from moderation import actions as moderation_actions
from webhooks import signing, transport
from webhooks.admin import EndpointForm
from webhooks.models import Delivery, Endpoint, Event
from webhooks.tasks import deliver
from webhooks.tests.receivers import Receiver

ALL = [e.value for e in Event]


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def allowed():
    with override_settings(VECHE_WEBHOOKS_ALLOW_PRIVATE=True):
        yield


def endpoint(url, events=ALL):
    return Endpoint.objects.create(url=url, events=events)


def events_of(r):
    return [json.loads(body)["event"] for _, body in r.received]


@pytest.mark.usefixtures("allowed")
def test_a_posted_comment_is_delivered_signed(receiver, alice, article, post, django_capture_on_commit_callbacks):
    hook = endpoint(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        c = post(alice, article, "Hello **newsroom**")
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert signing.verify(hook.secret, body, headers["veche-signature"])
    assert not signing.verify("another secret", body, headers["veche-signature"])
    assert not signing.verify(hook.secret, body + b" ", headers["veche-signature"])
    payload = json.loads(body)
    assert headers["veche-event"] == "comment.posted" == payload["event"]
    assert payload["data"]["comment"]["id"] == c.pk
    assert payload["data"]["comment"]["url"].endswith(f"#c{c.pk}")
    assert payload["data"]["comment"]["body"] == "Hello **newsroom**"
    d = Delivery.objects.get()
    assert (d.status, d.attempts, d.response_status, d.response_body) == ("delivered", 1, 200, "answer 200")
    assert headers["veche-delivery"] == str(d.pk)


@pytest.mark.usefixtures("allowed")
def test_each_event_and_only_those_subscribed(receiver, alice, bob, moderator, article, post,
                                              django_capture_on_commit_callbacks):
    endpoint(receiver.url)
    quiet = Receiver()
    try:
        endpoint(quiet.url, events=["member.banned"])
        with django_capture_on_commit_callbacks(execute=True):
            c = post(alice, article, "First words")
            discussion_actions.edit_comment(alice, c, "Second words")
            moderation_actions.report(bob, c, "spam")
            moderation_actions.hide(moderator, c, "spam")
            moderation_actions.ban(moderator, alice, days=3, scope="commenting", reason="spam")
        assert events_of(receiver) == ["comment.posted", "comment.edited", "report.filed",
                                       "comment.removed", "member.banned"]
        assert events_of(quiet) == ["member.banned"]
        removed = json.loads(receiver.received[3][1])["data"]["comment"]
        assert removed["status"] == "removed" and "body" not in removed  # a removed text is not sent
        ban = json.loads(receiver.received[4][1])["data"]["ban"]
        assert ban["member"]["login"] == "alice" and ban["reason"] == "spam"
    finally:
        quiet.close()


@pytest.mark.usefixtures("allowed")
def test_a_deleted_comment_sends_no_text_and_a_vote_sends_nothing(receiver, alice, bob, article, post,
                                                                   django_capture_on_commit_callbacks):
    endpoint(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        c = post(alice, article, "Soon gone")
        discussion_actions.vote(bob, c, 1)
        discussion_actions.delete_comment(alice, c)
    assert events_of(receiver) == ["comment.posted", "comment.removed"]
    assert "body" not in json.loads(receiver.received[1][1])["data"]["comment"]


@pytest.mark.usefixtures("allowed")
def test_nothing_is_sent_for_a_rolled_back_post_or_to_an_inactive_endpoint(receiver, alice, article, post,
                                                                           django_capture_on_commit_callbacks):
    Endpoint.objects.create(url=receiver.url, events=ALL, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        post(alice, article, "Nobody listens")
    endpoint(receiver.url)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        post(alice, article, "Never written")
        raise RuntimeError
    assert receiver.received == []
    assert Delivery.objects.count() == 0


@pytest.mark.usefixtures("allowed")
def test_a_delivered_delivery_is_not_sent_twice(receiver, alice, article, post, django_capture_on_commit_callbacks):
    endpoint(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        post(alice, article)
    deliver.call(Delivery.objects.get().pk)  # a duplicated run
    assert len(receiver.received) == 1


def test_a_private_address_is_refused_without_the_setting(receiver, alice, article, post,
                                                           django_capture_on_commit_callbacks):
    endpoint(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        post(alice, article)
    assert receiver.received == []
    d = Delivery.objects.get()
    assert d.status == "refused" and "VECHE_WEBHOOKS_ALLOW_PRIVATE" in d.error


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://10.1.2.3/", "http://169.254.169.254/latest",
                                 "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://localhost/",
                                 "http://0.0.0.0/", "ftp://example.org/"])
def test_the_admin_refuses_inside_addresses(db, url):
    form = EndpointForm(data={"url": url, "events": ["comment.posted"], "active": True, "secret": "s" * 20})
    assert not form.is_valid()
    assert "url" in form.errors
    with pytest.raises(transport.Refused):
        transport.resolve(url)


@pytest.mark.usefixtures("allowed")
def test_the_admin_accepts_them_when_the_operator_allows(db):
    form = EndpointForm(data={"url": "http://127.0.0.1:9/", "events": ["comment.posted"], "active": True,
                              "secret": "s" * 20})
    assert form.is_valid(), form.errors


def test_the_admin_shows_the_last_response(client, db, make_member, receiver, alice, article, post,
                                           django_capture_on_commit_callbacks):
    endpoint(receiver.url)
    with override_settings(VECHE_WEBHOOKS_ALLOW_PRIVATE=True), django_capture_on_commit_callbacks(execute=True):
        post(alice, article)
    admin = make_member("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    d = Delivery.objects.get()
    page = client.get(f"/admin/webhooks/delivery/{d.pk}/change/").content.decode()
    assert "answer 200" in page and "delivered" in page.lower()
    alice_client_page = client.get("/admin/webhooks/delivery/").content.decode()
    assert "comment.posted" in alice_client_page


# --- against the real queue: the post never waits for the receiver ------------------------

WORKER_ENV = {"VECHE_WEBHOOKS_ALLOW_PRIVATE": "1", "VECHE_WEBHOOK_TIMEOUT": "0.5", "VECHE_TASK_ATTEMPTS": "3"}


@pytest.mark.usefixtures("real_queue")
@pytest.mark.parametrize("status,delay", [(500, 0.0), (200, 3.0)], ids=["answers-500", "times-out"])
def test_a_failing_receiver_is_retried_and_never_blocks_a_post(status, delay, alice, article, post):
    bad = Receiver(status=status, delay=delay)
    try:
        endpoint(bad.url)
        c = post(alice, article, "Posted at once")
        assert c.pk and bad.received == []  # the post returned before any delivery was tried
        run_batch(**WORKER_ENV)
        d = Delivery.objects.get()
        assert len(bad.received) == 3  # every try reached the receiver
        assert d.status == "failed" and d.attempts == 3
        if status == 500:
            assert d.response_status == 500 and d.response_body == "answer 500"
        else:
            assert d.response_status is None and "timed out" in d.error.lower()
    finally:
        bad.close()


@pytest.mark.usefixtures("real_queue")
def test_a_good_receiver_through_the_real_queue(receiver, alice, article, post):
    hook = endpoint(receiver.url)
    post(alice, article, "Through the queue")
    assert receiver.received == []
    run_batch(**WORKER_ENV)
    assert len(receiver.received) == 1
    assert signing.verify(hook.secret, receiver.received[0][1], receiver.received[0][0]["veche-signature"])
    assert Delivery.objects.get().status == "delivered"
