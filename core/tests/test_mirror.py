"""Pages on disk for a static server in front (core.mirror): which pages are written, and
that none stays past a change to its discussion or past its time, whoever wrote it.
(e2e/test_mirror.py puts a real nginx in front.)"""

import gzip
import os
import time
from pathlib import Path

import brotli
import pytest
from django.test import Client

from core import mirror as mirror_module
from core import pagecache
from core.mirror import mirror, safe_slug
from discussion import actions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def folder(tmp_path, settings):
    settings.VECHE_PAGE_MIRROR_DIR = str(tmp_path / "mirror")
    pagecache.SLUGS.clear()
    yield tmp_path / "mirror"
    mirror.clear()


def page_of(folder, slug: str, language: str = "en"):
    return folder / language / "articles" / slug / "index.html"


def render(url: str, **headers) -> bytes:
    """An anonymous reader's page, with its compressed forms made (and mirrored)."""
    response = Client().get(url, **headers)
    assert response.status_code == 200
    pagecache.compressor.flush()
    return response.content


def test_an_anonymous_page_is_written_with_its_compressed_forms(folder, article, alice, post):
    post(alice, article, "On disk soon")
    body = render(article.get_absolute_url())
    page = page_of(folder, article.slug)
    assert page.read_bytes() == body
    assert gzip.decompress(page.with_name("index.html.gz").read_bytes()) == body
    assert brotli.decompress(page.with_name("index.html.br").read_bytes()) == body
    assert page.stat().st_mode & 0o777 == 0o644  # nginx's workers are another user
    assert not list(page.parent.glob(".*"))  # nothing half-written left beside it
    # Russian readers' page in its own folder, the English one untouched.
    ru = render(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru")
    assert page_of(folder, article.slug, "ru").read_bytes() == ru != body
    assert page.read_bytes() == body


def test_only_the_default_address_of_an_anonymous_reader_is_written(folder, article, alice, bob, post):
    post(alice, article, "Not everywhere")
    for query in ("?order=newest", "?p=1&order=newest"):
        render(article.get_absolute_url() + query)
    client = Client()
    client.force_login(bob)
    client.get(article.get_absolute_url())
    Client().get(f"/api/v1/articles/{article.slug}/comments/")
    pagecache.compressor.flush()
    assert not (folder / "en").exists() or not any((folder / "en").rglob("index.html*"))


def test_a_change_to_the_discussion_removes_the_page_at_once(folder, article, alice, bob, post):
    first = post(alice, article, "Before the change")
    render(article.get_absolute_url())
    render(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru")
    page = page_of(folder, article.slug)
    assert page.exists() and page_of(folder, article.slug, "ru").exists()
    actions.vote(bob, first, 1)  # after its commit
    for language in ("en", "ru"):
        assert not any(page_of(folder, article.slug, language).parent.glob("index.html*"))
    after = render(article.get_absolute_url())
    assert page.read_bytes() == after  # the page of the new generation in turn


def test_a_page_whose_discussion_changed_while_it_was_compressed_is_not_written(folder, article, alice, bob, post):
    first = post(alice, article, "Raced")
    real = pagecache.compressor.submit
    held = []
    pagecache.compressor.submit = lambda *a: held.append(a)  # the page waits to be compressed
    try:
        Client().get(article.get_absolute_url())
    finally:
        pagecache.compressor.submit = real
    actions.vote(bob, first, 1)  # a new generation meanwhile
    for args in held:
        real(*args)
    pagecache.compressor.flush()
    assert not page_of(folder, article.slug).exists()


def test_another_workers_change_removes_a_page_this_one_did_not_write(folder, article, alice, post):
    """Any worker can remove an article's pages: its id leads to its slug on disk."""
    post(alice, article, "Written by one worker")
    render(article.get_absolute_url())
    page = page_of(folder, article.slug)
    assert page.exists()
    mirror.written.clear()  # as if another process had written it
    mirror.drop(article.pk)
    assert not page.exists() and not page.with_name("index.html.br").exists()


def test_a_page_leaves_the_disk_at_its_time_and_not_before(folder, article, alice, post):
    post(alice, article, "Aging")
    render(article.get_absolute_url())
    page = page_of(folder, article.slug)
    lasts = pagecache.TTL
    assert mirror.sweep(time.time() + lasts - 0.5) == 0 and page.exists()
    assert mirror.sweep(time.time() + lasts + 0.1) == 1
    assert not page.exists() and not page.with_name("index.html.gz").exists()


def test_pages_left_by_a_stopped_worker_are_removed_at_the_start(folder, article, alice, post):
    post(alice, article, "Left behind")
    render(article.get_absolute_url())
    mirror.written.clear()  # the worker that wrote it is gone
    mirror.clear()
    assert not any(folder.rglob("index.html*"))


def write(article, variant="oldest:1:en", expires=None, current=True, slug=None) -> bool:
    """A page written directly, under an id no change of an earlier test can still be dropping
    (with Redis, their announcements arrive late, and ids start again at 1 in each test)."""
    return mirror.write(10**9 + article.pk, article.slug if slug is None else slug, variant, b"x" * 2000, {},
                        expires=time.time() + 5 if expires is None else expires, current=lambda: current)


def test_a_page_past_its_time_or_generation_is_not_written(folder, article):
    assert not write(article, expires=time.time() - 0.1)
    assert not write(article, current=False)
    assert not write(article, variant="newest:1:en")
    assert not write(article, variant="oldest:2:en")
    assert not folder.exists() or not any(folder.rglob("index.html*"))
    assert write(article)
    assert page_of(folder, article.slug).read_bytes() == b"x" * 2000


def test_a_page_whose_generation_passed_while_it_was_written_is_removed(folder, article):
    answers = iter([True, False])  # current before the writing, no longer after it
    assert not mirror.write(article.pk, article.slug, "oldest:1:en", b"x" * 2000, {"gzip": b"z"},
                            expires=time.time() + 5, current=lambda: next(answers))
    assert not any(folder.rglob("index.html*"))


@pytest.mark.parametrize("slug", ["..", ".", "", "a/b", "a\\b", "a\0b"])
def test_a_slug_cannot_lead_out_of_the_folder(slug, folder, article):
    assert not safe_slug(slug)
    assert not write(article, slug=slug)


def test_nothing_is_written_when_the_mirror_is_off(settings, article, alice, post, tmp_path):
    settings.VECHE_PAGE_MIRROR_DIR = ""
    post(alice, article, "Nowhere")
    render(article.get_absolute_url())
    assert mirror.written == {}


def test_a_drop_while_a_page_is_written_wins_though_the_generation_is_not_raised_yet(folder, article):
    """In scale-out the generation is raised in Redis after the request; the drop comes first."""
    real_put = mirror_module._put

    def put_then_change(path, data):
        real_put(path, data)
        if path.name == "index.html.gz":  # the article changes while its page is being written
            mirror.drop(article.pk)

    mirror_module._put = put_then_change
    try:
        assert not mirror.write(article.pk, article.slug, "oldest:1:en", b"x" * 2000, {"gzip": b"z"},
                                expires=time.time() + 5, current=lambda: True)  # (its generation unraised)
    finally:
        mirror_module._put = real_put
    assert not any(folder.rglob("index.html*")) and article.pk not in {a for a, _e in mirror.written.values()}


def test_a_stopping_worker_removes_its_pages_and_writes_no_more(folder, article):
    assert write(article)
    mirror.close()
    try:
        assert not page_of(folder, article.slug).exists()
        assert not write(article)
        assert not page_of(folder, article.slug).exists()
    finally:
        mirror.closed = False


def test_pages_nobody_tracks_leave_the_disk_by_their_age(folder, article, make_article):
    other = make_article()
    assert write(article) and write(other)
    mirror.written.clear()  # their worker was killed
    old = time.time() - mirror.lifetime - mirror_module.FOLDER_SWEEP_SECONDS - 1
    os.utime(page_of(folder, article.slug), (old, old))
    assert mirror.sweep_folder() == 1
    assert not page_of(folder, article.slug).exists() and page_of(folder, other.slug).exists()


def test_a_page_that_cannot_be_removed_fails_nothing(folder, article, monkeypatch, caplog):
    assert write(article)

    def refuse(self, *a, **k):
        raise PermissionError("read-only")

    monkeypatch.setattr(Path, "unlink", refuse)
    mirror.warned = 0.0
    mirror.drop(article.pk)  # after a commit: must not raise
    mirror.sweep(time.time() + 60)
    assert "page not removed from the mirror" in caplog.text
    monkeypatch.undo()


def test_a_folder_that_cannot_be_written_fails_nothing(settings, tmp_path, article, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    settings.VECHE_PAGE_MIRROR_DIR = str(blocked / "mirror")
    mirror.warned = 0.0
    assert not write(article)
    assert "page not written to the mirror" in caplog.text
