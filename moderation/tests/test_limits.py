"""Rate limits at their edges: the 15th second, the 61st comment, the 61st vote, the 21st
report, the 6th failed sign-in, the 6th sign-up from one address."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ActionError
from discussion import actions as discussion_actions
from discussion.models import Comment
from moderation import actions, limits


@pytest.fixture
def clock(settings, monkeypatch):
    settings.VECHE_RATE_LIMITS = True
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(limits, "_now", lambda: now["t"])
    return now


@pytest.fixture
def veteran(make_member):
    return make_member("veteran", date_joined=timezone.now() - timedelta(days=30))


def test_one_comment_per_15_seconds(clock, veteran, article, post):
    post(veteran, article, "one")
    clock["t"] += 14.9
    with pytest.raises(ActionError) as err:
        post(veteran, article, "too soon")
    assert err.value.status == 429 and err.value.retry_after == 1
    assert "one comment every 15 seconds" in err.value.message
    clock["t"] += 0.1  # the 15th second
    post(veteran, article, "now")


def test_the_61st_comment_in_an_hour_is_refused(clock, veteran, article, post):
    for i in range(60):
        post(veteran, article, f"c{i}")
        clock["t"] += 15
    with pytest.raises(ActionError, match="60 comments this hour") as err:
        post(veteran, article, "61st")
    assert err.value.retry_after == 3600 - 60 * 15
    clock["t"] += 3600
    post(veteran, article, "next hour")


def test_new_accounts_post_their_first_three_freely_then_one_a_minute(clock, alice, article, post):
    assert limits.NEW_ACCOUNT_FREE_COMMENTS == 3
    for i in range(3):  # a first say and answers to replies, seconds apart
        post(alice, article, f"hello {i}")
        clock["t"] += 2
    assert limits.comment_wait(alice) == 60 - 6  # the form says so before a post is refused
    with pytest.raises(ActionError, match="one comment a minute") as err:
        post(alice, article, "the fourth within the minute")
    assert err.value.status == 429 and err.value.retry_after == 60 - 6
    assert Comment.objects.filter(author=alice).count() == 3
    clock["t"] += 54  # the minute since the first is over
    assert limits.comment_wait(alice) is None
    post(alice, article, "the fourth, a minute on")
    clock["t"] += 30
    with pytest.raises(ActionError, match="one comment a minute"):  # one a minute from now on
        post(alice, article, "the fifth")


def test_deleted_comments_give_a_new_account_no_new_free_ones(clock, alice, article, post):
    for i in range(3):
        discussion_actions.delete_comment(alice, post(alice, article, f"gone {i}"))
    clock["t"] += 61
    post(alice, article, "one")
    with pytest.raises(ActionError, match="one comment a minute"):
        post(alice, article, "two")


def test_an_older_account_keeps_its_own_limit(clock, veteran, article, post):
    post(veteran, article, "one")
    clock["t"] += 15
    post(veteran, article, "two")  # 15 seconds on: the veterans' rule, not the newcomers' minute
    assert limits.comment_wait(veteran) == 15
    with pytest.raises(ActionError, match="one comment every 15 seconds"):
        post(veteran, article, "three")


def test_the_61st_vote_in_10_minutes_is_refused(clock, veteran, make_member, article, post):
    author = make_member("author")
    comments = [discussion_actions.do_post(author, article, discussion_actions.check_import(article, f"c{i}", None))
                for i in range(61)]
    for c in comments[:60]:
        discussion_actions.vote(veteran, c, 1)
    with pytest.raises(ActionError, match="voted 60 times in 10 minutes") as err:
        discussion_actions.vote(veteran, comments[60], 1)
    assert err.value.status == 429


def test_the_21st_report_in_a_day_is_refused(clock, veteran, make_member, article):
    author = make_member("author")
    comments = [discussion_actions.do_post(author, article, discussion_actions.check_import(article, f"c{i}", None))
                for i in range(21)]
    for c in comments[:20]:
        actions.report(veteran, c, "spam")
    with pytest.raises(ActionError, match="20 reports today"):
        actions.report(veteran, comments[20], "spam")


def test_http_429_with_retry_after(clock, client, veteran, article, post):
    client.force_login(veteran)
    url = f"/articles/{article.slug}/comments/"
    assert client.post(url, {"body": "first"}).status_code == 302
    r = client.post(url, {"body": "second"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 429 and r["Retry-After"] == "15"
    assert "one comment every 15 seconds" in r.json()["message"]
    r = client.post(url, {"body": "second"})
    assert r.status_code == 429 and "Try again in 15 seconds" in r.content.decode()


def test_sign_in_lockout_says_when_to_try_again(clock, client, make_member):
    make_member("target", password="the right passphrase")
    for _ in range(5):
        r = client.post("/signin/", {"username": "target", "password": "wrong guess!"})
        assert r.status_code == 200
    r = client.post("/signin/", {"username": "TARGET", "password": "the right passphrase"})
    assert r.status_code == 429 and r["Retry-After"] == "900"
    assert "locked for a while. Try again in 15 minutes" in r.content.decode()
    clock["t"] += 900
    r = client.post("/signin/", {"username": "target", "password": "the right passphrase"})
    assert r.status_code == 302


def test_sign_ups_per_address(clock, client, db):
    for i in range(5):
        r = client.post("/signup/", {"login": f"new{i}", "password": "a long passphrase here"})
        assert r.status_code == 302
        client.post("/signout/")
    r = client.post("/signup/", {"login": "new5", "password": "a long passphrase here"})
    assert r.status_code == 429 and r["Retry-After"] == "3600"
    assert "Too many new accounts from your network" in r.content.decode()


def test_spoofed_forwarded_for_is_ignored_without_trusted_proxies(rf, settings):
    settings.VECHE_TRUSTED_PROXY_HOPS = 0
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.9")
    assert limits.client_ip(request) == "10.0.0.9"
    settings.VECHE_TRUSTED_PROXY_HOPS = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4", REMOTE_ADDR="10.0.0.1")
    assert limits.client_ip(request) == "1.2.3.4"  # the hop our proxy added, not the client's claim


def test_limits_fall_back_to_the_process_when_the_cache_fails(clock, veteran, article, post, monkeypatch):
    from core.cache import CacheUnavailable

    def redis_fails(*args):
        raise CacheUnavailable("down")

    monkeypatch.setattr(limits, "_scripted", lambda: True)  # Redis, as far as anyone knew
    monkeypatch.setattr(limits, "_shared_hit", redis_fails)
    post(veteran, article, "one")
    with pytest.raises(ActionError, match="every 15 seconds"):
        post(veteran, article, "two")


def test_with_redis_each_hit_is_one_round_trip_to_a_shared_window(clock, veteran, settings):
    if not settings.REDIS_URL:
        pytest.skip("the shared window is Redis's (the PostgreSQL + Redis pass)")
    import redis
    from django.core.cache import cache

    r = redis.Redis.from_url(settings.REDIS_URL)
    key = cache.make_key(f"rlh:vote:{veteran.pk}")
    limits.hit_report(veteran)  # the script is loaded into Redis once, by the first hit of all
    sent = []
    original = redis.Redis.execute_command

    def counted(self, *args, **kwargs):
        sent.append(args[0])
        return original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(redis.Redis, "execute_command", counted)
        limits.hit_vote(veteran)
        limits.hit_vote(veteran)
    assert sent == ["EVALSHA", "EVALSHA"]
    assert int(r.hget(key, "n")) == 2
    assert int(r.hget(key, "end")) == int((clock["t"] + limits.VOTE.seconds) * 1000)
    limits.reset(limits.VOTE, str(veteran.pk))
    assert not r.exists(key)


def test_a_new_member_over_http_three_free_then_told_when(clock, client, alice, veteran, article, post):
    client.force_login(alice)
    url = f"/articles/{article.slug}/comments/"
    reply_page = f"/comments/{post(veteran, article, 'welcome').pk}/reply/"
    for i in range(3):
        assert "You can comment again" not in client.get(reply_page).content.decode()
        r = client.post(url, {"body": f"first {i}"}, HTTP_ACCEPT="application/json")
        assert r.status_code == 201, i
        clock["t"] += 1
    # The form says when before a post is refused: the reply page (the no-script way to post).
    html = client.get(reply_page).content.decode()
    assert "You can comment again at " in html and "in 57 seconds." in html
    assert re.search(r'<form class="comment-form" id="reply-form" [^>]*data-retry-at="\d+"', html)
    r = client.post(url, {"body": "the fourth"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 429 and r["Retry-After"] == "57" and r.json()["retry_after"] == 57
    r = client.post(url, {"body": "the fourth"})  # without the script: the form again, saying when
    assert r.status_code == 429 and r["Retry-After"] == "57"
    html = r.content.decode()
    assert "in 57 seconds." in html and "the fourth" in html  # the text is kept
    assert Comment.objects.filter(author=alice).count() == 3

    # An older account is not held to the newcomers' minute.
    client.force_login(veteran)
    clock["t"] += 15
    for i in range(2):
        assert client.post(url, {"body": f"veteran {i}"}).status_code == 302
        clock["t"] += 15
    assert "You can comment again" not in client.get(reply_page).content.decode()


def test_a_long_wait_is_said_as_a_time(clock, client, alice, article, post, monkeypatch):
    monkeypatch.setattr(limits, "_is_new", lambda member: False)
    for i in range(60):
        post(alice, article, f"c{i}")
        clock["t"] += 15
    client.force_login(alice)
    html = client.get(f"/comments/{Comment.objects.first().pk}/reply/").content.decode()
    assert re.search(r"You can comment again at \d\d:\d\d\.</p>", html)
