"""Uploaded photos: checked by content, bounded in size, re-encoded without metadata."""

from io import BytesIO
from pathlib import Path

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_SIDE = 800
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def normalised_photo(upload) -> SimpleUploadedFile:
    """The picture upright, at most MAX_PHOTO_SIDE pixels a side, as a fresh JPEG: no EXIF
    (GPS position, camera serial) and nothing else of the original file survives."""
    upload.seek(0)
    with Image.open(upload) as original:
        if original.format not in PHOTO_FORMATS:
            raise forms.ValidationError(
                f"A {original.format} image is not accepted; use JPEG, PNG, WebP or GIF."
            )
        picture = ImageOps.exif_transpose(original).convert("RGB")
    picture.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    out = BytesIO()
    picture.save(out, "JPEG", quality=85, optimize=True)
    name = f"{Path(upload.name).stem or 'photo'}.jpg"
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


class PhotoField(forms.ImageField):
    """An image field for portraits: Django's content check, then a size limit and
    re-encoding (normalised_photo)."""

    def to_python(self, data):
        if data and getattr(data, "size", 0) > MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                f"The photo is {data.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_PHOTO_BYTES // 1024 // 1024} MB."
            )
        checked = super().to_python(data)
        return normalised_photo(checked) if checked else checked
