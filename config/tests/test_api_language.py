"""The API's words for people follow the request's language: the OpenAPI document's summaries
and descriptions, and the reasons of JSON errors. Codes, names and types never change."""

import json

import pytest

RUSSIAN = {"HTTP_ACCEPT_LANGUAGE": "ru"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _texts(doc) -> list[str]:
    """Every summary and description in the document, wherever it is."""
    found = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in ("summary", "description", "title") and isinstance(value, str):
                found.append(value)
            else:
                found += _texts(value)
    elif isinstance(doc, list):
        for value in doc:
            found += _texts(value)
    return found


def _has_cyrillic(text: str) -> bool:
    return any("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in text)


@pytest.mark.django_db
def test_the_openapi_document_in_russian():
    from django.test import Client

    r = Client().get("/api/v1/openapi.json", **RUSSIAN)
    assert r.status_code == 200 and r["Content-Language"] == "ru"
    doc = r.json()
    texts = _texts(doc)
    assert len(texts) >= 15
    untranslated = [t for t in texts if not _has_cyrillic(t)]
    assert untranslated == []
    get = doc["paths"]["/api/v1/articles/"]["get"]
    assert get["summary"] == "Опубликованные статьи, сначала новые, по 50 на странице"
    assert doc["info"]["title"] == "API чтения Veche"
    # The API's own names stay.
    assert [p["name"] for p in get["parameters"]] == ["page", "section"]
    assert doc["components"]["schemas"]["Error"]["required"] == ["error", "message"]
    assert "Accept-Language" in r["Vary"]


@pytest.mark.django_db
def test_the_openapi_document_in_english_has_no_russian():
    from django.test import Client

    r = Client().get("/api/v1/openapi.json", **ENGLISH)
    doc = r.json()
    assert r["Content-Language"] == "en"
    assert doc["paths"]["/api/v1/articles/"]["get"]["summary"] == "Published articles, newest first, 50 a page"
    assert not any(_has_cyrillic(t) for t in _texts(doc))
    assert "Опубликованные" not in r.content.decode()


@pytest.mark.django_db
def test_the_two_languages_never_share_one_answer():
    """A Russian answer first, then an English one: the second is English (nothing kept)."""
    from django.test import Client

    ru = Client().get("/api/v1/openapi.json", **RUSSIAN).json()
    en = Client().get("/api/v1/openapi.json", **ENGLISH).json()
    assert json.dumps(ru) != json.dumps(en)
    assert ru["paths"].keys() == en["paths"].keys()


@pytest.mark.parametrize(("headers", "expected", "absent"), [
    (RUSSIAN, {"not_found": "По этому адресу ничего нет.", "bad_page": "«page»", "bad_order": "«order»"},
     ["There is nothing", "is a whole number", "is one of"]),
    (ENGLISH, {"not_found": "There is nothing at this address.", "bad_page": "“page” is a whole number",
               "bad_order": "“order” is one of"}, ["По этому адресу", "«page»", "«order»"]),
])
def test_json_error_reasons_follow_the_language(client, article, headers, expected, absent):
    answers = {
        "not_found": client.get("/api/v1/no-such-thing/", **headers),
        "bad_page": client.get("/api/v1/articles/", {"page": "zero"}, **headers),
        "bad_order": client.get(f"/api/v1/articles/{article.slug}/comments/", {"order": "random"}, **headers),
        # The discussion's own fragment (a page whose live stream fell behind) says it alike.
        "bad_order ": client.get(f"/articles/{article.slug}/thread/", {"order": "random"}, **headers),
    }
    for code, r in answers.items():
        assert r.status_code in (400, 404), (code, r.status_code)
        body = r.json()
        assert body["error"] == code.strip()
        assert expected[code.strip()] in body["message"], (code, body)
        assert not any(a in body["message"] for a in absent), (code, body)
