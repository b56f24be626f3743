"""The read API refuses parameters out of their range with a reason (400), answers JSON for
every address under /api/ that leads nowhere, and its OpenAPI document says both."""

import pytest


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "", "１", "9" * 12])
def test_a_page_out_of_range_is_refused_with_a_reason(client, article, page):
    r = client.get("/api/v1/articles/", {"page": page})
    assert r.status_code == 400 and r["Content-Type"] == "application/json"
    assert r.json()["error"] == "bad_page" and "“page” is a whole number from 1" in r.json()["message"]


def test_a_page_past_the_last_is_not_found_and_not_the_last_page_again(client, article):
    assert client.get("/api/v1/articles/", {"page": "1"}).json()["results"]
    r = client.get("/api/v1/articles/", {"page": "2"})
    assert r.status_code == 404 and r.json()["error"] == "no_such_page"
    assert "results" not in r.json()
    assert client.get("/api/v1/articles/").json()["page"] == 1


@pytest.mark.parametrize("order", ["bogus", "", "OLDEST", "oldest\x01"])
def test_an_unknown_order_is_refused_with_a_reason(client, article, order):
    r = client.get(f"/api/v1/articles/{article.slug}/comments/", {"order": order})
    assert r.status_code == 400 and r.json()["error"] == "bad_order"
    assert "oldest, newest, best" in r.json()["message"]


@pytest.mark.parametrize("order", ["oldest", "newest", "best"])
def test_the_known_orders_answer(client, article, order):
    assert client.get(f"/api/v1/articles/{article.slug}/comments/", {"order": order}).status_code == 200


@pytest.mark.django_db(transaction=True)  # Django answers in another thread
def test_an_unknown_order_is_refused_through_the_asgi_front_too(article, client):
    from config.tests.test_front import asgi_get

    client.get(f"/api/v1/articles/{article.slug}/comments/")  # the front now knows the slug
    status, headers, body = asgi_get(f"/api/v1/articles/{article.slug}/comments/", query="order=bogus")
    assert status == 400 and '"bad_order"' in body and headers["content-type"] == "application/json"


@pytest.mark.parametrize("path", ["/api/", "/api/v1/", "/api/v1/nothing/", "/api/v1/articles/no-such-article/",
                                  "/api/v1/articles/no-such-article/comments/", "/api/v2/articles/"])
def test_api_addresses_that_lead_nowhere_answer_json(client, db, path):
    r = client.get(path)
    assert r.status_code == 404 and r["Content-Type"] == "application/json"
    assert r.json()["error"] == "not_found" and r.json()["message"]
    assert "matches the given query" not in r.json()["message"]  # not Django's internals


def test_pages_outside_the_api_still_answer_html(client, db):
    r = client.get("/no/such/page/")
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html")


def test_a_draft_article_is_not_found_in_the_api(client, make_article):
    draft = make_article(state="draft")
    for path in (f"/api/v1/articles/{draft.slug}/", f"/api/v1/articles/{draft.slug}/comments/"):
        r = client.get(path)
        assert r.status_code == 404 and r.json()["error"] == "not_found"
    assert draft.slug not in client.get("/api/v1/articles/").content.decode()


def test_the_openapi_document_states_the_bounds(client):
    doc = client.get("/api/v1/openapi.json").json()
    listing = doc["paths"]["/api/v1/articles/"]["get"]
    page = next(p for p in listing["parameters"] if p["name"] == "page")
    assert page["schema"]["minimum"] == 1 and "400" in listing["responses"]
    comments = doc["paths"]["/api/v1/articles/{slug}/comments/"]["get"]
    order = next(p for p in comments["parameters"] if p["name"] == "order")
    assert order["schema"]["enum"] == ["oldest", "newest", "best"]
    assert "400" in comments["responses"] and "404" in comments["responses"]
    assert doc["components"]["schemas"]["Error"]["required"] == ["error", "message"]
