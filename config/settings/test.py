"""Settings for the test suite: fast hashing, mail in memory, the same database choice."""

from .base import *  # noqa: F403

SECRET_KEY = "veche-test-key-" + "x" * 40
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ALLOWED_HOSTS = ["*"]
VECHE_RATE_LIMITS = False  # tests of the limits turn them on
VECHE_VIEW_FLUSH_SECONDS = 0  # no timer thread writing views behind a test's back: tests flush
