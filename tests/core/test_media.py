"""Uploaded photos served by the site itself when no bucket is configured, whatever DEBUG
says (the tests run with DEBUG off, as production does)."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.images import PhotoField

YEAR = 365 * 24 * 60 * 60


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_photo() -> tuple[str, bytes]:
    out = BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "PNG")
    photo = PhotoField().clean(SimpleUploadedFile("me.png", out.getvalue()))
    name = default_storage.save(f"people/{photo.name}", photo)
    return name, default_storage.open(name).read()


def test_a_stored_photo_is_served_with_debug_off(client, settings):
    assert not settings.DEBUG
    name, content = stored_photo()

    response = client.get(default_storage.url(name))  # the address the pages give

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == f"public, max-age={YEAR}, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Last-Modified" in response


def test_head_answers_without_a_body(client):
    name, content = stored_photo()
    response = client.head(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(content))


def test_a_revalidation_is_answered_304(client):
    name, _ = stored_photo()
    modified = client.get(f"/media/{name}")["Last-Modified"]
    assert client.get(f"/media/{name}", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304


def test_the_content_type_comes_from_the_file_not_its_name(client, media_root):
    (media_root / "people").mkdir(parents=True)
    out = BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    (media_root / "people" / "old.jpg").write_bytes(out.getvalue())
    (media_root / "people" / "page.jpg").write_bytes(b"<html><script>alert(1)</script>")

    assert client.get("/media/people/old.jpg")["Content-Type"] == "image/png"
    page = client.get("/media/people/page.jpg")
    assert page["Content-Type"] == "application/octet-stream"
    assert page["Content-Disposition"] == 'attachment; filename="page.jpg"'
    assert page["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/media/people/missing.jpg",
        "/media/people/",
        "/media/people",
        "/media/..%2Fsecret.txt",
        "/media/people/..%2F..%2Fsecret.txt",
        "/media/%2Fetc%2Fpasswd",
        "/media/link.txt",
    ],
)
def test_nothing_outside_the_media_files_is_served(client, media_root, path):
    (media_root / "people").mkdir(parents=True)
    (media_root.parent / "secret.txt").write_text("secret")
    (media_root / "link.txt").symlink_to(media_root.parent / "secret.txt")

    response = client.get(path)

    assert response.status_code == 404
    assert b"secret" not in response.content


def test_only_reads_are_answered(client):
    name, _ = stored_photo()
    assert client.post(f"/media/{name}").status_code == 405


def test_a_photo_is_sent_as_stored_not_gzipped(client):
    name, content = stored_photo()

    response = client.get(f"/media/{name}", HTTP_ACCEPT_ENCODING="gzip")

    assert not response.has_header("Content-Encoding")
    assert response["Content-Length"] == str(len(content))
    assert b"".join(response.streaming_content) == content
