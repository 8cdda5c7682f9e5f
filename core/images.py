"""Uploaded photos: checked by content, bounded in size, re-encoded without metadata."""

import hashlib
from io import BytesIO

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps

MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Checked from the header before any pixel is decoded: a 20 KB PNG can declare 13,000 x
# 13,000 pixels, about a gigabyte once decoded and converted.
MAX_PHOTO_PIXELS = 40_000_000
MAX_PHOTO_SIDE = 800
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def check_pixel_count(picture: Image.Image) -> None:
    width, height = picture.size
    if width * height > MAX_PHOTO_PIXELS:
        raise forms.ValidationError(
            f"The photo is {width:,} × {height:,} pixels ({width * height / 1e6:.0f} MP); "
            f"the limit is {MAX_PHOTO_PIXELS // 1_000_000} MP."
        )


def normalised_photo(upload) -> SimpleUploadedFile:
    """The picture upright, at most MAX_PHOTO_SIDE pixels a side, as a fresh JPEG holding
    the pixels alone: no EXIF (GPS position, camera serial), comment, XMP or colour profile
    of the original survives (Pillow would carry a JPEG comment over). Named by its content,
    so a name is never reused for another picture and can be cached for good."""
    upload.seek(0)
    with Image.open(upload) as original:
        check_pixel_count(original)
        if original.format not in PHOTO_FORMATS:
            raise forms.ValidationError(
                f"A {original.format} image is not accepted; use JPEG, PNG, WebP or GIF."
            )
        picture = ImageOps.exif_transpose(original).convert("RGB")
    picture.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    pixels = Image.new("RGB", picture.size)
    pixels.paste(picture)
    out = BytesIO()
    pixels.save(out, "JPEG", quality=85, optimize=True)
    content = out.getvalue()
    name = f"{hashlib.sha256(content).hexdigest()[:32]}.jpg"
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


class PhotoField(forms.ImageField):
    """An image field for portraits: Django's content check, then limits on bytes and
    pixels and re-encoding (normalised_photo)."""

    def to_python(self, data):
        if data and getattr(data, "size", 0) > MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                f"The photo is {data.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_PHOTO_BYTES // 1024 // 1024} MB."
            )
        try:
            checked = super().to_python(data)
        except forms.ValidationError as error:
            # Pillow refuses to even open a picture over twice its own limit.
            if isinstance(error.__cause__, Image.DecompressionBombError):
                raise forms.ValidationError(
                    f"The photo has more than {2 * Image.MAX_IMAGE_PIXELS // 1_000_000} MP; "
                    f"the limit is {MAX_PHOTO_PIXELS // 1_000_000} MP."
                ) from error
            raise
        return normalised_photo(checked) if checked else checked
