"""Searching articles and comments: stems in both languages, the query's syntax, filters,
pages, links to a comment's page, and the index kept in step by the actions."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from discussion import actions
from discussion.actions.bulk import bulk_post
from discussion.actions.posting import check_import
from discussion.models import Comment
from moderation import actions as moderation_actions
from newsroom.actions import do_save_article
from newsroom.models import Article
from search import queries
from search.tests.conftest import html_of, indexed


def test_english_stems_voting_finds_votes_in_comments_and_articles(client, alice, make_article, post):
    a = make_article(title="Counting", body="The votes were counted at night.")
    post(alice, a, "Two votes against, one abstained.")
    post(alice, a, "Nothing about it.")
    html = html_of(client, "voting")
    assert "Two <mark>votes</mark> against" in html
    assert "Nothing about it" not in html
    assert 'href="/articles/' + a.slug + '/"' in html and "<mark>votes</mark> were counted" in html


def test_russian_stems_find_every_form_of_a_word(client, alice, make_article, post, russian):
    a = make_article(title="Граница", body="Обсуждение границы.", **russian)
    post(alice, a, "Спасибо за подробный комментарий.")
    post(alice, a, "Без комментария не обойтись.")
    post(alice, a, "Совсем о другом.")
    html = html_of(client, "комментарии")
    assert "<mark>комментарий</mark>" in html and "<mark>комментария</mark>" in html
    assert "Совсем о другом" not in html
    assert "<mark>границы</mark>" in html_of(client, "граница", kind="articles")


def test_phrases_exclusions_and_alternatives(client, alice, article, post):
    post(alice, article, "The red army marched on.")
    post(alice, article, "The army was red with dust.")
    post(alice, article, "A blue navy sailed.")
    phrase = html_of(client, '"red army"')
    assert "marched on." in phrase and "with dust" not in phrase and "sailed" not in phrase
    minus = html_of(client, "army -marched")
    assert "with dust" in minus and "marched on." not in minus
    either = html_of(client, "navy or marched")
    assert "marched</mark> on." in either and "sailed" in either and "with dust" not in either
    unbalanced = html_of(client, '"red army')
    assert "marched on." in unbalanced and "with dust" not in unbalanced


def test_filters_section_author_and_dates(client, alice, bob, make_article, post):
    news, world = make_article(title="Local", section="News"), make_article(title="Abroad", section="World")
    old = post(alice, news, "Bridge repairs, first words.")
    post(bob, news, "Bridge repairs, second words.")
    post(alice, world, "Bridge repairs, third words.")
    Comment.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=40))
    html = html_of(client, "bridge", section="world", kind="comments")
    assert "third" in html and "first" not in html and "second" not in html
    html = html_of(client, "bridge", author="ALICE", kind="comments")  # logins are compared as logins
    assert "first" in html and "third" in html and "second" not in html
    assert "No comment matches." in html_of(client, "bridge", author="nobody-here", kind="comments")
    today = timezone.localdate().isoformat()
    html = html_of(client, "bridge", **{"from": today, "to": today, "kind": "comments"})
    assert "second" in html and "third" in html and "first" not in html
    earlier = (timezone.localdate() - timedelta(days=40)).isoformat()
    html = html_of(client, "bridge", **{"from": earlier, "to": earlier, "kind": "comments"})
    assert "first" in html and "second" not in html
    html = html_of(client, "bridge", **{"from": "2021-13-45", "kind": "comments"})
    assert "year-month-day" in html and "first" in html  # a bad date is said, and not applied
    assert "no such section" in html_of(client, "bridge", section="nowhere")


def test_comment_results_show_login_article_time_and_link(client, alice, article, post):
    c = post(alice, article, "Distinctive wording here.")
    html = html_of(client, "distinctive")
    assert '<a class="login" href="/members/alice/"><bdi>alice</bdi></a>' in html
    assert f'<a href="{article.get_absolute_url()}">{article.title}</a>' in html
    assert f'href="{article.get_absolute_url()}#c{c.pk}"' in html
    assert f'datetime="{timezone.localtime(c.created).isoformat()}"' in html or "<time datetime=" in html


def test_pages_of_results(client, alice, article, post, monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 2)
    made = [post(alice, article, f"Paged result number{i} here.") for i in range(5)]
    first = html_of(client, "paged", kind="comments")
    assert "number4" in first and "number3" in first and "number2" not in first  # newest first
    assert 'rel="next" href="?q=paged&amp;kind=comments&amp;page=2"' in first and 'rel="prev"' not in first
    third = html_of(client, "paged", kind="comments", page=3)
    assert "number0" in third and "number1" not in third and 'rel="next"' not in third and 'rel="prev"' in third
    for junk in ("99999", "0", "-1", "x", "²"):
        assert html_of(client, "paged", kind="comments", page=junk)
    assert len(made) == 5


def test_a_comment_in_a_long_discussion_links_to_its_page(client, alice, bob, article, post, monkeypatch):
    from discussion import threads

    monkeypatch.setattr(threads, "WHOLE_LIMIT", 5)
    monkeypatch.setattr(threads, "PAGE_ROOTS", 2)
    roots = [post(alice, article, f"Root {i} words.") for i in range(6)]
    reply = post(bob, article, "A reply with a needle.", parent=roots[4])
    html = html_of(client, "needle")
    url = f"{article.get_absolute_url()}?p=3#c{reply.pk}"
    assert f'href="{url}"' in html
    assert "A reply with a needle." in client.get(url.split("#")[0]).content.decode()
    # A top-level comment on the first page links without a page.
    assert f'href="{article.get_absolute_url()}#c{roots[0].pk}"' in html_of(client, '"root 0"')


def test_bad_input_is_a_message_or_nothing_never_an_error(client, moderator, article, alice, post):
    post(alice, article, "Some words to find.")
    cases = {
        "": "Type words to look for",
        "x" * 2000: "only its first 10 words",
        " ".join(["words"] * 40): "only its first 10 words",
        '"unbalanced quote': "No comment matches.",
        '"" -- !!! *** ^ : ()': "Punctuation and search operators alone find nothing",
        "or": "Punctuation and search operators alone find nothing",
        "-words": "leaving words out alone finds nothing",
        "NEAR(words find)": "No comment matches.",  # "near" is a word like any other
        "words* ^find:": "Some <mark>words</mark>",
        "words' OR '1'='1": "Some <mark>words</mark>",  # words, read as words: "words" or "1 1"
    }
    for url, who in (("/search/", None), ("/moderation/search/", moderator)):
        if who:
            client.force_login(who)
        for q, says in cases.items():
            for kind in ("all", "comments", "articles") if url == "/search/" else ("all",):
                html = html_of(client, q, url, kind=kind)
                about_comments = "No comment" in says or "<mark>" in says
                if kind == "articles" and about_comments:
                    assert "No comment" not in html, (url, q)  # publications alone were searched
                elif url == "/search/" or "Type words" not in says:
                    assert says in html, (url, q, kind)
        for bad in ({"to": "9999-99-99"}, {"author": "'" * 200}, {"section": "'"}, {"status": "nonsense"},
                    {"page": "1e3"}):
            assert html_of(client, "words", url, **bad)
        # NUL bytes are refused before any view, with a sentence saying why (core.middleware).
        for params in ({"q": "\x00"}, {"q": "wo\x00rds"}, {"q": "words", "author": "\x00"}, {"q": "x", "from": "\x00"}):
            r = client.get(url, params)
            assert r.status_code == 400 and b"NUL character" in r.content, params


def test_the_index_keeps_in_step_with_posts_edits_statuses_and_removal(client, alice, bob, moderator, article,
                                                                         post):
    c = post(alice, article, "Original wording appears.")
    assert "Original" in html_of(client, "wording")
    actions.edit_comment(alice, c, "Replaced phrasing instead.")
    assert "No comment matches." in html_of(client, "original", kind="comments")
    assert "Replaced" in html_of(client, "phrasing")
    moderation_actions.hide(moderator, c, "spam")
    assert "No comment matches." in html_of(client, "phrasing", kind="comments")
    client.force_login(moderator)
    assert "Removed by a moderator" in html_of(client, "phrasing", "/moderation/search/")
    client.logout()
    moderation_actions.restore(moderator, c)
    assert "Replaced" in html_of(client, "phrasing")
    actions.delete_comment(alice, c)
    assert "No comment matches." in html_of(client, "phrasing", kind="comments")
    d = post(bob, article, "Unlawful secret text.")
    moderation_actions.delete(moderator, d, "illegal")
    assert indexed(d) == set() and indexed(c) == {c.pk}
    client.force_login(moderator)
    assert "Unlawful" not in html_of(client, "unlawful", "/moderation/search/")
    assert "No comment matches." in html_of(client, "unlawful", "/moderation/search/")


def test_imports_are_indexed_with_their_statuses(client, alice, moderator, article):
    with bulk_post(article) as batch:
        shown = batch.add(alice, check_import(article, "Imported archive remark.", None))
        held = batch.add(alice, check_import(article, "Imported archive pending.", None, Comment.Status.HELD))
    assert indexed(shown, held) == {shown.pk, held.pk}
    html = html_of(client, "archive")
    assert "remark" in html and "pending" not in html
    client.force_login(moderator)
    html = html_of(client, "archive", "/moderation/search/")
    assert "remark" in html and "pending" in html and "Awaiting moderation" in html


def test_articles_follow_their_saves_and_publication(client, make_article):
    a = make_article(title="Old headline", body="Body text.")
    assert "Old headline" in html_of(client, "headline")
    a.title = "Fresh caption"
    do_save_article(a)
    assert "No publication matches." in html_of(client, "headline", kind="articles")
    assert "Fresh caption" in html_of(client, "caption")
    a.state = Article.State.DRAFT
    do_save_article(a)
    assert "No publication matches." in html_of(client, "caption", kind="articles")


def test_a_rollback_leaves_no_entry(alice, article, post):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        c = post(alice, article, "Never kept")
        raise RuntimeError
    assert indexed(c) == set()


def test_the_rebuild_command_indexes_what_is_there(client, alice, article, post):
    c = post(alice, article, "Rebuilt entry words.")
    from django.db import connection

    from search import sql

    with connection.cursor() as cursor:
        sql.clear(cursor)
    assert "No comment matches." in html_of(client, "rebuilt", kind="comments")
    call_command("search-rebuild")
    assert indexed(c) == {c.pk} and "entry words." in html_of(client, "rebuilt")


def test_moderators_search_is_behind_the_guard(client, alice):
    r = client.get("/moderation/search/", {"q": "x"})
    assert r.status_code == 302 and "/signin/" in r["Location"]
    client.force_login(alice)
    assert client.get("/moderation/search/", {"q": "x"}).status_code == 403


def test_a_search_stopped_for_time_says_so(client, alice, article, post, monkeypatch):
    """PostgreSQL stops a search past sql.TIME_LIMIT_MS: the reader gets a sentence, not a 500."""
    from django.db import connection

    from search import sql

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's; SQLite's searches walk FTS5 in order and stop at a page")
    post(alice, article, "Slow words.")
    monkeypatch.setattr(sql, "TIME_LIMIT_MS", 1)
    slow = sql.match_comments

    def sleepy(qs, query, configs):
        return slow(qs, query, configs).extra(where=["pg_sleep(0.05) IS NOT NULL"])

    monkeypatch.setattr(sql, "match_comments", sleepy)
    html = html_of(client, "slow", kind="comments")
    assert "This search took too long" in html and "Slow words." not in html
