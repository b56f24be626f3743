"""A search page's queries do not grow with its results: every field a result shows (its
article's language, which chooses the snippet's configuration, included) comes with the one
query of its kind."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.tests.conftest import html_of


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        html_of(client, "border", **params)
    return len(ctx.captured_queries)


def test_the_number_of_queries_is_the_same_for_one_result_and_for_a_full_page(client, make_article, make_member,
                                                                                post):
    first = make_article(title="Border news", body="The border is closed.")
    writer = make_member("writer")
    post(writer, first, "The border again.")
    html_of(client, "border")  # the first page of the process reads what it then keeps
    counts_one = {kind: _queries(client, kind=kind) for kind in ("all", "articles", "comments")}
    for i in range(6):
        article = make_article(title=f"Border story {i}", body="A border town.")
        for j in range(4):
            post(make_member(f"reader{i}x{j}"), article, f"Border talk {i} {j}.")
    counts_many = {kind: _queries(client, kind=kind) for kind in ("all", "articles", "comments")}
    assert counts_many == counts_one
    html = html_of(client, "border", kind="comments")
    assert html.count('href="/articles/') >= 20  # the page is really full of results


def test_one_time_limit_covers_both_kinds_on_postgresql(client, make_article, make_member, post):
    """One transaction with its statement_timeout for the whole page, not one for each kind."""
    article = make_article(title="Border news", body="The border is closed.")
    post(make_member("writer"), article, "The border again.")
    with CaptureQueriesContext(connection) as ctx:
        html = html_of(client, "border", kind="all")
    assert "Border news" in html and "again" in html
    limits = [q["sql"] for q in ctx.captured_queries if "statement_timeout" in q["sql"]]
    assert len(limits) == (1 if connection.vendor == "postgresql" else 0)
