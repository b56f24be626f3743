"""Article images through the test client: a good upload of each format, stored through the
storage API without metadata and in several widths; each bad file refused with a sentence and
nothing left behind (no file, no row)."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from editorial import imaging
from editorial.models import ArticleImage
from editorial.tests.conftest import files_under, jpeg_with_location, png, png_claiming, webp


def upload(client, article, name, data, content_type="image/jpeg", alt="A bridge over the river", **extra):
    """Upload, then run what the upload left for after its commit (the versions' task)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"/editorial/articles/{article.pk}/images/",
                           {"file": SimpleUploadedFile(name, data, content_type=content_type), "alt": alt,
                            "caption": extra.get("caption", ""), "credit": extra.get("credit", ""),
                            **({"is_lead": "on"} if extra.get("is_lead") else {})})


def test_a_jpeg_is_stored_in_several_widths_without_its_location(client, editor, article, media_dir):
    client.force_login(editor)
    response = upload(client, article, "bridge.jpg", jpeg_with_location(), caption="The bridge", credit="Anna")
    assert response.status_code == 302
    image = ArticleImage.objects.get()
    assert (image.format, image.width, image.height, image.alt) == ("JPEG", 1800, 1200, "A bridge over the river")
    widths = sorted({r["width"] for r in image.renditions})
    assert widths == [320, 640, 1024, 1600, 1800]
    assert {r["format"] for r in image.renditions} == {"JPEG", "WEBP"}
    for r in image.renditions:
        assert default_storage.exists(r["name"])
        with default_storage.open(r["name"]) as f:
            stored = Image.open(f)
            stored.load()
            assert stored.format == r["format"]
            assert stored.size == (r["width"], r["height"])
            exif = stored.getexif()
            assert 0x8825 not in exif and 0x010F not in exif  # no GPS, no camera
            assert not stored.info.get("exif")
    assert len(files_under(media_dir)) == len(image.renditions) == 10


def test_png_and_webp_keep_their_format(client, editor, article):
    client.force_login(editor)
    assert upload(client, article, "chart.png", png(), "image/png").status_code == 302
    assert upload(client, article, "field.webp", webp(), "image/webp").status_code == 302
    chart, field = ArticleImage.objects.order_by("id")
    assert chart.format == "PNG" and {r["format"] for r in chart.renditions} == {"PNG", "WEBP"}
    assert field.format == "WEBP" and {r["format"] for r in field.renditions} == {"WEBP"}


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (50, 50)).save(out, "GIF")
    return out.getvalue()


