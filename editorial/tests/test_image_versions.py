"""An image's versions are a task: the upload stores the original alone and answers; the pages
show it with its width and height until the task has made the widths and WebP, then the
srcset. The task is idempotent, and a failure leaves the page as it was for a retry."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from core.tests.queue_helpers import real_queue, run_batch  # noqa: F401 (a fixture)
from editorial import actions, imaging, tasks
from editorial.models import ArticleImage
from editorial.tests.conftest import files_under, jpeg_with_location, png
from newsroom.models import Article


def _upload(client, article, data=None, name="bridge.jpg"):
    return client.post(f"/editorial/articles/{article.pk}/images/",
                       {"file": SimpleUploadedFile(name, data or jpeg_with_location((1800, 1200))),
                        "alt": "A bridge", "caption": "", "credit": ""})


def _illustrated(make_article):
    return make_article(title="Bridge", body="Intro.\n\n![](image:0)\n\nMiddle.")


def _body(article_id: int) -> str:
    return Article.objects.get(pk=article_id).body_html


def _reference(article, image) -> None:
    """The article's body shows the image (its number is known only now)."""
    from newsroom.actions import do_save_article

    article.refresh_from_db()
    article.body = article.body.replace("image:0", f"image:{image.pk}")
    do_save_article(article)


def _img(html: str) -> str:
    return re.search(r"<picture>.*?</picture>", html, re.S).group(0)


def test_the_upload_answers_with_the_original_alone_and_the_task_adds_the_versions(
        client, editor, make_article, media_dir):
    article = _illustrated(make_article)
    client.force_login(editor)
    with TestCase.captureOnCommitCallbacks(execute=False) as later:
        assert _upload(client, article).status_code == 302
    image = ArticleImage.objects.get()
    assert [(r["width"], r["format"]) for r in image.renditions] == [(1800, "JPEG")]
    assert len(files_under(media_dir)) == 1  # nothing else was made in the request
    assert later, "the versions' task is enqueued after the commit"
    _reference(article, image)
    before = _img(_body(article.pk))
    assert 'width="1800" height="1200"' in before and "/1800.jpg" in before
    assert "srcset" not in before and "<source" not in before  # no version promised before it exists
    assert client.get(article.get_absolute_url()).status_code == 200
    listed = client.get(f"/editorial/articles/{article.pk}/images/").content.decode()
    assert "ed-pending" in listed and "being made" in listed

    with TestCase.captureOnCommitCallbacks(execute=True):
        for run in later:
            run()  # the task (the immediate backend runs it at once)
    image.refresh_from_db()
    assert sorted({r["width"] for r in image.renditions}) == [320, 640, 1024, 1600, 1800]
    assert len(image.renditions) == len(files_under(media_dir)) == 10
    after = _img(_body(article.pk))  # the article was rendered again with the versions
    assert 'type="image/webp" srcset="' in after and "320w" in after and 'width="1800" height="1200"' in after
    assert "ed-pending" not in client.get(f"/editorial/articles/{article.pk}/images/").content.decode()


def test_making_the_versions_twice_makes_them_once(editor, article, media_dir):
    with TestCase.captureOnCommitCallbacks(execute=False):
        image = actions.do_add_image(editor, article, SimpleUploadedFile("p.png", png((700, 400))), alt="x")
    assert tasks.do_make_versions(image.pk) == 5  # 320, 640 in both formats; 700 in WebP
    image.refresh_from_db()
    made = sorted(image.names())
    assert tasks.do_make_versions(image.pk) == 0
    image.refresh_from_db()
    assert sorted(image.names()) == made and len(files_under(media_dir)) == 6
    assert tasks.do_make_versions(10**9) == 0  # a deleted image: nothing to do


