"""Every statement moderation writes out by hand (portable SQL: SQLite and PostgreSQL alike)."""

# Table and column names come from the models' metadata; every value is a parameter. Nothing
# a request wrote is ever part of a statement's text.
# ruff: noqa: S608

from accounts.models import Member
from discussion.models import Comment, Vote
from moderation.models import BrigadeCase

_B, _BV = BrigadeCase._meta.db_table, BrigadeCase.votes.through._meta.db_table
_V, _C, _M = Vote._meta.db_table, Comment._meta.db_table, Member._meta.db_table

# Every minus is screened inside its vote's transaction: the usual case, one statement written
# out — an open case against this author holding this voter, and the voter's recent minuses.
SCREEN = (f"SELECT (SELECT b.id FROM {_B} b JOIN {_BV} bv ON bv.brigadecase_id = b.id "
           f"JOIN {_V} v ON v.id = bv.vote_id WHERE b.state = %s AND b.target_id = %s AND v.voter_id = %s "
           f"ORDER BY b.id LIMIT 1), "
           f"(SELECT COUNT(*) FROM {_V} WHERE voter_id = %s AND value = -1 AND counted = %s AND created >= %s)")
YOUNG = (f"SELECT v.id, v.comment_id, v.voter_id FROM {_V} v JOIN {_C} c ON c.id = v.comment_id "
          f"JOIN {_M} m ON m.id = v.voter_id WHERE v.value = -1 AND v.counted = %s AND v.created >= %s "
          f"AND c.author_id = %s AND m.date_joined >= %s")
