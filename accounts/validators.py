"""Rules for logins and passwords."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import LOGIN_MAX, LOGIN_MIN

PASSWORD_MAX = 128  # long enough for any passphrase; refused above, never truncated

# Unicode letters and digits, spaces, "-", "_" and "." ("Just a cat", "Herman 4223",
# "Canich-dotoshnii", Cyrillic logins).
_LOGIN_CHARS = re.compile(r"^[\w \-.]+$")


def validate_login_shape(value: str) -> None:
    if not (LOGIN_MIN <= len(value) <= LOGIN_MAX):
        raise ValidationError(
            ngettext("A login has %(min)d to %(max)d characters; this one has %(count)d.",
                     "A login has %(min)d to %(max)d characters; this one has %(count)d.", len(value))
            % {"min": LOGIN_MIN, "max": LOGIN_MAX, "count": len(value)},
            code="length",
        )
    if value != value.strip() or "  " in value:
        raise ValidationError(_("A login cannot start or end with a space or hold two in a row."), code="spaces")
    if not _LOGIN_CHARS.match(value) or any(
        unicodedata.category(ch)[0] not in "LNZP" for ch in value if ch not in " -_."
    ):
        raise ValidationError(
            _("A login may hold letters, digits, spaces and the signs - _ . only."), code="chars"
        )
    if not any(ch.isalnum() for ch in value):
        raise ValidationError(_("A login needs at least one letter or digit."), code="chars")


class MaximumLengthValidator:
    def validate(self, password, user=None):
        if len(password) > PASSWORD_MAX:
            raise ValidationError(
                _("A password has at most %(max)d characters.") % {"max": PASSWORD_MAX}, code="password_too_long"
            )

    def get_help_text(self):
        return _("At most %(max)d characters.") % {"max": PASSWORD_MAX}
