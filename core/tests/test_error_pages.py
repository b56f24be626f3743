"""Every error answer carries the security headers a normal page does (production settings,
over https): 400, 403, 404, 413, 429, 500 and 503, as pages and as JSON; and an address under
/api/ that leads nowhere answers JSON."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError
from django.test import Client, override_settings

from config.settings import hardening

PROD = {k: getattr(hardening, k) for k in dir(hardening) if k.isupper()}
PROD["SECURE_SSL_REDIRECT"] = False  # the test client speaks https through secure=True below
HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
           "Cross-Origin-Opener-Policy", "Permissions-Policy", "Strict-Transport-Security")
JSON = {"HTTP_ACCEPT": "application/json"}


def assert_secured(response):
    missing = [h for h in HEADERS if h not in response]
    assert not missing, (response.status_code, missing)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@override_settings(**PROD)
@pytest.mark.parametrize("headers", [{}, JSON], ids=["page", "json"])
def test_400_nul_and_413_too_large(client, db, article, headers):
    r = client.post(f"/articles/{article.slug}/comments/", {"body": "a\x00b"}, secure=True, **headers)
    assert r.status_code == 400
    assert_secured(r)
    r = client.post(f"/articles/{article.slug}/comments/", {"body": "x" * 300_000}, secure=True, **headers)
    assert r.status_code == 413
    assert_secured(r)


@override_settings(**PROD)
def test_403_for_a_member_on_a_moderator_page(client, bob):
    client.force_login(bob)
    r = client.get("/moderation/", secure=True)
    assert r.status_code == 403
    assert_secured(r)


@override_settings(**PROD)
def test_403_for_a_failed_csrf_check(bob):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(bob)
    r = client.post("/signout/", secure=True)
    assert r.status_code == 403
    assert_secured(r)


@override_settings(**PROD)
def test_404_page_and_api(client, db):
    r = client.get("/no/such/page/", secure=True)
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html")
    assert_secured(r)
    r = client.get("/api/v1/no-such-thing/", secure=True)
    assert r.status_code == 404 and r.json()["error"] == "not_found" and r.json()["message"]
    assert_secured(r)


@pytest.fixture
def no_counts():
    from django.core.cache import cache

    from moderation import limits

    cache.clear()
    limits._local.clear()
    yield
    cache.clear()
    limits._local.clear()


@override_settings(**PROD, VECHE_RATE_LIMITS=True)
def test_429_for_too_many_sign_ins(client, db, no_counts):
    r = None
    for _ in range(40):
        r = client.post("/signin/", {"username": "nobody", "password": "wrong password here"}, secure=True)
        if r.status_code == 429:
            break
    assert r.status_code == 429
    assert_secured(r)


@override_settings(**PROD)
@pytest.mark.parametrize(("error", "status"), [(RuntimeError("a bug"), 500),
                                               (OperationalError("could not connect to server"), 503)])
def test_500_and_503(client, db, article, monkeypatch, error, status):
    from newsroom import views

    def fails(*args, **kwargs):
        raise error

    monkeypatch.setattr(views, "published_article", fails)
    r = client.get(f"/articles/{article.slug}/", secure=True)
    assert r.status_code == status
    assert_secured(r)


def test_a_member_whose_form_expired_is_told_why_in_their_language_and_keeps_the_text(bob, article):
    """A stale CSRF token (the page open across a sign-in elsewhere): not Django's technical
    page in English, but a sentence in the member's language, with the text they wrote given
    back (escaped) and a link back only to this site; JSON for the page's script. A reader who
    is not signed in is still sent to sign in, and nothing is posted either way."""
    from discussion.models import Comment

    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(bob)
    url = f"/articles/{article.slug}/comments/"
    text = "My long answer <script>alert(1)</script> & more"
    page = client.post(url, {"body": text, "csrfmiddlewaretoken": "stale"}, HTTP_REFERER=f"http://testserver{url}")
    html = page.content.decode()
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")
    assert "This form has expired" in html and "Reload the page" in html
    assert "CSRF" not in html and "DEBUG" not in html  # none of Django's technical page
    assert "My long answer &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html and "<script>alert(1)" not in html
    assert f'href="http://testserver{url}"' in html
    # The language switcher leads back to the page the form came from (without its ?lang=),
    # never to the address that takes only forms (a GET there answers 405).
    came_from = f"/articles/{article.slug}/?p=2&lang=en"
    switched = client.post(url, {"body": text, "csrfmiddlewaretoken": "stale"},
                           HTTP_REFERER=f"http://testserver{came_from}").content.decode()
    assert f'name="back" value="/articles/{article.slug}/?p=2"' in switched
    assert f'name="back" value="{url}"' not in switched
    elsewhere = client.post(url, {"body": "x", "csrfmiddlewaretoken": "stale"}, HTTP_REFERER="https://evil.example/")
    assert 'href="https://evil.example' not in elsewhere.content.decode()
    assert '<a href="/">Back to the page</a>' in elsewhere.content.decode()  # the front instead
    assert 'name="back" value="/"' in elsewhere.content.decode()
    answer = client.post(url, {"body": text, "csrfmiddlewaretoken": "stale"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 403 and answer.json()["error"] == "csrf"
    assert answer.json()["message"].startswith("This form has expired")
    russian = client.post(url, {"body": text}, HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="ru")
    assert russian.status_code == 403 and russian.json()["message"].startswith("Срок действия формы истёк")
    ru_page = client.post(url, {"body": text}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Срок действия формы истёк" in ru_page and "Вернуться на страницу" in ru_page
    assert not Comment.objects.filter(article=article).exists()

    anonymous = Client(enforce_csrf_checks=True, raise_request_exception=False)
    r = anonymous.post(url, {"body": text, "csrfmiddlewaretoken": "stale"})
    assert r.status_code == 302 and r["Location"].startswith("/signin/")
    assert anonymous.post(url, {"body": text}, HTTP_ACCEPT="application/json").status_code == 401
    assert not Comment.objects.filter(article=article).exists()


def test_a_form_refused_for_its_origin_says_so_not_that_it_expired(bob, article):
    """On https Django also refuses a form whose browser withheld the page's address (no
    Referer: a privacy setting) or named another site (Origin): reloading would not help, so
    the sentence is not the expired form's. The text comes back; nothing is stored; a reader
    who is not signed in is told the same rather than sent to a sign-in form that would be
    refused alike. What such a form sent is not shown back on the site's page (another site
    would have chosen it). The page's script (X-Requested-With: fetch) gets JSON."""
    from django.conf import settings

    from discussion.models import Comment

    token = "a" * 32
    url = f"/articles/{article.slug}/comments/"
    text = "Kept <b>text</b>"
    for signed_in in (True, False):
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        if signed_in:
            client.force_login(bob)
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        form = {"body": text, "csrfmiddlewaretoken": token}
        for headers in ({}, {"HTTP_ORIGIN": "https://elsewhere.example"}):
            page = client.post(url, form, secure=True, **headers)
            html = page.content.decode()
            assert page.status_code == 403, (signed_in, headers)
            assert "it did not come from a page of this site" in html and "Form refused" in html
            assert "expired" not in html and "Reload the page" not in html
            assert "Kept" not in html and "kept-text" not in html
            answer = client.post(url, form, secure=True, HTTP_X_REQUESTED_WITH="fetch", **headers)
            assert answer.status_code == 403 and answer.json()["error"] == "origin"
        russian = client.post(url, form, secure=True, HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="ru")
        assert "отправлена не со страницы этого сайта" in russian.json()["message"]
        # The same token from this site's page is taken: the refusal was for the address alone.
        fine = client.post(url, form, secure=True, HTTP_REFERER=f"https://testserver{url}")
        assert fine.status_code == 302, fine.status_code
    assert Comment.objects.filter(article=article).count() == 1  # the one sent from the page
    # A stale token with the page's own address is still the expired form.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(bob)
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    stale = client.post(url, {"body": text, "csrfmiddlewaretoken": "b" * 32}, secure=True,
                        HTTP_REFERER=f"https://testserver{url}", HTTP_X_REQUESTED_WITH="fetch")
    assert stale.status_code == 403 and stale.json()["error"] == "csrf"


