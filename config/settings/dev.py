"""The embedded default for `make run`: debug on, a fixed development key."""

from .base import *  # noqa: F403

DEBUG = env_bool("VECHE_DEBUG", True)  # noqa: F405
SECRET_KEY = SECRET_KEY or "veche-development-key-not-for-production"  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedStaticFilesStorage"  # noqa: F405
