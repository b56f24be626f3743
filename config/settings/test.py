"""Settings for the test suite: fast hashing, mail in memory, the same database choice."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "veche-test-key-" + "x" * 40
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ALLOWED_HOSTS = ["*"]
VECHE_RATE_LIMITS = False  # tests of the limits turn them on
VECHE_VIEW_FLUSH_SECONDS = 0  # no timer thread writing views behind a test's back: tests flush
VECHE_TELL_IN_THREAD = False  # a post's notifications are written before its answer (core.background)
# Tasks run inside the request unless a test asks for a queue (core/tests/test_queue.py runs
# the real backend of the mode); VECHE_TASKS_BACKEND set by hand still wins.
VECHE_TASKS_BACKEND = os.environ.get("VECHE_TASKS_BACKEND") or "immediate"
TASKS = {"default": TASK_BACKENDS[VECHE_TASKS_BACKEND]}  # noqa: F405
VECHE_TASK_BACKOFF_SECONDS = 0.0
