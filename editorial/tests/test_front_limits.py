"""The ASGI front (veche serve) lets an image upload through to the workspace and refuses a
50 MB one before reading a byte, with the upload's own sentence; other addresses keep the
small limit."""

import pytest

from core.tests.test_asgi_bounds import Body, call

FIFTY_MB = 50 * 2**20


@pytest.mark.django_db
def test_a_50_mb_upload_is_refused_by_the_front_before_it_is_read():
    body = Body(FIFTY_MB)
    status, _headers, content = call("POST", "/editorial/articles/1/images/", body,
                                     [(b"content-length", str(FIFTY_MB).encode()),
                                      (b"content-type", b"multipart/form-data; boundary=x")])
    assert status == 413 and body.taken == 0
    assert b"This upload is too large (50.0 MB): an image may have at most 15 MB." in content


@pytest.mark.django_db
def test_an_upload_sized_body_elsewhere_keeps_the_small_limit():
    size = 2 * 2**20
    body = Body(size)
    status, _headers, content = call("POST", "/signin/", body, [(b"content-length", str(size).encode())])
    assert status == 413 and b"A comment has at most" in content


@pytest.mark.django_db
def test_an_image_sized_body_reaches_the_workspace():
    size = 3 * 2**20
    body = Body(size)
    status, _headers, _content = call("POST", "/editorial/articles/1/images/", body,
                                      [(b"content-length", str(size).encode()),
                                       (b"content-type", b"application/octet-stream")])
    assert status == 302 and body.taken == size  # read, then sent to sign in: not a 413
