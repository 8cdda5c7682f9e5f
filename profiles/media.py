"""Researchers' photos, when uploads stay on the site's own disk: the current photo of a
public researcher only. A hidden researcher's photo, or one replaced since (its file is
kept), answers 404 like any address that names no photo."""

from django.http import Http404
from django.views.decorators.http import condition, require_safe

from core.media import file_response, last_modified
from profiles.models import Researcher


@require_safe
@condition(last_modified_func=last_modified)
def photo(request, path: str):
    if not Researcher.objects.public().filter(photo=path).exists():
        raise Http404("No such photo.")
    return file_response(path)
