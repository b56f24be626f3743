"""A body too large is refused in the reader's language, not the site's, whoever refuses it:
Django's body-size middleware (before the language middleware has run), Django's 400 handler
(a body found too large only while read), and the ASGI front (before Django)."""

import json

import pytest
from django.test import RequestFactory, override_settings

from core.tests.test_asgi_bounds import TEN_MB, Body, call

BIG = 300 * 1024  # past DATA_UPLOAD_MAX_MEMORY_SIZE (256 KB)
RU_WORDS = "Запрос слишком велик"
EN_WORDS = "This request is too large"
JSON = "application/json"


def _post(client, path: str, headers: dict, accept: str = "text/html", cookies: dict | None = None):
    for name, value in (cookies or {}).items():
        client.cookies[name] = value
    return client.generic("POST", path, b"x" * BIG, content_type="application/x-www-form-urlencoded",
                          HTTP_ACCEPT=accept, **headers)


@pytest.mark.django_db
@pytest.mark.parametrize(("headers", "chosen", "shown", "hidden", "lang"), [
    ({"HTTP_ACCEPT_LANGUAGE": "ru"}, None, RU_WORDS, EN_WORDS, "ru"),
    ({"HTTP_ACCEPT_LANGUAGE": "en"}, None, EN_WORDS, RU_WORDS, "en"),
    ({"HTTP_ACCEPT_LANGUAGE": "en"}, "ru", RU_WORDS, EN_WORDS, "ru"),  # the switcher's choice, in its cookie
    ({"HTTP_ACCEPT_LANGUAGE": "ru"}, "en", EN_WORDS, RU_WORDS, "en"),
])
def test_djangos_413_speaks_the_readers_language(client, headers, chosen, shown, hidden, lang, settings):
    cookies = {settings.LANGUAGE_COOKIE_NAME: chosen} if chosen else {}
    for accept in ("text/html", JSON):
        r = _post(client, "/signin/", headers, accept, cookies)
        assert r.status_code == 413 and r["Content-Language"] == lang
        text = r.json()["message"] if accept == JSON else r.content.decode()
        assert shown in text and hidden not in text
        if accept != JSON:
            assert f'<html lang="{lang}">' in text


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="ru")
def test_an_english_reader_of_a_russian_site_is_refused_in_english(client):
    r = _post(client, "/signin/", {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}, JSON)
    assert r.status_code == 413 and EN_WORDS in r.json()["message"] and RU_WORDS not in r.json()["message"]
    r = _post(client, "/signin/", {}, JSON)  # no preference said: the site's language
    assert RU_WORDS in r.json()["message"]


FORM_RU, FORM_EN = "Текст формы слишком велик", "This form's text is too large"


@pytest.mark.django_db
@pytest.mark.parametrize(("accept_language", "shown", "hidden"), [("ru", FORM_RU, FORM_EN), ("en", FORM_EN, FORM_RU)])
def test_a_form_too_large_for_django_on_an_upload_address_is_a_413_in_the_readers_language(
        client, accept_language, shown, hidden):
    """Under the upload addresses a body may pass DATA_UPLOAD_MAX_MEMORY_SIZE (an image's room),
    but a form of that size is Django's RequestDataTooBig when the middleware reads it."""
    r = _post(client, "/editorial/articles/new/", {"HTTP_ACCEPT_LANGUAGE": accept_language}, JSON)
    assert "262" in r.json()["message"]  # Django's bound, not the image's
    assert r.status_code == 413
    body = r.json()
    assert body["error"] == "too_large" and shown in body["message"] and hidden not in body["message"]
    assert "comment" not in body["message"] and "коммент" not in body["message"]  # not a comment's form


@pytest.mark.parametrize(("accept_language", "shown", "hidden"), [("ru", RU_WORDS, EN_WORDS), ("en", EN_WORDS, RU_WORDS)])
def test_djangos_400_handler_answers_a_body_too_large_as_a_413_in_the_readers_language(
        accept_language, shown, hidden):
    from django.core.exceptions import RequestDataTooBig, SuspiciousOperation

    from core.views import bad_request

    request = RequestFactory().post("/articles/x/comments/", HTTP_ACCEPT_LANGUAGE=accept_language,
                                    HTTP_ACCEPT=JSON)
    r = bad_request(request, RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE."))
    assert r.status_code == 413 and shown in json.loads(r.content)["message"]
    assert hidden not in json.loads(r.content)["message"]
    # Any other suspicious request stays Django's own 400.
    assert bad_request(request, SuspiciousOperation("odd")).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(("accept_language", "shown", "hidden"), [("ru", RU_WORDS, EN_WORDS), ("en", EN_WORDS, RU_WORDS)])
def test_the_front_refuses_in_the_readers_language_declared_or_not(accept_language, shown, hidden):
    lang = [(b"accept-language", accept_language.encode())]
    status, _h, content = call("POST", "/signin/", Body(TEN_MB), [(b"content-length", str(TEN_MB).encode()), *lang])
    assert status == 413 and shown in content.decode() and hidden not in content.decode()
    status, _h, content = call("POST", "/signin/", Body(TEN_MB),
                               [(b"transfer-encoding", b"chunked"), (b"accept", JSON.encode()), *lang])
    message = json.loads(content)["message"]
    assert status == 413 and shown in message and hidden not in message


@pytest.mark.django_db
@pytest.mark.parametrize(("accept_language", "shown", "hidden"), [
    ("ru", "В запросе есть символ NUL", "The request holds a NUL"),
    ("en", "The request holds a NUL", "В запросе есть символ NUL")])
def test_a_nul_refused_before_the_language_middleware_is_in_the_readers_language_too(
        client, accept_language, shown, hidden):
    r = client.get("/search/", {"q": "a\x00b"}, HTTP_ACCEPT_LANGUAGE=accept_language, HTTP_ACCEPT=JSON)
    assert r.status_code == 400 and shown in r.json()["message"] and hidden not in r.json()["message"]