def test_a_refused_member_reads_why_in_their_language_never_djangos_bare_403(client, bob):
    """A guard's 403 (a member on a moderator's or an editor's page): the guard's own sentence,
    translated, in the site's page — JSON when JSON was asked; never Django's bare "403
    Forbidden"."""
    client.force_login(bob)
    page = client.get("/moderation/")
    html = page.content.decode()
    assert page.status_code == 403 and "Moderators only." in html and "Not open to you" in html
    assert "403 Forbidden" not in html
    assert 'class="site-foot"' in html  # the site's own page around it
    ru = client.get("/moderation/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Только для модераторов." in ru and "Moderators only." not in ru
    answer = client.get("/moderation/", HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="ru")
    assert answer.status_code == 403 and answer.json() == {"error": "forbidden", "message": "Только для модераторов."}
    editor_page = client.get("/editorial/")
    assert editor_page.status_code == 403 and "Editors only." in editor_page.content.decode()


def test_a_403_shows_only_a_sentence_written_for_readers(rf, db):
    """Only a guard's Refused carries words for the reader; a PermissionDenied raised by Django
    or a library may carry words meant for a log, and the page (and its JSON) shows none."""
    from django.core.exceptions import PermissionDenied

    from core.errors import Refused
    from core.views import forbidden

    inner = PermissionDenied("row 42 of accounts_member is locked by worker 7")
    for request in (rf.get("/somewhere/"), rf.get("/api/v1/x/"), rf.get("/x/", HTTP_X_REQUESTED_WITH="fetch")):
        request.user = AnonymousUser()
        answer = forbidden(request, inner)
        body = answer.content.decode()
        assert answer.status_code == 403
        assert "row 42" not in body and "worker 7" not in body
        assert "This page is not open to you." in body
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    assert "Editors only." in forbidden(request, Refused("Editors only.")).content.decode()


def test_a_request_django_refuses_reads_a_sentence_not_djangos_plain_400(client, db, settings):
    """Too many form fields (a SuspiciousOperation) and a Host the site does not serve: 400 with
    a sentence in the reader's language, as a page or JSON; the page is made without reading
    the refused Host again."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = {f"f{i}": "x" for i in range(10)}
    page = client.post("/signin/", fields, HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 400 and "Этот запрос не удалось прочитать" in page.content.decode()
    assert "Bad Request (400)" not in page.content.decode()
    answer = client.post("/signin/", fields, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400 and answer.json()["error"] == "bad_request"
    assert answer.json()["message"].startswith("This request could not be read.")
    settings.ALLOWED_HOSTS = ["testserver"]
    host = client.get("/", HTTP_HOST="not-ours.example", HTTP_ACCEPT_LANGUAGE="ru")
    assert host.status_code == 400 and "Этот запрос не удалось прочитать" in host.content.decode()
