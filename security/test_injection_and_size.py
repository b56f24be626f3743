"""SQL-injection payloads in every parameter and field; large and deep inputs; bidi text."""

import time

import pytest

from core.markup import render_comment
from security.hostile import sqli_payloads

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(scope="module")
def sqli():
    payloads = sqli_payloads()
    assert len(payloads) > 500
    return payloads


def test_sqli_in_query_parameters(client, alice, article, post, sqli):
    client.raise_request_exception = False
    post(alice, article, "x")
    targets = [("/", "page"), ("/search/", "q"), ("/search/", "page"), (article.get_absolute_url(), "order"),
               ("/api/v1/articles/", "page"), ("/api/v1/articles/", "section"),
               (f"/api/v1/articles/{article.slug}/comments/", "order"), ("/section/news/", "page"),
               ("/api/v1/presence/", "ids"), (f"/articles/{article.slug}/thread/", "order")]
    for payload in sqli[::3]:
        for url, param in targets:
            r = client.get(url, {param: payload})
            assert r.status_code < 500, (url, param, payload, r.status_code)
        r = client.get("/articles/" + payload.replace("/", "%2F")[:200] + "/")
        assert r.status_code < 500


def test_sqli_in_form_fields(client, alice, bob, article, post, sqli):
    client.raise_request_exception = False
    c = post(alice, article, "target")
    client.force_login(bob)
    url = f"/articles/{article.slug}/comments/"
    for payload in sqli[::9]:
        for data in ({"body": payload}, {"body": "x", "parent": payload}, {"body": "x", "idempotency_key": payload}):
            assert client.post(url, data, **JSON).status_code < 500, (data, payload)
        assert client.post(f"/comments/{c.pk}/vote/", {"value": payload}, **JSON).status_code < 500
        assert client.post(f"/comments/{c.pk}/report/", {"reason": payload, "text": payload}).status_code < 500
        anon = type(client)()
        anon.raise_request_exception = False
        assert anon.post("/signin/", {"username": payload, "password": payload}).status_code < 500
        assert anon.post("/signup/", {"login": payload[:64], "password": payload}).status_code < 500
    from discussion.models import Comment

    # Nothing slipped through as SQL: the comments written are the payloads, as text.
    assert Comment.objects.filter(body=sqli[0]).exists() or Comment.objects.count() > 1


# Numbers a request may carry in place of an id or a count: out of a database integer's
# range, Unicode digits int() takes or refuses, and SQL. Each once reached a 500.
BAD_NUMBERS = ["0", "-1", str(2**63), str(2**64), "²", "١", "1e3", " 1", "1 OR 1=1"]


def _id_routes():
    from moderation.tests.test_guard import walk

    return [route for _ns, route, _p in walk() if "<id:" in route]


@pytest.mark.parametrize("who", ["visitor", "member", "moderator"])
def test_every_id_in_every_url_is_a_404_when_it_is_no_row_id(client, bob, moderator, alice, article, post, who):
    from urllib.parse import quote

    client.raise_request_exception = False
    post(alice, article, "x")
    if who != "visitor":
        client.force_login(bob if who == "member" else moderator)
    routes = _id_routes()
    assert len(routes) >= 9  # reply, edit, delete, vote, report, act, ban, lift a ban, case
    for route in routes:
        for bad in BAD_NUMBERS:
            url = "/" + route.replace("<id:pk>", quote(bad, safe=""))
            for method in ("get", "post"):
                r = getattr(client, method)(url, **({} if method == "get" else JSON))
                assert r.status_code == 404, (who, method, url, r.status_code)


def test_the_admin_takes_bad_ids_without_a_server_error(client, make_member):
    """The admin reads its own object ids (<path:object_id>) and filters; none may fail."""
    from urllib.parse import quote

    from django.contrib import admin

    client.raise_request_exception = False
    client.force_login(make_member("root", is_staff=True, is_superuser=True))
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for bad in BAD_NUMBERS:
            # Django's admin reads "١" as 1, as int() does: another spelling of an id, for staff only.
            r = client.get(f"{base}{quote(bad, safe='')}/change/")
            assert r.status_code < 500, (base, bad, r.status_code)
            assert client.get(base, {"id__exact": bad, "p": bad}).status_code < 500, (base, bad)


