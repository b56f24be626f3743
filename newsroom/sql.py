"""Every statement the newsroom writes out by hand, in one place (portable SQL: SQLite and
PostgreSQL alike), and the one condition that says which articles a reader may see."""

# Table and column names come from the models' metadata and conditions from this module;
# every value is a parameter. Nothing a request wrote is ever part of a statement's text.
# ruff: noqa: S608

from core.statements import Columns
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


# The article page: the article's columns (ARTICLE_COLUMNS) followed by its section's id,
# name and address and its author's id, name, address and member; and its tags (TAG_COLUMNS).
ARTICLE_COLUMNS = Columns(Article)
ARTICLE = (f"SELECT {ARTICLE_COLUMNS.select('a')}, s.id, s.name, s.slug, au.id, au.name, au.slug, au.member_id "
           f'FROM "{A}" a JOIN "{S}" s ON s.id = a.section_id '
           f'LEFT JOIN "{AU}" au ON au.id = a.author_id WHERE a.slug = %s AND {shown("a")}')
TAG_COLUMNS = Columns(Tag, ["id", "name", "slug"])
TAGS = (f'SELECT {TAG_COLUMNS.select("t")} FROM "{T}" t JOIN "{Article.tags.through._meta.db_table}" at '
        "ON at.tag_id = t.id WHERE at.article_id = %s ORDER BY t.name")

# Page views counted in a process, written every few seconds (newsroom.viewcount).
ADD_VIEWS = f"UPDATE {A} SET views = views + %s WHERE id = %s"

# The article's versions (newsroom.versions): the thread version always, the order version
# and the public comment count where `more` adds them.
BUMP_THREAD = f"UPDATE {A} SET thread_version = thread_version + 1{{more}} WHERE id = %s"
BUMP_ORDER = ", order_version = order_version + 1"
COUNT_COMMENTS = ", comment_count = comment_count + %s"
