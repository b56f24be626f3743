"""Keeping the index in step: what to write for a comment or an article, and a rebuild.

Called by search.receivers inside the transaction of the action that wrote the rows, so an
entry commits or rolls back with its comment. Every status is indexed (moderators search
held and removed comments too; readers' queries keep to what they may read); a comment
whose text a moderator destroyed leaves the index with its text."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router, transaction

from search import sql
from search.languages import article_language, config_for
from search.words import clean, plain_text

BATCH = 2000  # comments written to the index in one statement


def _cursor(model):
    return connections[router.db_for_write(model)].cursor()


def comment_config(article) -> str:
    return config_for(article_language(article))


def comments(article, rows: Iterable[tuple[int, str]]) -> None:
    """(id, rendered HTML) of comments of `article`: written, or removed when empty."""
    from discussion.models import Comment

    config = comment_config(article)
    write, gone = [], []
    for pk, html in rows:
        text = plain_text(html)
        (write if text else gone).append((pk, config, text))
    with _cursor(Comment) as cursor:
        for start in range(0, len(write), BATCH):
            sql.write_comments(cursor, write[start:start + BATCH])
        if gone:
            sql.remove_comments(cursor, [r[0] for r in gone])


def comment(c) -> None:
    comments(c.article, [(c.pk, c.body_html if c.body else "")])


def comment_ids(article_id: int, ids: list[int]) -> None:
    from discussion.models import Comment
    from newsroom.models import Article

    article = Article.objects.get(pk=article_id)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        comments(article, Comment.objects.filter(pk__in=chunk).values_list("id", "body_html").iterator())


def article(a) -> None:
    """An article's title, lead and text; when its language changed, its comments again."""
    from newsroom.models import Article

    config = comment_config(a)
    with _cursor(Article) as cursor:
        before = sql.article_config(cursor, a.pk)
        sql.write_article(cursor, a.pk, config, clean(a.title), clean(a.lead), plain_text(a.body_html))
    if before is not None and before != config:
        article_comments(a)


def article_comments(a) -> None:
    from discussion.models import Comment

    qs = Comment.objects.filter(article=a).values_list("id", "body_html")
    comments(a, qs.iterator(chunk_size=BATCH))


def rebuild(using: str | None = None, say=None) -> tuple[int, int]:
    """Everything afresh (operators: `veche search-rebuild`): (articles, comments) indexed.
    One transaction per article, so a site keeps answering while it runs."""
    from discussion.models import Comment
    from newsroom.models import Article

    with transaction.atomic(), _cursor(Comment) as cursor:
        sql.clear(cursor)
    n_articles = n_comments = 0
    for a in Article.objects.order_by("id").iterator():
        with transaction.atomic():
            article(a)
            article_comments(a)
        n_articles += 1
        n_comments += Comment.objects.filter(article=a).count()
        if say and n_articles % 100 == 0:
            say(f"{n_articles:,} articles, {n_comments:,} comments")
    return n_articles, n_comments
