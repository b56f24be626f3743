"""Fixtures shared by the insight tests."""

from insight.tests.test_pages import known  # noqa: F401 (the small known discussion)
