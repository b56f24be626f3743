"""Fixtures for the editors' workspace: editors and other roles, uploaded media in a temporary
folder, and images made on the spot (with EXIF location, or a header claiming a huge canvas)."""

import io
import struct
import zlib

import pytest
from PIL import Image

from conftest import permission


@pytest.fixture(autouse=True)
def media_dir(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MEDIA_URL = "/media/"
    return tmp_path / "media"


@pytest.fixture
def editor(make_member):
    member = make_member("editor", real_name="Ed Itor")
    member.user_permissions.add(permission("change_article"))
    return member


@pytest.fixture
def moderator(make_member):
    member = make_member("moder")
    member.user_permissions.add(permission("moderate"))
    return member


def files_under(path) -> list:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def jpeg_with_location(size=(1800, 1200)) -> bytes:
    """A JPEG carrying EXIF with a GPS position, a camera maker and an orientation."""
    image = Image.new("RGB", size, (40, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    gps = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(size=(800, 600), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 255) if mode == "RGBA" else 128).save(out, "PNG")
    return out.getvalue()


def webp(size=(700, 500)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(out, "WEBP")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small valid PNG whose header says it is width × height: an image bomb's shape."""
    data = bytearray(png((16, 16), "L"))
    ihdr = 8 + 8  # signature, then the IHDR chunk's length and type
    data[ihdr:ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:ihdr + 13])) & 0xFFFFFFFF
    data[ihdr + 13:ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)
