"""Checking an uploaded image and making its versions, with Pillow.

An upload is trusted for nothing: its name only has to agree with what its content is; its
header is read (Pillow reads only that when opening) and its pixel count checked before a
single pixel is decoded, so an image bomb — a small file declaring a huge canvas — is refused
without the memory it would take. The stored files are re-encoded from the decoded pixels,
which leaves every piece of metadata behind (EXIF with its GPS location, XMP, text chunks),
after the EXIF orientation has been applied to the pixels themselves."""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import ActionError

# The formats accepted, with the names a file of each may have.
EXTENSIONS = {"JPEG": {"jpg", "jpeg"}, "PNG": {"png"}, "WEBP": {"webp"}}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
SAVED_EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The widths made, as far as the image is wide: a phone's column (1x, 2x), a desktop's column
# and a wide lead. Each in WebP and in the original's format (for browsers without WebP).
WIDTHS = (320, 640, 1024, 1600)
# The largest stored version: the original is kept no wider (a 6,000-pixel photograph is
# shown nowhere at that size).
MAX_STORED_WIDTH = 2400
QUALITY = {"JPEG": 82, "WEBP": 80}
# WebP's effort (0–6): 3 writes files within a few per cent of 4's (Pillow's default) in about
# two thirds of the time (the versions are made by a task, editorial.tasks, not in the upload).
WEBP_METHOD = 3
MIN_SIDE = 16  # pixels: anything smaller is not an illustration


@dataclass
class Checked:
    """An upload that passed: its format and size, its pixels decoded and upright."""

    format: str
    width: int
    height: int
    image: Image.Image = field(repr=False)


def _refuse(message: str, code: str) -> ActionError:
    return ActionError(message, status=400, code=code, field="file")


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in text[:1024]


def check(upload) -> Checked:
    """Check an uploaded file (Django's UploadedFile) and decode it, or raise ActionError
    with a sentence for the editor. Nothing is stored here."""
    max_bytes = settings.VECHE_IMAGE_MAX_BYTES
    max_pixels = settings.VECHE_IMAGE_MAX_PIXELS
    if upload is None:
        raise _refuse(_("Choose an image file to upload."), "no_file")
    if upload.size > max_bytes:
        raise _refuse(_("The file is too large (%(size)s MB): an image may have at most %(max)s MB.") % {
            "size": f"{upload.size / 2**20:.1f}", "max": f"{max_bytes / 2**20:.0f}"}, "too_large")
    name = (upload.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if extension == "svg" or _looks_like_svg(head):
        raise _refuse(_("SVG images are not accepted: they may carry scripts. "
                        "Upload a JPEG, PNG or WebP image."), "svg")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)  # reads the header only
            fmt = image.format
            width, height = image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, ValueError, SyntaxError) as exc:
        if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
            raise _refuse(_("The image is too large in pixels: at most %(max)s million.") % {
                "max": f"{max_pixels / 1e6:g}"}, "too_many_pixels") from exc
        raise _refuse(_("This file is not an image Veche can read. Upload a JPEG, PNG or WebP image."),
                      "not_an_image") from exc
    if fmt not in EXTENSIONS:
        raise _refuse(_("%(format)s images are not accepted. Upload a JPEG, PNG or WebP image.") % {
            "format": fmt or "?"}, "format")
    if extension not in EXTENSIONS[fmt]:
        raise _refuse(_("The file’s name (“.%(ext)s”) does not match its content, a %(format)s image. "
                        "Rename it or export it again.") % {"ext": extension or "", "format": fmt},
                      "extension")
    if width * height > max_pixels:
        raise _refuse(_("The image is too large in pixels (%(w)s × %(h)s): at most %(max)s million.") % {
            "w": width, "h": height, "max": f"{max_pixels / 1e6:g}"}, "too_many_pixels")
    if min(width, height) < MIN_SIDE:
        raise _refuse(_("The image is too small (%(w)s × %(h)s pixels).") % {"w": width, "h": height},
                      "too_small")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            image = ImageOps.exif_transpose(image)  # upright pixels; the EXIF goes with the file
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise _refuse(_("The image is damaged and cannot be read."), "damaged") from exc
    return Checked(fmt, image.width, image.height, image)


