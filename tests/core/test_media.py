"""Uploaded photos served by the site itself when no bucket is configured, whatever DEBUG
says (the tests run with DEBUG off, as production does)."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.images import PhotoField
from core.models import Visibility
from profiles.models import Researcher
from tests import factories as f

YEAR = 365 * 24 * 60 * 60

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_photo(colour="teal", visibility=Visibility.PUBLIC) -> tuple[str, bytes]:
    """A photo stored as the admin stores one, and the researcher whose photo it is."""
    out = BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    photo = PhotoField().clean(SimpleUploadedFile("me.png", out.getvalue()))
    name = default_storage.save(f"people/{photo.name}", photo)
    f.ResearcherFactory(photo=name, visibility=visibility)
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
    for name in ("old.jpg", "page.jpg"):
        f.ResearcherFactory(photo=f"people/{name}")

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
        "/media/people/" + "x" * 300 + ".jpg",  # longer than a file name may be
    ],
)
def test_nothing_outside_the_media_files_is_served(client, media_root, path):
    (media_root / "people").mkdir(parents=True)
    # The file's text, not its name: the 404 page's language links repeat the path asked.
    (media_root.parent / "secret.txt").write_text("the file's own words, never served")
    (media_root / "link.txt").symlink_to(media_root.parent / "secret.txt")

    response = client.get(path)

    assert response.status_code == 404
    assert b"never served" not in response.content


def test_only_reads_are_answered(client):
    name, _ = stored_photo()
    assert client.post(f"/media/{name}").status_code == 405


def test_a_photo_is_sent_as_stored_not_gzipped(client):
    name, content = stored_photo()

    response = client.get(f"/media/{name}", HTTP_ACCEPT_ENCODING="gzip")

    assert not response.has_header("Content-Encoding")
    assert response["Content-Length"] == str(len(content))
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.DRAFT])
def test_a_photo_of_a_researcher_not_public_is_not_served(client, visibility):
    name, _ = stored_photo(visibility=visibility)
    assert client.get(f"/media/{name}").status_code == 404


def test_a_replaced_photo_is_no_longer_served(client):
    old, _ = stored_photo("teal")
    new, _ = stored_photo("navy")
    researcher = Researcher.objects.get(photo=old)
    Researcher.objects.filter(photo=new).delete()
    researcher.photo = new
    researcher.save()

    assert default_storage.exists(old)
    assert client.get(f"/media/{old}").status_code == 404
    assert client.get(f"/media/{new}").status_code == 200