def test_every_id_and_number_in_every_form_is_refused_clearly(client, alice, bob, moderator, article, post):
    """Ids and numbers in form fields and query parameters: refused with a reason (400, a form
    message) or, for an HTML page's page number, the first page; never a 500 and never
    taken for something else (a reply posted as a top-level comment, a ban made permanent)."""
    from discussion.models import Comment, Vote
    from moderation import actions as moderation_actions
    from moderation.models import Ban, Report

    client.raise_request_exception = False
    target = post(alice, article, "target")
    moderation_actions.report(bob, target, "spam")
    client.force_login(bob)
    for bad in BAD_NUMBERS:
        r = client.post(f"/articles/{article.slug}/comments/", {"body": f"reply {bad}", "parent": bad}, **JSON)
        assert r.status_code == 400 and r.json()["field"] == "parent", (bad, r.status_code)
        r = client.post(f"/articles/{article.slug}/comments/", {"body": f"reply {bad}", "parent": bad})
        assert r.status_code == 400 and b"The comment replied to must be a number" in r.content, bad
        r = client.post(f"/comments/{target.pk}/vote/", {"value": "2" if bad in ("0", "-1") else bad}, **JSON)
        assert r.status_code == 400 and r.json()["field"] == "value", (bad, r.status_code)  # 0 and -1 are votes
        r = client.get("/api/v1/presence/", {"ids": f"1,{bad}"})
        assert r.status_code == 400 and r.json()["error"] == "bad_number", (bad, r.status_code)
        for url, param in [(article.get_absolute_url(), "p"), (f"/articles/{article.slug}/thread/", "p"),
                           ("/", "page"), ("/search/", "page"), ("/replies/", "page")]:
            r = client.get(url, {param: bad})
            assert r.status_code == 200, (url, param, bad, r.status_code)
        for url, param in [("/api/v1/articles/", "page"), (f"/api/v1/articles/{article.slug}/comments/", "page")]:
            assert client.get(url, {param: bad}).status_code < 500, (url, param, bad)
    assert not Comment.objects.filter(body__startswith="reply").exists() and not Vote.objects.exists()

    client.force_login(moderator)
    for bad in BAD_NUMBERS:
        r = client.post("/moderation/bulk/", {"ids": [str(target.pk), bad], "action": "hide", "reason": "spam"})
        assert r.status_code == 302
        assert "must be a number" in client.get("/moderation/").content.decode(), bad
        r = client.post(f"/moderation/comments/{target.pk}/", {"action": "ban", "days": bad, "note": "spam"})
        assert r.status_code == 302, (bad, r.status_code)
        r = client.post(f"/moderation/comments/{target.pk}/", {"action": "ban", "days": bad, "note": "spam"},
                        **JSON)
        assert r.status_code == 400 and r.json()["field"] == "days", (bad, r.status_code)
        r = client.post(f"/moderation/members/{alice.pk}/ban/", {"days": bad, "scope": "commenting", "reason": "x"})
        assert r.status_code == 400 and b"must be a" in r.content, (bad, r.status_code)
        assert client.get("/moderation/log/", {"page": bad}).status_code == 200
    target.refresh_from_db()
    assert target.status == "visible" and not Ban.objects.exists()
    assert Report.objects.filter(resolved=None).count() == 1


def test_a_one_megabyte_body_is_refused_quickly(client, alice, article):
    client.force_login(alice)
    body = "x" * 1_000_000
    started = time.perf_counter()
    r = client.post(f"/articles/{article.slug}/comments/", {"body": body}, **JSON)
    assert r.status_code == 413 and "too large" in r.json()["message"]
    r = client.post(f"/articles/{article.slug}/comments/", {"body": body})
    assert r.status_code == 413 and b"at most 10,000 characters" in r.content
    assert time.perf_counter() - started < 30  # generous: a guard against reading it at all, not a benchmark


def test_deep_and_long_inputs_render_without_recursion_errors():
    nested = "> " * 10_000 + "deep"
    html = render_comment(nested)
    assert html.count("<blockquote") <= 25  # markdown nesting is capped
    word = "w" * 100_000
    assert word in render_comment(word)
    zero_width = "a" + "\u200b" * 5000 + "b"
    assert render_comment(zero_width)
    emphasis = "*" * 5000 + "x" + "*" * 5000
    assert render_comment(emphasis) is not None


def test_bidi_overrides_are_isolated(client, make_member, article, post, bob, moderator):
    rtl = "\u202e" + "evil text" + "\u202c"
    m = make_member("isolated", real_name=rtl)
    c = post(m, article, rtl + " trailing")
    html = client.get(article.get_absolute_url()).content.decode()
    # Member text sits in <bdi> (names) or elements with dir=auto (the thread's name links,
    # the text's block), which isolate it.
    name, body = f"<bdi>isolated ({rtl})</bdi>", '<div class="c-text" dir="auto"><p>\u202eevil text\u202c trailing</p></div>'
    assert f'<a class="login" dir="auto" href="/members/isolated/">isolated ({rtl})</a>' in html and body in html
    # …on every page that shows one comment: reply and quote, report (another member), delete (its author).
    client.force_login(bob)
    for url in (f"/comments/{c.pk}/reply/", f"/comments/{c.pk}/reply/?quote=1", f"/comments/{c.pk}/report/"):
        html = client.get(url).content.decode()
        assert name in html and body in html, url
    client.post(f"/comments/{c.pk}/report/", {"reason": "other", "text": rtl})
    client.force_login(m)
    html = client.get(f"/comments/{c.pk}/delete/").content.decode()
    assert name in html and body in html
    # A report's text in the moderation queue, and the words searched for, echoed in the heading.
    client.force_login(moderator)
    assert f"(“<bdi>{rtl}</bdi>”)" in client.get("/moderation/").content.decode()
    assert f"Search: “<bdi>{rtl}</bdi>”</h1>" in client.get("/search/", {"q": rtl}).content.decode()
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "config/static/veche/site.css").read_text()
    assert "unicode-bidi: isolate" in css


def test_logins_refuse_invisible_and_bidi_characters(db):
    from accounts.actions import check_login_available
    from core.errors import ActionError

    for bad in ("ab\u202ecd", "ab\u200bcd", "ab\u2066cd"):
        with pytest.raises(ActionError):
            check_login_available(bad)
