"""Uploaded files, served by the site itself when they are on its own disk (no bucket).

They are pictures the site wrote (core/images.py), named by their content, so a name
never changes meaning and browsers may keep them for a year. The content type is read
from the file, never from its name; a file that is not a photo in an accepted format is
sent as a download. Django's ``static.serve`` is not meant for production, and whitenoise
only knows the files that existed when the process started.
"""

import datetime
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from PIL import Image

from core.images import PHOTO_FORMATS

CACHE_SECONDS = 365 * 24 * 60 * 60


def media_path(path: str) -> Path | None:
    """The file under MEDIA_ROOT that ``path`` names; None for anything else, such as a
    directory, ``..`` or a symbolic link leading out."""
    try:
        full = Path(default_storage.path(path))
        inside = full.resolve().is_relative_to(Path(default_storage.location).resolve())
        return full if inside and full.is_file() else None
    except (SuspiciousFileOperation, OSError):  # OSError: a name too long for the disk
        return None


def last_modified(request, path: str) -> datetime.datetime | None:
    if (full := media_path(path)) is None:
        return None
    return datetime.datetime.fromtimestamp(full.stat().st_mtime, tz=datetime.UTC)


def photo_type(file) -> str | None:
    """The MIME type of a picture in an accepted format, read from its header."""
    try:
        with Image.open(file) as picture:
            kind = picture.format
    except (OSError, Image.DecompressionBombError):  # UnidentifiedImageError is an OSError
        kind = None
    file.seek(0)
    return Image.MIME[kind] if kind in PHOTO_FORMATS else None


def file_response(path: str) -> FileResponse:
    """The file under MEDIA_ROOT that ``path`` names, with a year's caching; 404 for none.
    Who may see it is for the view calling this to decide."""
    if (full := media_path(path)) is None:
        raise Http404("No such file.")
    file = full.open("rb")
    kind = photo_type(file)
    response = FileResponse(
        file, content_type=kind or "application/octet-stream", as_attachment=kind is None
    )
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS, immutable=True)
    # Whatever the middleware settings: the browser must not guess another type.
    response["X-Content-Type-Options"] = "nosniff"
    return response
