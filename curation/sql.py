"""Every statement curation writes out by hand (portable SQL: SQLite and PostgreSQL alike)."""

# Table and column names come from the models' metadata; every value is a parameter. Nothing
# a request wrote is ever part of a statement's text.
# ruff: noqa: S608

from curation.models import Pick, Pin

_PICK, _PIN = Pick._meta.db_table, Pin._meta.db_table

# The comments of an article picked (0) or pinned (1): two index lookups. Most discussions
# have neither, and a render from nothing learns it here without the comments' query.
CURATED = (f"SELECT comment_id, 0 FROM {_PICK} WHERE article_id = %s UNION ALL "
           f"SELECT comment_id, 1 FROM {_PIN} WHERE article_id = %s")