BAD = [
    ("notes.jpg", b"Just some text, not a picture at all.\n" * 20, "not an image Veche can read"),
    ("drawing.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "SVG images are not accepted"),
    ("sneaky.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "SVG images are not accepted"),
    ("chart.jpg", png(), "does not match its content"),
    ("photo.exe", jpeg_with_location((100, 100)), "does not match its content"),
    ("anim.gif", _gif(), "GIF images are not accepted"),
    ("bomb.png", png_claiming(30_000, 30_000), "too large in pixels"),
    ("huge.png", png_claiming(8_000, 6_000), "too large in pixels"),
    ("broken.png", png_claiming(2_000, 2_000), "damaged"),
    ("tiny.png", png((4, 4)), "too small"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_is_refused_with_a_sentence_and_nothing_stored(client, editor, article, media_dir,
                                                                  name, data, message):
    client.force_login(editor)
    before = article.body_html
    response = upload(client, article, name, data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert not ArticleImage.objects.exists()
    assert files_under(media_dir) == []
    article.refresh_from_db()
    assert article.body_html == before


def test_alt_text_is_required_and_nothing_is_stored_without_it(client, editor, article, media_dir):
    client.force_login(editor)
    response = upload(client, article, "bridge.jpg", jpeg_with_location(), alt="   ")
    assert response.status_code == 400
    assert "This field is required" in response.content.decode() or "alt text" in response.content.decode()
    assert not ArticleImage.objects.exists() and files_under(media_dir) == []


def test_a_file_past_the_image_limit_is_refused_by_the_form(client, editor, article, media_dir, settings):
    settings.VECHE_IMAGE_MAX_BYTES = 50_000
    client.force_login(editor)
    response = upload(client, article, "big.png", png((1500, 1500), "RGB") + b"\0" * 60_000, "image/png")
    assert response.status_code in (400, 413)
    assert "too large" in response.content.decode()
    assert not ArticleImage.objects.exists() and files_under(media_dir) == []


def test_a_50_mb_upload_is_refused_before_it_is_read(client, editor, article, media_dir):
    client.force_login(editor)
    response = upload(client, article, "enormous.jpg", b"\xff\xd8" + b"\0" * (50 * 1024 * 1024))
    assert response.status_code == 413
    assert "This upload is too large" in response.content.decode()
    assert "an image may have at most 15 MB" in response.content.decode()
    assert not ArticleImage.objects.exists() and files_under(media_dir) == []
    json = client.post(f"/editorial/articles/{article.pk}/images/", data=b"x" * (16 * 1024 * 1024 + 300_000),
                       content_type="application/octet-stream", HTTP_ACCEPT="application/json")
    assert json.status_code == 413 and json.json()["error"] == "too_large"


def test_other_addresses_keep_the_small_body_limit(client, alice, article):
    client.force_login(alice)
    response = client.post(f"/articles/{article.slug}/comments/", data=b"x" * (300 * 1024),
                           content_type="application/octet-stream")
    assert response.status_code == 413
    assert "A comment has at most" in response.content.decode()


def test_a_failure_while_recording_leaves_no_files(editor, article, media_dir, monkeypatch):
    from editorial import actions

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(actions, "_rerender", fail)
    with pytest.raises(RuntimeError):
        actions.do_add_image(editor, article, SimpleUploadedFile("a.jpg", jpeg_with_location()), alt="x")
    assert not ArticleImage.objects.exists() and files_under(media_dir) == []


def test_editing_and_removing_an_image(client, editor, article, media_dir, django_capture_on_commit_callbacks):
    client.force_login(editor)
    upload(client, article, "bridge.jpg", jpeg_with_location((900, 600)))
    image = ArticleImage.objects.get()
    response = client.post(f"/editorial/images/{image.pk}/", {f"i{image.pk}-alt": "New words",
                                                              f"i{image.pk}-is_lead": "on"})
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt == "New words" and image.is_lead
    refused = client.post(f"/editorial/images/{image.pk}/", {f"i{image.pk}-alt": ""}, follow=True)
    image.refresh_from_db()
    assert image.alt == "New words" and "alt text" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/editorial/images/{image.pk}/delete/")
    assert not ArticleImage.objects.exists() and files_under(media_dir) == []


def test_one_lead_image_per_article(client, editor, article):
    client.force_login(editor)
    upload(client, article, "a.jpg", jpeg_with_location((400, 300)), is_lead=True)
    upload(client, article, "b.png", png(), "image/png", is_lead=True)
    leads = ArticleImage.objects.filter(is_lead=True)
    assert leads.count() == 1 and leads.get().format == "PNG"


def test_the_local_storage_through_the_storage_api(tmp_path):
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path / "store", base_url="/m/")
    checked = imaging.check(SimpleUploadedFile("p.png", png((700, 400))))
    folder, made = imaging.store(checked, storage)
    assert [m["width"] for m in made] == [320, 320, 640, 640, 700, 700]
    for m in made:
        assert m["name"].startswith(folder + "/") and storage.exists(m["name"])
        assert storage.url(m["name"]) == "/m/" + m["name"]
        assert storage.size(m["name"]) == m["bytes"]
    imaging.delete([m["name"] for m in made], storage)
    assert not any(storage.exists(m["name"]) for m in made)
