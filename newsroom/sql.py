"""Every statement the newsroom writes out by hand, in one place (portable SQL: SQLite and
PostgreSQL alike), and the one condition that says which articles a reader may see."""

# Table and column names come from the models' metadata and conditions from this module;
# every value is a parameter. Nothing a request wrote is ever part of a statement's text.
# ruff: noqa: S608

from newsroom.models import Article, Author, Section, Tag

A, S, AU, T = (m._meta.db_table for m in (Article, Section, Author, Tag))


def shown(alias: str = "a") -> str:
    """The condition Article.objects.published() and Article.is_visible() state: for a
    statement written by hand, with shown_params() as its parameters."""
    marks = ", ".join(["%s"] * len(Article.SHOWN))
    return f"{alias}.state IN ({marks}) AND {alias}.published_at <= %s"


def shown_params(now_value) -> list:
    """The parameters of shown(): the visible states, then now (as the database takes a time)."""
    return [*Article.SHOWN, now_value]


# The article page: the article with its section's and author's names, and its tags.
ARTICLE = (f'SELECT a.*, s.name AS section_name, s.slug AS section_slug, au.name AS author_name, '
           f'au.slug AS author_slug, au.member_id AS author_member FROM "{A}" a JOIN "{S}" s ON s.id = a.section_id '
           f'LEFT JOIN "{AU}" au ON au.id = a.author_id WHERE a.slug = %s AND {shown("a")}')
TAGS = (f'SELECT t.id, t.name, t.slug FROM "{T}" t JOIN "{Article.tags.through._meta.db_table}" at '
        "ON at.tag_id = t.id WHERE at.article_id = %s ORDER BY t.name")

# Page views counted in a process, written every few seconds (newsroom.viewcount).
ADD_VIEWS = f"UPDATE {A} SET views = views + %s WHERE id = %s"

# The article's versions (newsroom.versions): the thread version always, the order version
# and the public comment count where `more` adds them.
BUMP_THREAD = f"UPDATE {A} SET thread_version = thread_version + 1{{more}} WHERE id = %s"
BUMP_ORDER = ", order_version = order_version + 1"
COUNT_COMMENTS = ", comment_count = comment_count + %s"