def _encode(image: Image.Image, fmt: str) -> bytes:
    """The pixels in `fmt`, with no metadata: nothing but what Pillow writes by default."""
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = _flatten(image)
        image.save(out, "JPEG", quality=QUALITY["JPEG"], optimize=True, progressive=True)
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
        image.save(out, "WEBP", quality=QUALITY["WEBP"], method=WEBP_METHOD)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    if "A" in image.getbands() or image.mode == "P":
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def widths_for(width: int) -> list[int]:
    """The widths made of an image `width` pixels wide: those of WIDTHS below it, and its own
    (at most MAX_STORED_WIDTH)."""
    top = min(width, MAX_STORED_WIDTH)
    return [w for w in WIDTHS if w < top] + [top]


def _name(folder: str, width: int, fmt: str) -> str:
    return f"{folder}/{width}.{SAVED_EXTENSION[fmt]}"


def wanted(fmt: str, width: int, height: int) -> list[tuple[int, int, str]]:
    """Every version an image `fmt`, `width` × `height` has once its versions are made:
    (width, height, format), each width of widths_for in WebP and in the original's format."""
    formats = ["WEBP"] if fmt == "WEBP" else ["WEBP", fmt]
    return [(w, max(1, round(height * w / width)), f) for w in widths_for(width) for f in formats]


def missing(fmt: str, width: int, height: int, renditions: list[dict]) -> list[tuple[int, int, str]]:
    """The versions of `wanted` not among `renditions` yet."""
    have = {(r["width"], r["format"]) for r in renditions}
    return [v for v in wanted(fmt, width, height) if (v[0], v[2]) not in have]


def sort_renditions(renditions: list[dict]) -> list[dict]:
    return sorted(renditions, key=lambda m: (m["width"], m["format"]))  # narrowest first, as srcset lists them


def store_original(checked: Checked, storage: Storage | None = None) -> tuple[str, list[dict]]:
    """Write the one version an upload waits for: the image in its own format, at its own width
    (at most MAX_STORED_WIDTH), re-encoded without its metadata; (folder, [that rendition]).
    The other widths and WebP are made by a task (make_versions)."""
    storage = storage or default_storage
    folder = f"images/{uuid.uuid4().hex}"
    top = widths_for(checked.width)[-1]
    height = max(1, round(checked.height * top / checked.width))
    image = checked.image if top == checked.width else checked.image.resize((top, height), Image.Resampling.LANCZOS)
    data = _encode(image, checked.format)
    name = storage.save(_name(folder, top, checked.format), ContentFile(data))
    return folder, [{"width": top, "height": height, "format": checked.format, "name": name, "bytes": len(data)}]


def make_versions(folder: str, original: dict, versions: list[tuple[int, int, str]],
                  storage: Storage | None = None) -> list[dict]:
    """Write `versions` (from `missing`) made from the stored `original` rendition; the
    renditions written, each under a free name (a file of the same name is left alone). On any
    failure the files written so far are deleted again."""
    storage = storage or default_storage
    made: list[dict] = []
    with storage.open(original["name"]) as f:
        source = Image.open(f)
        source.load()
    try:
        # Widest first, each made from the one before it: a smaller source for each resize.
        for width, height, fmt in sorted(versions, key=lambda v: -v[0]):
            if (width, height) != source.size:
                source = source.resize((width, height), Image.Resampling.LANCZOS)
            data = _encode(source, fmt)
            # Never over a file of that name: it may be one another run recorded (two runs of
            # the task at once); the storage picks a free name, and the run that records
            # second deletes its copies (editorial.tasks).
            name = storage.save(_name(folder, width, fmt), ContentFile(data))
            made.append({"width": width, "height": height, "format": fmt, "name": name, "bytes": len(data)})
    except Exception:
        delete([m["name"] for m in made], storage)
        raise
    return sort_renditions(made)


def store(checked: Checked, storage: Storage | None = None) -> tuple[str, list[dict]]:
    """Every version at once (store_original, then make_versions): for callers that want them
    all now rather than from the task."""
    storage = storage or default_storage
    folder, renditions = store_original(checked, storage)
    try:
        more = make_versions(folder, renditions[0],
                             missing(checked.format, checked.width, checked.height, renditions), storage)
    except Exception:
        delete([r["name"] for r in renditions], storage)
        raise
    return folder, sort_renditions(renditions + more)


def delete(names: list[str], storage: Storage | None = None) -> None:
    storage = storage or default_storage
    for name in names:
        storage.delete(name)
