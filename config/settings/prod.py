"""Production: refuses to start without a secret key and allowed hosts."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

_missing = [name for name in ("VECHE_SECRET_KEY", "VECHE_ALLOWED_HOSTS") if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured(
        "Veche's production settings need " + " and ".join(_missing)
        + ": set them in the environment (see the configuration table in README.md)."
    )

from .hardening import *  # noqa: E402, F403
