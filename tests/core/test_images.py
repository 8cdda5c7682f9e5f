import hashlib
import struct
import zlib
from io import BytesIO
from unittest import mock

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from PIL import Image, ImageCms, ImageFile

from core.images import MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS, PhotoField
from profiles.models import Researcher


def upload(name="me.jpg", size=(3000, 2000), kind="JPEG", exif=True) -> SimpleUploadedFile:
    out = BytesIO()
    picture = Image.new("RGB", size, "teal")
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "Camera maker"  # Make
        data[0x8825] = {1: "N", 2: (31.0, 12.0, 0.0)}  # GPS position
        options["exif"] = data
    picture.save(out, kind, **options)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_a_photo_is_resized_and_loses_its_metadata():
    original = upload()
    assert Image.open(BytesIO(original.read())).getexif()  # the camera data is there
    cleaned = PhotoField().clean(upload())
    with Image.open(cleaned) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == 800
        assert stored.size == (800, 533)
        assert not stored.getexif()


def test_a_png_becomes_a_jpeg():
    cleaned = PhotoField().clean(upload("me.png", size=(200, 100), kind="PNG", exif=False))
    assert cleaned.name.endswith(".jpg")
    assert Image.open(cleaned).size == (200, 100)  # small pictures keep their size


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name():
    fake = SimpleUploadedFile("me.jpg", b"<html><script>alert(1)</script></html>")
    with pytest.raises(forms.ValidationError, match="Upload a valid image"):
        PhotoField().clean(fake)


def test_an_oversized_file_is_refused_with_its_size():
    big = SimpleUploadedFile("big.jpg", b"\0" * (MAX_PHOTO_BYTES + 1))
    with pytest.raises(forms.ValidationError, match="the limit is 5 MB"):
        PhotoField().clean(big)


def test_an_image_format_outside_the_list_is_refused():
    with pytest.raises(forms.ValidationError, match="TIFF image is not accepted"):
        PhotoField().clean(upload("me.tif", size=(10, 10), kind="TIFF", exif=False))


@pytest.mark.django_db
def test_the_researcher_form_uses_it(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    form = admin.site._registry[Researcher].get_form(request)
    assert isinstance(form.base_fields["photo"], PhotoField)


def blank_png(width: int, height: int) -> bytes:
    """A black-and-white PNG of all-zero pixels: ~20 KB for 13,000 x 13,000, whose decoded
    pixels would take hundreds of megabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte, then the packed pixels
    pixels = zlib.compress(row * height, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_photo_over_the_pixel_limit_is_refused_before_it_is_decoded():
    bomb = blank_png(13_000, 13_000)
    assert len(bomb) < 64 * 1024
    with (
        mock.patch.object(ImageFile.ImageFile, "load", side_effect=AssertionError("decoded")),
        pytest.raises(forms.ValidationError) as refused,
    ):
        PhotoField().clean(SimpleUploadedFile("bomb.png", bomb, content_type="image/png"))
    assert refused.value.messages == [
        "The photo is 13,000 × 13,000 pixels (169 MP); the limit is "
        f"{MAX_PHOTO_PIXELS // 1_000_000} MP."
    ]


def test_a_photo_beyond_pillows_own_bomb_limit_is_refused_with_the_limit():
    with pytest.raises(forms.ValidationError, match=r"more than 178 MP; the limit is 40 MP"):
        PhotoField().clean(SimpleUploadedFile("bomb.png", blank_png(20_000, 20_000)))


def test_a_photo_at_the_pixel_limit_is_accepted():
    assert MAX_PHOTO_PIXELS == 40_000_000
    cleaned = PhotoField().clean(SimpleUploadedFile("wide.png", blank_png(8_000, 5_000)))
    assert Image.open(cleaned).size == (800, 500)


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to the start of the scan."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while True:
        assert data[at] == 0xFF
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return markers
        at += 2 + struct.unpack(">H", data[at + 2 : at + 4])[0]


def test_the_stored_jpeg_keeps_no_comment_exif_xmp_or_colour_profile_of_the_upload():
    out = BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (300, 200), "teal").save(
        out,
        "JPEG",
        comment=b"secret comment",
        exif=exif,
        xmp=b"<x:xmpmeta>secret xmp</x:xmpmeta>",
        icc_profile=profile,
    )
    uploaded = out.getvalue()
    assert {0xFE, 0xE1, 0xE2} <= set(jpeg_segments(uploaded))  # COM, APP1 (EXIF, XMP), APP2

    stored = PhotoField().clean(SimpleUploadedFile("me.jpg", uploaded)).read()

    # SOI is not a segment; APP0 is the JFIF header Pillow writes, the rest the picture.
    assert set(jpeg_segments(stored)) <= {0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDA}
    assert b"secret" not in stored
    assert b"Camera maker" not in stored


def test_the_stored_name_is_the_content_hash_and_nothing_of_the_uploaded_name():
    first = PhotoField().clean(upload("Passport scan J. Smith.jpg"))
    again = PhotoField().clean(upload("other.jpg"))
    other = PhotoField().clean(upload("me.jpg", size=(30, 20)))

    content = first.read()
    assert first.name == f"{hashlib.sha256(content).hexdigest()[:32]}.jpg"
    assert again.name == first.name  # the same picture, the same name
    assert other.name != first.name
