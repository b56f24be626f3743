"""The ASGI front answering article pages without Django: for anonymous readers from the
page cache, for members from the member page skeleton filled with their own slots.

The front reads the session and the member's marks in a worker thread, so these tests use a
transactional database (the thread's connection sees only committed rows)."""

import asyncio
import re
from types import SimpleNamespace

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.cached_db import SessionStore
from django.test import Client

from core import pagecache
from discussion import actions
from discussion.models import Comment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _executor_connections_closed():
    """The front reads in the event loop's executor threads, whose database connections
    outlive a test; on PostgreSQL they would keep the test database from being dropped."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def asgi_get(path: str, cookies: dict[str, str] | None = None, query: str = "", accept: str = ""):
    """(status, headers, body): the body as text, or as bytes when it came content-encoded."""
    from config.asgi import application

    headers = [(b"host", b"testserver")]
    if accept:
        headers.append((b"accept-encoding", accept.encode()))
    if cookies:
        headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "headers": headers, "scheme": "http", "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
             "http_version": "1.1", "asgi": {"version": "3.0"}, "root_path": ""}
    sent: list[dict] = []
    asked = []

    async def receive():
        if not asked:
            asked.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected until the answer is sent

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    got = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], got, body if "content-encoding" in got else body.decode()


def member_cookies(client: Client) -> dict[str, str]:
    client.get("/")  # the CSRF cookie comes with the first page that has a form
    return {k: v.value for k, v in client.cookies.items()}


def from_front(headers: dict) -> bool:
    """Django's answers carry its own header spelling and a fresh CSRF cookie; the front's do not."""
    return headers.get("cache-control") == "private, no-cache" and "set-cookie" not in headers


@pytest.fixture
def scene(alice, bob, article, post):
    pagecache.SLUGS.clear()
    mine = post(alice, article, "Alice speaks")
    theirs = post(bob, article, "Bob answers", parent=mine)
    actions.vote(bob, mine, -1)
    return mine, theirs


def signed_in(member) -> tuple[Client, dict[str, str]]:
    client = Client()
    client.force_login(member)
    return client, member_cookies(client)


def test_a_member_page_is_assembled_by_the_front_with_that_members_marks_only(scene, alice, bob, article):
    mine, theirs = scene
    alice_client, _ = signed_in(alice)
    assert alice_client.get(article.get_absolute_url()).status_code == 200  # Django renders, keeps the skeleton
    _, bob_cookies = signed_in(bob)
    status, headers, html = asgi_get(article.get_absolute_url(), bob_cookies)
    assert status == 200 and from_front(headers)
    assert f'data-me="{bob.pk}"' in html and f'href="/members/{bob.login}/"' in html
    assert f'href="/members/{alice.login}/">{alice.login}</a>\n' not in html  # not Alice's header
    assert f"#c{theirs.pk}>button{{display:none}}" in html and f"#c{mine.pk}>button" not in html
    assert f"#c{mine.pk}>.minus" in html and f'"{mine.pk}": -1' in html
    nonce = re.search(r"'nonce-([^']+)'", headers["content-security-policy"]).group(1)
    assert f'<style nonce="{nonce}">' in html
    assert "\x00" not in html
    # Every form on it carries a token Django accepts.
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    keys = re.findall(r'name="idempotency_key" value="([0-9a-f]{32})"', html)
    assert len(tokens) == 1 and len(keys) == 1
    poster = Client(enforce_csrf_checks=True)
    poster.force_login(bob)
    poster.cookies[settings.CSRF_COOKIE_NAME] = bob_cookies[settings.CSRF_COOKIE_NAME]
    r = poster.post(f"/articles/{article.slug}/comments/",
                    {"body": "Posted from the assembled page", "csrfmiddlewaretoken": tokens.pop(),
                     "idempotency_key": keys[0]})
    assert r.status_code == 302 and Comment.objects.filter(body="Posted from the assembled page").exists()
    # Two views of the page get two idempotency keys: two posts are two comments.
    again = re.findall(r'name="idempotency_key" value="([0-9a-f]{32})"', asgi_get(article.get_absolute_url(),
                                                                                    bob_cookies)[2])
    assert len(again) == 1 and again != keys


def test_a_change_to_the_discussion_is_on_the_next_member_page(scene, alice, bob, article, post):
    alice_client, alice_cookies = signed_in(alice)
    alice_client.get(article.get_absolute_url())
    assert from_front(asgi_get(article.get_absolute_url(), alice_cookies)[1])
    new = post(bob, article, "Fresh words")
    status, headers, html = asgi_get(article.get_absolute_url(), alice_cookies)
    assert status == 200 and not from_front(headers) and f'id="c{new.pk}"' in html
    actions.do_set_status(new, Comment.Status.REMOVED, "spam")
    html = asgi_get(article.get_absolute_url(), alice_cookies)[2]
    assert "Fresh words" not in html


def test_a_member_with_a_comment_awaiting_moderation_is_answered_by_django(scene, alice, bob, article):
    alice_client, _ = signed_in(alice)
    alice_client.get(article.get_absolute_url())
    held = actions.do_post(bob, article, actions.check_import(article, "Waiting for a moderator", None,
                                                              status=Comment.Status.HELD))
    _, bob_cookies = signed_in(bob)
    status, headers, html = asgi_get(article.get_absolute_url(), bob_cookies)
    assert status == 200 and not from_front(headers)
    assert f'id="c{held.pk}"' in html and "awaiting moderation" in html
    # …and the page made for Bob is not kept for others.
    status, headers, html = asgi_get(article.get_absolute_url(), member_cookies(alice_client))
    assert "Waiting for a moderator" not in html


def test_sessions_the_front_must_not_answer(scene, alice, bob, article):
    alice_client, alice_cookies = signed_in(alice)
    alice_client.get(article.get_absolute_url())
    # A message waiting in the session is shown by Django.
    _, bob_cookies = signed_in(bob)
    bob_cookies["messages"] = CookieStorage(SimpleNamespace(COOKIES={}))._encode([Message(constants.INFO, "Hello Bob")])
    status, headers, html = asgi_get(article.get_absolute_url(), bob_cookies)
    assert not from_front(headers) and "Hello Bob" in html
    # A session that is not signed in (or no longer valid) gets the visitor's page.
    for cookies in ({**alice_cookies, settings.SESSION_COOKIE_NAME: "nosuchsession"},
                    {settings.SESSION_COOKIE_NAME: alice_cookies[settings.SESSION_COOKIE_NAME]}):
        status, headers, html = asgi_get(article.get_absolute_url(), cookies)
        assert status == 200
        if cookies[settings.SESSION_COOKIE_NAME] == "nosuchsession":
            assert "you must" in html and f'data-me="{alice.pk}"' not in html
    # A password change ends the other sessions: the front does not take the old one.
    alice.set_password("a-new-long-password")
    alice.save()
    status, headers, html = asgi_get(article.get_absolute_url(), alice_cookies)
    assert not from_front(headers) and f'data-me="{alice.pk}"' not in html and "you must" in html


def test_a_banned_member_gets_the_notice_from_django(scene, alice, bob, article):
    from moderation import policy
    from moderation.models import Ban

    alice_client, _ = signed_in(alice)
    alice_client.get(article.get_absolute_url())
    # As moderation.actions.ban writes it (the moderators' group is not in a flushed database).
    Ban.objects.create(member=bob, scope=Ban.Scope.COMMENTING, reason="insults")
    policy.forget_ban(bob.pk)
    _, bob_cookies = signed_in(bob)
    status, headers, html = asgi_get(article.get_absolute_url(), bob_cookies)
    assert status == 200 and not from_front(headers) and 'class="ban-notice"' in html


def test_an_anonymous_reader_with_a_session_cookie_never_gets_a_member_page(scene, alice, article):
    alice_client, alice_cookies = signed_in(alice)
    alice_client.get(article.get_absolute_url())
    Client().get(article.get_absolute_url())  # the anonymous page is cached too
    alice_client.logout()
    status, headers, html = asgi_get(article.get_absolute_url(), alice_cookies)
    assert status == 200 and f'data-me="{alice.pk}"' not in html and "you must" in html


def test_a_member_seen_moments_ago_is_served_from_memory_yet_sees_every_change(
        scene, alice, bob, article, monkeypatch):
    from newsroom import memberpage

    mine, _theirs = scene
    alice_client, _ = signed_in(alice)
    alice_client.get(article.get_absolute_url())
    bob_client, bob_cookies = signed_in(bob)
    assert from_front(asgi_get(article.get_absolute_url(), bob_cookies)[1])  # read from the database
    calls = []
    slow = memberpage.personalise
    monkeypatch.setattr(memberpage, "personalise", lambda *a: calls.append(a) or slow(*a))
    status, headers, html = asgi_get(article.get_absolute_url(), bob_cookies)
    assert from_front(headers) and calls == [] and f'data-me="{bob.pk}"' in html  # from memory
    assert f"#c{mine.pk}>.minus" in html
    # Bob takes his minus back: the discussion's generation moves, his marks are read again.
    actions.vote(bob, mine, 0)
    alice_client.get(article.get_absolute_url())  # the skeleton of the new state
    status, headers, html = asgi_get(article.get_absolute_url(), bob_cookies)
    assert from_front(headers) and len(calls) == 1 and f"#c{mine.pk}>.minus" not in html
    # A message put in his session is shown at once (by Django).
    store = SessionStore(bob_cookies[settings.SESSION_COOKIE_NAME])
    store["_messages"] = "[]"
    store.save()
    assert not from_front(asgi_get(article.get_absolute_url(), bob_cookies)[1])
    del store["_messages"]
    store.save()
    assert from_front(asgi_get(article.get_absolute_url(), bob_cookies)[1])
    # Signing out ends it at once, memory or not.
    bob_client.logout()
    status, headers, html = asgi_get(article.get_absolute_url(), bob_cookies)
    assert not from_front(headers) and f'data-me="{bob.pk}"' not in html


SECURITY = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
            "cross-origin-opener-policy", "permissions-policy", "strict-transport-security")


def _security(headers: dict) -> dict:
    found = {k: v for k, v in headers.items() if k in SECURITY}
    if "content-security-policy" in found:  # a nonce differs per answer (Django gives every page one)
        found["content-security-policy"] = re.sub(r" 'nonce-[^']+'", "", found["content-security-policy"])
    return found


def test_a_page_carries_the_same_security_headers_from_django_and_from_the_front(scene, alice, article):
    """The headers are written in one place (core.headers): a page Django renders and the same
    page the front serves from the cache carry the same ones, for a visitor and a member."""
    status, rendered, _ = asgi_get(article.get_absolute_url())  # rendered by Django, kept
    status2, cached, _ = asgi_get(article.get_absolute_url())  # from the front's cache
    assert status == status2 == 200 and "set-cookie" not in cached
    assert _security(rendered) == _security(cached) and len(_security(cached)) >= 6
    client, cookies = signed_in(alice)
    django_headers = {k.lower(): v for k, v in client.get(article.get_absolute_url()).items()}
    status3, front_headers, _ = asgi_get(article.get_absolute_url(), cookies)
    assert status3 == 200 and from_front(front_headers)
    assert _security(django_headers) == _security(front_headers)


def test_a_member_page_goes_gzip_with_the_members_own_values_outside_compression(scene, alice, bob, article):
    """The skeleton's parts are deflated once; each member's values go between them stored,
    uncompressed: the body is valid gzip, says what the plain page says, and a member's CSRF
    token stands in it as plain bytes (it shares no compression context with others' text)."""
    import gzip

    alice_client, _ = signed_in(alice)
    alice_client.get(article.get_absolute_url())  # Django renders and keeps the skeleton
    pagecache.compressor.flush()  # its parts deflated by the compressor thread
    _, bob_cookies = signed_in(bob)
    status, headers, body = asgi_get(article.get_absolute_url(), bob_cookies, accept="gzip, deflate, br")
    assert status == 200 and from_front(headers)
    assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Language, Cookie, Accept-Encoding"
    assert int(headers["content-length"]) == len(body)
    html = gzip.decompress(body).decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert token.encode() in body  # stored, not compressed
    nonce = re.search(r"'nonce-([^']+)'", headers["content-security-policy"]).group(1)
    assert f'<style nonce="{nonce}">' in html and f'data-me="{bob.pk}"' in html
    _, _, plain = asgi_get(article.get_absolute_url(), bob_cookies)
    mask = re.compile(r'value="[^"]{64}"|nonce="[^"]+"|value="[0-9a-f]{32}"')  # fresh each response
    assert mask.sub("", html) == mask.sub("", plain)
    assert len(body) < len(plain.encode()) / 2


@pytest.mark.parametrize("accept", ["", "br", "gzip;q=0, br", "identity", "compress"])
def test_a_member_page_is_plain_for_a_client_that_does_not_take_gzip(scene, alice, bob, article, accept):
    alice_client, _ = signed_in(alice)
    alice_client.get(article.get_absolute_url())
    pagecache.compressor.flush()
    _, bob_cookies = signed_in(bob)
    status, headers, html = asgi_get(article.get_absolute_url(), bob_cookies, accept=accept)
    assert status == 200 and from_front(headers)
    assert "content-encoding" not in headers and isinstance(html, str) and f'data-me="{bob.pk}"' in html


def test_a_renamed_article_is_not_answered_from_memory_at_its_old_address(scene, alice, article):
    """The front knows the old slug (it served it); after the rename the article's page is
    made at the new address, and the old one gets Django's answer — for a reader and for a
    member — never the kept page."""
    from newsroom.actions import do_save_article

    old = article.get_absolute_url()
    assert asgi_get(old)[0] == 200 and asgi_get(old)[0] == 200  # made, then answered from memory
    alice_client, alice_cookies = signed_in(alice)
    alice_client.get(old)  # the members' skeleton is kept too
    article.slug = "a-new-address"
    do_save_article(article)
    new = article.get_absolute_url()
    assert new != old
    status, headers, html = asgi_get(new)
    assert status == 200 and "Alice speaks" in html
    alice_client.get(new)
    for cookies in (None, alice_cookies):
        status, headers, html = asgi_get(old, cookies)
        assert status == 404, cookies
        assert "Alice speaks" not in html
