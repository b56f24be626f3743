"""Signing in with Django's model backend; finding the signed-in member on each request with
one statement written out (the ORM's compiled lookup cost twice as much, on every request of
every member, and a RawQuerySet three times the statement: core.statements.Columns)."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from accounts.models import Member
from core import statements


def _by_id_sql(columns: statements.Columns) -> str:
    # Names from the model's own metadata, the id a parameter: nothing a request wrote.
    return f'SELECT {columns.select()} FROM "{columns.table}" WHERE "{Member._meta.pk.column}" = %s'  # noqa: S608


class MemberBackend(ModelBackend):
    # (columns, statement), made at first use and set in one assignment: the member pages'
    # threads (config.front) may look members up at once in a process just started.
    _lookup: tuple[statements.Columns, str] | None = None

    def get_user(self, user_id):
        try:
            pk = Member._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        lookup = MemberBackend._lookup
        if lookup is None:
            columns = statements.Columns(Member)
            lookup = MemberBackend._lookup = (columns, _by_id_sql(columns))
        columns, sql = lookup
        using = statements.reading(Member)  # the replica, as the ORM's lookup
        row = statements.one(sql, [pk], using)
        member = columns.instance(row, using) if row is not None else None
        return member if member is not None and self.user_can_authenticate(member) else None
