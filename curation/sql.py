"""Every statement curation writes out by hand (portable SQL: SQLite and PostgreSQL alike)."""

# Table and column names come from the models' metadata; every value is a parameter. Nothing
# a request wrote is ever part of a statement's text.
# ruff: noqa: S608

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from accounts.models import Member
from curation.models import Pick, Pin, Rank, Standing
from discussion.models import Comment

_PICK, _PIN, _MEMBER, _STANDING, _RANK = (Pick._meta.db_table, Pin._meta.db_table, Member._meta.db_table,
                                          Standing._meta.db_table, Rank._meta.db_table)
_COMMENT, _PERMISSION, _TYPE = Comment._meta.db_table, Permission._meta.db_table, ContentType._meta.db_table
_MEMBER_GROUPS = Member.groups.through._meta.db_table
_MEMBER_PERMISSIONS = Member.user_permissions.through._meta.db_table
_GROUP_PERMISSIONS = Group.permissions.through._meta.db_table

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

# Who holds a badge's role (curation.page.roles): (member, app label, codename) of the two
# permissions given (%s, %s), through a group or to the member, of active, undeleted members.
ROLES = (f"SELECT mg.member_id, t.app_label, p.codename FROM {_MEMBER_GROUPS} mg "
         f"JOIN {_GROUP_PERMISSIONS} gp ON gp.group_id = mg.group_id JOIN {_PERMISSION} p ON p.id = gp.permission_id "
         f"JOIN {_TYPE} t ON t.id = p.content_type_id JOIN {_MEMBER} m ON m.id = mg.member_id "
         "WHERE p.codename IN (%s, %s) AND m.is_active AND NOT m.is_deleted "
         f"UNION ALL SELECT mp.member_id, t.app_label, p.codename FROM {_MEMBER_PERMISSIONS} mp "
         f"JOIN {_PERMISSION} p ON p.id = mp.permission_id JOIN {_TYPE} t ON t.id = p.content_type_id "
         f"JOIN {_MEMBER} m ON m.id = mp.member_id WHERE p.codename IN (%s, %s) AND m.is_active AND NOT m.is_deleted")

# The names of the ranks of the members a render draws (curation.page.ranks): {members} is a
# list of placeholders, one for each member's id; or of every commenter of an article (%s).
RANKS = (f"SELECT s.member_id, r.name FROM {_STANDING} s JOIN {_RANK} r ON r.id = s.rank_id "
         "WHERE s.member_id IN ({members})")
RANKS_OF_ARTICLE = RANKS.format(members=f"SELECT author_id FROM {_COMMENT} WHERE article_id = %s")
