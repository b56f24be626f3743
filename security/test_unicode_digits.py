"""Numbers read from requests: "²" and "₀₁" are digits to str.isdigit() and not to int().
Each answer is a clear one, never a 500."""

import pytest
from django.test import Client


@pytest.fixture
def editor_client(editor):
    c = Client()
    c.force_login(editor)
    return c


@pytest.mark.parametrize("value", ["²", "₀₁₂", "٣", "1²"])
def test_the_new_endpoints_take_unicode_digits_calmly(client, editor_client, article, value):
    assert client.get("/api/v1/logins/", {"q": "al", "article": value}).status_code < 500
    assert editor_client.post("/editorial/preview/", {"article": value, "body": "Words"}).status_code < 500
    assert editor_client.post("/editorial/autosave/", {"article": value, "title": "T"}).status_code < 500
    assert editor_client.get(f"/editorial/articles/{article.pk}/history/", {"a": value}).status_code < 500


def test_a_declared_length_in_unicode_digits_is_refused_calmly():
    from config.front import _declared_length

    assert _declared_length({"headers": [(b"content-length", "²".encode("latin-1"))]}) is None
