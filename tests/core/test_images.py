from io import BytesIO

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from PIL import Image

from core.images import MAX_PHOTO_BYTES, PhotoField
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
    assert cleaned.name == "me.jpg"


def test_a_png_becomes_a_jpeg():
    cleaned = PhotoField().clean(upload("me.png", size=(200, 100), kind="PNG", exif=False))
    assert cleaned.name == "me.jpg"
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
