"""What the metrics count, through the test client as a reader acts: requests by route
name (never a path), cache misses, renders, posts, votes, rate-limit refusals, database and
Redis errors — and what they must not count."""

import re
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from discussion.models import Comment
from moderation import limits
from ops.tests.helpers import closed_port, labels_of, value

TOKEN = "scrape-token-for-the-tests-0123456789"


@pytest.fixture
def scrape(client, settings):
    settings.VECHE_METRICS_TOKEN = TOKEN

    def read() -> str:
        r = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert r.status_code == 200
        return r.content.decode()

    return read


def pattern_names() -> set[str]:
    """The name of every URL pattern of the site, with its namespaces (as Django's view_name)."""
    from django.urls import URLResolver, get_resolver

    names = set()

    def walk(patterns, namespaces):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, [*namespaces, p.namespace] if p.namespace else namespaces)
            else:
                names.add(":".join([*namespaces, p.name or p.lookup_str]))

    walk(get_resolver().url_patterns, [])
    return names


def requests(route, status="200", method="GET"):
    return value("veche_http_requests_total", route=route, method=method, status=status)


def test_a_request_is_counted_under_its_route_name_with_its_status_and_time(client, article):
    before = requests("newsroom:article")
    timed = value("veche_http_request_duration_seconds_count", route="newsroom:article")
    missing = requests("newsroom:article", "404")
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/articles/no-such-article/").status_code == 404
    assert requests("newsroom:article") == before + 1
    assert requests("newsroom:article", "404") == missing + 1  # matched a route, then not found
    assert value("veche_http_request_duration_seconds_count", route="newsroom:article") == timed + 2
    assert requests(f"/articles/{article.slug}/") == 0


def test_addresses_no_route_matched_and_static_files_have_one_label_each(client, db):
    before, static = requests("unmatched", "404"), requests("static", "404")
    client.get("/wp-login.php")
    client.get("/no/such/address/12345/")
    client.get("/static/no-such-file-98765.css")
    assert requests("unmatched", "404") >= before + 2
    assert requests("static", "404") + requests("unmatched", "404") >= static + before + 3


def test_an_unknown_method_is_one_label(client, db):
    before = value("veche_http_requests_total", route="newsroom:front", method="other", status="200")
    client.generic("BREW", "/")
    assert value("veche_http_requests_total", route="newsroom:front", method="other", status="405") + \
        value("veche_http_requests_total", route="newsroom:front", method="other", status="200") > before
    assert "BREW" not in labels_of("veche_http_requests", "method")


def test_route_labels_never_hold_a_path_a_slug_or_an_id(client, alice, bob, article, post, scrape):
    comment = post(alice, article, "Words")
    client.force_login(bob)
    for path in (article.get_absolute_url(), f"/comments/{comment.pk}/reply/", f"/comments/{comment.pk}/vote/",
                 f"/api/v1/articles/{article.slug}/comments/", f"/members/{alice.login}/",
                 f"/comments/{comment.pk + 99999}/edit/", "/articles/a-slug-nobody-wrote/",
                 "/static/app.css", "/%2e%2e/etc/passwd", "/x" * 40):
        client.get(path)
    client.post(f"/comments/{comment.pk}/vote/", {"value": "1"})
    text = scrape()
    routes = set(re.findall(r'route="([^"]*)"', text))
    assert "newsroom:article" in routes and "discussion:reply" in routes and "discussion:vote" in routes
    names = pattern_names()
    for route in routes | labels_of("veche_http_requests", "route"):
        assert route in names or route in ("unmatched", "static"), route  # a pattern's name, nothing else
        assert "/" not in route and article.slug not in route and alice.login not in route
    for label in ("status", "method", "kind", "result", "reader", "limit"):
        for found in re.findall(label + r'="([^"]*)"', text):
            assert len(found) <= 40 and "/" not in found


def test_an_anonymous_page_rendered_is_a_cache_miss_and_its_render_is_timed(client, article):
    misses, renders = value("veche_page_cache_lookups_total", kind="page", result="miss"), \
        value("veche_article_render_seconds_count", reader="anonymous")
    api = value("veche_page_cache_lookups_total", kind="api", result="miss")
    client.get(article.get_absolute_url())
    client.get(f"/api/v1/articles/{article.slug}/comments/")
    assert value("veche_page_cache_lookups_total", kind="page", result="miss") == misses + 1
    assert value("veche_page_cache_lookups_total", kind="api", result="miss") == api + 1
    assert value("veche_article_render_seconds_count", reader="anonymous") == renders + 1


def test_a_page_no_cache_could_answer_is_no_miss(client, article, make_article, editor):
    """A query the cache does not vary by, or an editor's preview of a draft: rendered, but
    no cache could have answered it, so no miss."""
    draft = make_article(state="draft")
    page, member = (value("veche_page_cache_lookups_total", kind=k, result="miss") for k in ("page", "member"))
    client.get(article.get_absolute_url() + "?utm_source=x")
    client.force_login(editor)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert value("veche_page_cache_lookups_total", kind="page", result="miss") == page
    assert value("veche_page_cache_lookups_total", kind="member", result="miss") == member
    assert value("veche_article_render_seconds_count", reader="member") > 0


