"""The Russian demo: Russian articles with discussions by Cyrillic members, only for a Russian
site (or when asked), beside the English demo."""

import pytest

from discussion.models import Comment
from imports import demo
from newsroom.models import Article

pytestmark = pytest.mark.django_db


def test_an_english_site_gets_no_russian_demo():
    demo.load()
    assert not Article.objects.filter(language="ru").exists()
    assert Article.objects.filter(language="en").count() == len(demo.ARTICLES)


def test_a_russian_site_gets_russian_articles_and_discussions(settings):
    settings.LANGUAGE_CODE = "ru"
    made = demo.load()
    assert len(made) == 3 and all(a.language == "ru" for a in made)  # no English demo on a Russian site
    assert Article.objects.published().order_by("-published_at").first().language == "ru"  # they lead
    comments = Comment.objects.filter(article__language="ru").select_related("author")
    logins = {c.author.login for c in comments}
    assert "Марина_К" in logins and all(any("а" <= ch.lower() <= "я" or ch == "ё" for ch in login)
                                         for login in logins)
    assert any(c.author.real_name == "Виктор Петрович" for c in comments)
    assert max(c.depth for c in comments) >= 7  # a deep thread
    html = " ".join(c.body_html for c in comments)
    assert 'class="quote' in html and "пишет:" in html and "wrote:" not in html  # quotes, in Russian
    assert 'class="smiley' in html
    # Loading again adds nothing.
    assert len(demo.load()) == len(made)
    assert len(demo.load(russian=True)) == len(demo.ARTICLES) + 3  # both, when asked
    assert Comment.objects.filter(article__language="ru").count() == comments.count()
