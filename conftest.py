"""Shared test fixtures: small factories and a clean cache for every test."""

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("VECHE_SHARED_DIR", Path(__file__).resolve().parent.parent / "shared"))
SEED = SHARED / "seed" / "000_da0a92f70ac5cbc0.txt"


def need_shared(path: Path) -> Path:
    """A file from ../shared: skipped with a reason where it is absent, failed under CI."""
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing; CI must have ../shared beside the clone")
        pytest.skip(f"{path} is not on this machine (../shared holds the test corpora)")
    return path


def pytest_sessionstart(session):
    """The compiled translation catalogs (`make` builds them; a test run started otherwise
    builds those missing or older than their .po here), so the Russian tests read the sources."""
    import shutil
    import subprocess

    root = Path(__file__).resolve().parent
    for po in root.glob("*/locale/*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        if shutil.which("msgfmt") is None:
            raise pytest.UsageError("msgfmt is missing (apt-get install gettext): the catalogs cannot be built")
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)  # noqa: S603, S607


@pytest.fixture(autouse=True)
def _clean_cache():
    from discussion.page import clear_caches

    clear_caches()
    yield
    clear_caches()


@pytest.fixture(autouse=True)
def _no_stop_outlives_its_test():
    """A test that runs a server's lifespan (config.front) stops the process's page mirror and
    marks it a server: left so, every later test's pages were refused by a stopped mirror (the
    mirror's tests failed after the view count's). Put back as they were."""
    from core.background import background
    from core.mirror import mirror

    closed, started = mirror.closed, background.started
    yield
    mirror.closed, background.started = closed, started


@pytest.fixture
def make_member(db):
    from accounts.models import Member

    counter = {"n": 0}

    def make(login=None, password="correct horse battery", **extra):
        counter["n"] += 1
        login = login or f"member{counter['n']}"
        return Member.objects.create_user(login, email=extra.pop("email", f"{counter['n']}@example.org"),
                                          password=password, **extra)

    return make


@pytest.fixture
def make_article(db):
    from newsroom.actions import do_save_article
    from newsroom.models import Article, Section

    counter = {"n": 0}

    def make(title=None, body="First paragraph.\n\nSecond paragraph.", section="News", **extra):
        counter["n"] += 1
        sec, _ = Section.objects.get_or_create(slug=section.lower(), defaults={"name": section})
        article = Article(title=title or f"Article {counter['n']}", slug=extra.pop("slug", f"article-{counter['n']}"),
                          body=body, section=sec, state=extra.pop("state", Article.State.PUBLISHED), **extra)
        return do_save_article(article)

    return make


@pytest.fixture
def post(db):
    """post(member, article, body, parent=None) through the site's action."""
    from discussion import actions

    def do(member, article, body="A comment.", parent=None, **kw):
        return actions.post_comment(member, article, body, parent.pk if parent else None, **kw)

    return do


@pytest.fixture
def article(make_article):
    return make_article()


@pytest.fixture
def alice(make_member):
    return make_member("alice", real_name="Alice Liddell")


@pytest.fixture
def bob(make_member):
    return make_member("bob")


@pytest.fixture
def seed_path():
    return need_shared(SEED)


def permission(codename: str):
    """A permission by its codename. A test run in transactions that are really committed
    empties the tables after it (content types and permissions with them, which Django's own
    caches still name): they are written again, and the caches forgotten."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType

    found = Permission.objects.filter(codename=codename).first()
    if found is None:
        ContentType.objects.clear_cache()
        for config in apps.get_app_configs():
            create_contenttypes(config, verbosity=0)
            create_permissions(config, verbosity=0)
        found = Permission.objects.get(codename=codename)
    return found


def fresh_content_types() -> None:
    """Django's content types as the database holds them now (see `permission`): the admin
    writes one into its log of every change."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    permission("change_article")


def role(name: str):
    """The group of a role. The roles are written by a migration; a test run in transactions
    that are really committed empties the tables after it, so they are written again."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name=name).first()
    if group is None:
        importlib.import_module("moderation.migrations.0002_roles").create_roles(apps, None)
        group = Group.objects.get(name=name)
    return group


@pytest.fixture
def moderator(make_member):
    m = make_member("mod")
    m.groups.add(role("Moderators"))
    return m


@pytest.fixture
def editor(make_member):
    m = make_member("editor")
    m.groups.add(role("Editors"))
    return m
