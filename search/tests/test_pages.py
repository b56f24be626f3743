"""The search page: the words asked for, in an article's title, lead or text; never an unpublished one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom.models import Article

ROLES = ["visitor", "member", "moderator", "editor"]


@pytest.fixture
def reader(request, client, make_member, moderator, editor):
    """A client signed in as `role` (the visitor is not signed in)."""
    role = request.param
    if role != "visitor":
        client.force_login({"member": lambda: make_member("reader"), "moderator": lambda: moderator,
                            "editor": lambda: editor}[role]())
    return client


def found(client, q: str) -> str:
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("reader", ROLES, indirect=True)
def test_words_in_the_text_are_found_as_well_as_in_the_title_and_lead(reader, make_article):
    make_article(title="Ceasefire talks", lead="Diplomats meet again.",
                 body="The talks concern Nagorno-Karabakh and the corridor.")
    make_article(title="Karabakh in the title", body="Nothing else.")
    make_article(title="A lead", lead="Karabakh in the lead.", body="Nothing else.")
    make_article(title="Unrelated", body="The railway reached the town.")
    html = found(reader, "karabakh")
    assert "Ceasefire talks" in html  # only its text has the word
    assert "Karabakh in the title" in html and "A lead" in html
    assert "Unrelated" not in html
    # Every word must be somewhere in the article, each may be in a different part.
    both = found(reader, "ceasefire corridor")
    assert "Ceasefire talks" in both and "Karabakh in the title" not in both
    assert "No publication matches." in found(reader, "karabakh absent-word")


@pytest.mark.parametrize("reader", ROLES, indirect=True)
def test_unpublished_articles_are_never_found_by_their_text_title_or_lead(reader, make_article):
    make_article(title="Published one", body="Karabakh, openly.")
    make_article(title="Secret draft", lead="Draft lead", body="Karabakh in a draft body.",
                 state=Article.State.DRAFT)
    make_article(title="Tomorrow's story", lead="Scheduled lead", body="Karabakh, scheduled.",
                 state=Article.State.SCHEDULED, published_at=timezone.now() + timedelta(days=1))
    html = found(reader, "Karabakh")
    assert "Published one" in html
    assert "Secret draft" not in html and "Tomorrow" not in html
    for q in ("draft body", "Secret draft", "Draft lead", "scheduled", "Scheduled lead"):
        assert "No publication matches." in found(reader, q), q


def test_the_seed_article_is_found_by_a_word_of_its_text(db, seed_path):
    from django.core.management import call_command

    call_command("import-page", str(seed_path))
    article = Article.objects.get()
    assert "karabakh" not in (article.title + article.lead).lower()  # the word is in its text only
    assert "karabakh" in article.body.lower()
    from django.test import Client

    assert article.get_absolute_url() in found(Client(), "Karabakh")


def test_the_empty_search_says_what_is_searched(db, client):
    html = found(client, "")
    assert "titles, leads, texts and readers’ comments" in html
