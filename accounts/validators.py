"""Rules for logins and passwords."""

import re
import unicodedata

from django.core.exceptions import ValidationError

from accounts.models import LOGIN_MAX, LOGIN_MIN

PASSWORD_MAX = 128  # long enough for any passphrase; refused above, never truncated

# Unicode letters and digits, spaces, "-", "_" and "." ("Just a cat", "Herman 4223",
# "Canich-dotoshnii", Cyrillic logins).
_LOGIN_CHARS = re.compile(r"^[\w \-.]+$")


def validate_login_shape(value: str) -> None:
    if not (LOGIN_MIN <= len(value) <= LOGIN_MAX):
        raise ValidationError(
            f"A login has {LOGIN_MIN} to {LOGIN_MAX} characters; this one has {len(value)}.",
            code="length",
        )
    if value != value.strip() or "  " in value:
        raise ValidationError("A login cannot start or end with a space or hold two in a row.", code="spaces")
    if not _LOGIN_CHARS.match(value) or any(
        unicodedata.category(ch)[0] not in "LNZP" for ch in value if ch not in " -_."
    ):
        raise ValidationError(
            "A login may hold letters, digits, spaces and the signs - _ . only.", code="chars"
        )
    if not any(ch.isalnum() for ch in value):
        raise ValidationError("A login needs at least one letter or digit.", code="chars")


class MaximumLengthValidator:
    def validate(self, password, user=None):
        if len(password) > PASSWORD_MAX:
            raise ValidationError(
                f"A password has at most {PASSWORD_MAX} characters.", code="password_too_long"
            )

    def get_help_text(self):
        return f"At most {PASSWORD_MAX} characters."
