"""Every statement curation writes out by hand (portable SQL: SQLite and PostgreSQL alike)."""

# Table and column names come from the models' metadata; every value is a parameter. Nothing
# a request wrote is ever part of a statement's text.
# ruff: noqa: S608

from accounts.models import Member
from curation.models import Pick, Pin, Rank, Standing

_PICK, _PIN, _MEMBER, _STANDING, _RANK = (Pick._meta.db_table, Pin._meta.db_table, Member._meta.db_table,
                                          Standing._meta.db_table, Rank._meta.db_table)

# The comments of an article picked (0) or pinned (1): two index lookups. Most discussions
# have neither, and a render from nothing learns it here without the comments' query.
CURATED = (f"SELECT comment_id, 0 FROM {_PICK} WHERE article_id = %s UNION ALL "
           f"SELECT comment_id, 1 FROM {_PIN} WHERE article_id = %s")

# What a member's rank is worked out from, and the rank stored (curation.ranks.moves): asked
# inside every post's transaction, on the primary.
STANDING = (f"SELECT m.rating, m.comment_count, m.date_joined, m.is_deleted, s.rank_id FROM {_MEMBER} m "
            f"LEFT JOIN {_STANDING} s ON s.member_id = m.id WHERE m.id = %s")

# The name of one member's rank (a new comment's markup: curation.page.decor_of_new).
RANK_NAME = (f"SELECT r.name FROM {_STANDING} s JOIN {_RANK} r ON r.id = s.rank_id WHERE s.member_id = %s")