def test_a_file_of_the_same_name_is_never_overwritten_nor_deleted(editor, article, media_dir):
    """It may be another run's, recorded already (two runs of the task at once): this run
    writes beside it."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        image = actions.do_add_image(editor, article, SimpleUploadedFile("p.png", png((700, 400))), alt="x")
    theirs = media_dir / image.folder / "320.webp"
    theirs.write_bytes(b"another run's file")
    tasks.do_make_versions(image.pk)
    image.refresh_from_db()
    assert theirs.read_bytes() == b"another run's file"
    assert all((media_dir / name).exists() for name in image.names())
    assert len(image.renditions) == 6


def test_a_second_run_failing_leaves_the_first_runs_versions(editor, article, media_dir, monkeypatch):
    with TestCase.captureOnCommitCallbacks(execute=False):
        image = actions.do_add_image(editor, article, SimpleUploadedFile("p.png", png((700, 400))), alt="x")
    assert tasks.do_make_versions(image.pk) == 5
    image.refresh_from_db()
    recorded = sorted(image.names())
    real, calls = imaging._encode, []

    def second_fails(source, fmt):
        calls.append(fmt)
        if len(calls) == 2:
            raise OSError("the disk is full")
        return real(source, fmt)

    monkeypatch.setattr(imaging, "_encode", second_fails)
    wanted = [(r["width"], r["height"], r["format"]) for r in image.renditions if r["width"] < 700]
    with pytest.raises(OSError):
        imaging.make_versions(image.folder, image.renditions[-1], wanted)  # as a duplicate run would
    assert all((media_dir / name).exists() for name in recorded)
    assert sorted(str(p.relative_to(media_dir)) for p in files_under(media_dir)) == recorded


def test_the_versions_move_no_last_edited_time_and_keep_an_editors_save(editor, make_article, media_dir):
    article = _illustrated(make_article)
    with TestCase.captureOnCommitCallbacks(execute=False):
        image = actions.do_add_image(editor, article, SimpleUploadedFile("p.png", png((700, 400))), alt="x")
    _reference(article, image)
    edited = Article.objects.get(pk=article.pk)
    stamp = edited.updated_at
    Article.objects.filter(pk=article.pk).update(title="The editor's new title")  # saved meanwhile
    with TestCase.captureOnCommitCallbacks(execute=True):
        tasks.do_make_versions(image.pk)
    after = Article.objects.get(pk=article.pk)
    assert after.updated_at == stamp and after.title == "The editor's new title"
    assert "320w" in after.body_html


def test_a_failed_version_leaves_the_page_as_it_was_and_a_retry_makes_it(editor, make_article, media_dir,
                                                                          monkeypatch, client):
    article = _illustrated(make_article)
    with TestCase.captureOnCommitCallbacks(execute=False):
        image = actions.do_add_image(editor, article, SimpleUploadedFile("a.jpg", jpeg_with_location((900, 600))),
                                     alt="x")
    _reference(article, image)
    real = imaging._encode

    def jpeg_fails(picture, fmt):  # after the widest WebP was written
        if fmt == "JPEG":
            raise OSError("the encoder crashed")
        return real(picture, fmt)

    monkeypatch.setattr(imaging, "_encode", jpeg_fails)
    with pytest.raises(OSError):
        tasks.do_make_versions(image.pk)
    image.refresh_from_db()
    assert len(image.renditions) == 1 and len(files_under(media_dir)) == 1  # the partial files went
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200 and 'width="900" height="600"' in _img(page.content.decode())

    monkeypatch.setattr(imaging, "_encode", real)  # the retry
    assert tasks.do_make_versions(image.pk) == 5
    assert "srcset" in _img(client.get(article.get_absolute_url()).content.decode())


def test_an_image_deleted_before_its_versions_leaves_no_files(editor, article, media_dir):
    with TestCase.captureOnCommitCallbacks(execute=False):
        image = actions.do_add_image(editor, article, SimpleUploadedFile("p.png", png((700, 400))), alt="x")
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.do_delete_image(editor, image)
    assert tasks.do_make_versions(image.pk) == 0
    assert files_under(media_dir) == []


@pytest.mark.usefixtures("real_queue")
def test_the_worker_makes_the_versions_of_an_upload(client, editor, make_article, media_dir):
    """Through the mode's real queue (database rows, or RQ on Redis) and a worker process."""
    article = _illustrated(make_article)
    client.force_login(editor)
    assert _upload(client, article).status_code == 302
    image = ArticleImage.objects.get()
    assert len(image.renditions) == 1
    run_batch(VECHE_MEDIA_ROOT=str(media_dir))
    image.refresh_from_db()
    assert len(image.renditions) == len(files_under(media_dir)) == 10


def test_the_sweep_makes_the_versions_a_lost_task_left_unmade(editor, article, media_dir, settings):
    from datetime import timedelta

    from django.utils import timezone

    assert "editorial.tasks.sweep_versions" in settings.VECHE_PERIODIC_TASKS
    with TestCase.captureOnCommitCallbacks(execute=False):  # the queue never got it
        lost = actions.do_add_image(editor, article, SimpleUploadedFile("p.png", png((700, 400))), alt="x")
        young = actions.do_add_image(editor, article, SimpleUploadedFile("q.png", png((700, 400))), alt="y")
    ArticleImage.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    assert tasks.sweep_versions.call() == 1  # the young one's task may still be on its way
    lost.refresh_from_db()
    young.refresh_from_db()
    assert not lost.versions_pending and young.versions_pending
    assert tasks.sweep_versions.call() == 0