def test_a_member_page_rendered_is_a_member_miss(client, alice, article):
    before = value("veche_page_cache_lookups_total", kind="member", result="miss")
    client.force_login(alice)
    client.get(article.get_absolute_url())
    assert value("veche_page_cache_lookups_total", kind="member", result="miss") == before + 1


def test_posts_are_counted_once_by_status(client, alice, article, make_article):
    visible, held = value("veche_comments_posted_total", status="visible"), \
        value("veche_comments_posted_total", status="held")
    client.force_login(alice)
    url = f"/articles/{article.slug}/comments/"
    client.post(url, {"body": "First", "idempotency_key": "k" * 32})
    client.post(url, {"body": "First", "idempotency_key": "k" * 32})  # retried: the same comment
    client.post(url, {"body": "   "})  # refused: empty
    assert Comment.objects.filter(author=alice).count() == 1
    assert value("veche_comments_posted_total", status="visible") == visible + 1
    waiting = make_article(premoderated=True)
    client.post(f"/articles/{waiting.slug}/comments/", {"body": "Held for a moderator"})
    assert value("veche_comments_posted_total", status="held") == held + 1
    assert value("veche_comments_posted_total", status="visible") == visible + 1


def test_votes_are_counted_by_what_they_became(client, alice, bob, article, post):
    comment = post(alice, article, "Vote on me")
    up, down, back = (value("veche_votes_total", result=r) for r in ("up", "down", "withdrawn"))
    client.force_login(bob)
    client.post(f"/comments/{comment.pk}/vote/", {"value": "1"})
    client.post(f"/comments/{comment.pk}/vote/", {"value": "-1"})
    client.post(f"/comments/{comment.pk}/vote/", {"value": "-1"})  # the same again takes it back
    client.force_login(alice)
    client.post(f"/comments/{comment.pk}/vote/", {"value": "1"})  # refused: her own comment
    assert value("veche_votes_total", result="up") == up + 1
    assert value("veche_votes_total", result="down") == down + 1
    assert value("veche_votes_total", result="withdrawn") == back + 1


@pytest.fixture
def limited(settings):
    settings.VECHE_RATE_LIMITS = True
    limits._local.clear()
    yield
    limits._local.clear()


def test_a_rate_limit_refusal_is_counted_by_limit_name(client, limited, make_member, article):
    veteran = make_member(date_joined=timezone.now() - timedelta(days=30))
    before = value("veche_rate_limit_refusals_total", limit="comment-burst")
    client.force_login(veteran)
    url = f"/articles/{article.slug}/comments/"
    assert client.post(url, {"body": "one"}).status_code == 302
    assert limits.comment_wait(veteran) > 0  # only asked, for the form: no refusal
    assert client.get(f"/articles/{article.slug}/").status_code == 200  # the form asks too
    assert value("veche_rate_limit_refusals_total", limit="comment-burst") == before
    assert client.post(url, {"body": "two"}).status_code == 429
    assert value("veche_rate_limit_refusals_total", limit="comment-burst") == before + 1
    assert labels_of("veche_rate_limit_refusals", "limit") <= {limit.name for limit in limits.ALL}


def test_a_new_members_free_comments_are_no_refusal(client, limited, alice, article):
    before = value("veche_rate_limit_refusals_total", limit="new-comment-burst")
    client.force_login(alice)
    for i in range(limits.NEW_ACCOUNT_FREE_COMMENTS):
        assert client.post(f"/articles/{article.slug}/comments/", {"body": f"hello {i}"}).status_code == 302
    assert value("veche_rate_limit_refusals_total", limit="new-comment-burst") == before
    client.post(f"/articles/{article.slug}/comments/", {"body": "one too many"})
    assert value("veche_rate_limit_refusals_total", limit="new-comment-burst") == before + 1


def test_a_database_error_that_ends_a_request_is_counted(client, article, monkeypatch):
    from newsroom import views

    before = value("veche_database_errors_total")
    client.get("/articles/no-such-article/")  # a 404 is no error
    assert value("veche_database_errors_total") == before

    def down(*args, **kwargs):
        raise OperationalError("connection to server at 10.0.0.1 failed")

    monkeypatch.setattr(views, "published_article", down)
    client.raise_request_exception = False
    assert client.get(article.get_absolute_url()).status_code == 503
    assert value("veche_database_errors_total") == before + 1
    assert requests("newsroom:article", "503") >= 1


def test_redis_errors_are_counted_where_the_cache_absorbs_them(db):
    from core import breaker
    from core.cache import ResilientRedisCache

    breaker.redis.reset()
    cache = ResilientRedisCache(f"redis://127.0.0.1:{closed_port()}/0",
                                {"OPTIONS": {"socket_timeout": 0.2, "socket_connect_timeout": 0.2}})
    before = value("veche_redis_errors_total")
    try:
        assert cache.get("anything", "default") == "default"
        assert value("veche_redis_errors_total") == before + 1
        cache.set("k", "v")  # the breaker is open: Redis is not asked, nothing new failed
        assert value("veche_redis_errors_total") == before + 1
    finally:
        breaker.redis.reset()

