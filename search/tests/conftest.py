import pytest
from django.db import connection


def html_of(client, q, url="/search/", **params) -> str:
    response = client.get(url, {"q": q, **params})
    assert response.status_code == 200, (q, params, response.status_code)
    return response.content.decode()


def indexed(*comments) -> set[int]:
    from search import sql

    with connection.cursor() as cursor:
        return sql.indexed_comments(cursor, [c.pk for c in comments])


@pytest.fixture
def russian(settings):
    """Articles written from here on are in Russian (the site's language; their own field
    once articles carry one)."""
    settings.LANGUAGE_CODE = "ru"
    from newsroom.models import Article

    return {"language": "ru"} if any(f.name == "language" for f in Article._meta.fields) else {}
