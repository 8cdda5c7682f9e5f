"""Cached public pages and API data, invalidated by the content version.

Every key starts with ``core.changes.current_version()``, which every content change bumps
in its own transaction: after an edit or an import no request can find a page made before
it, on any page that could show it (profiles, co-authors' pages, lists, feeds, search, the
API). A page's key also carries the day, for what depends on the date ("upcoming talks"),
and entries expire after ``PAGE_CACHE_SECONDS`` whatever happens.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import get_cache_key, learn_cache_key

from core.changes import current_version

# Not cached here: the admin, the API (cached by its viewsets, after throttling and the
# parameter checks), the health checks and files.
UNCACHED_PREFIXES = ("/admin/", "/api/", "/healthz", "/readyz", "/static/", "/media/")


def page_prefix(version: int) -> str:
    return f"page:{version}:{datetime.date.today().isoformat()}"


class PublicPageCacheMiddleware:
    """Anonymous GET and HEAD requests for public pages, answered from the cache when the
    same page was made at the same content version. Keys and Vary handling are Django's
    (``get_cache_key`` and ``learn_cache_key``); the version is the key prefix. It sits
    outside the gzip middleware, so compressed pages are stored compressed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        prefix = page_prefix(current_version().number)
        key = get_cache_key(request, prefix, "GET", cache=cache)
        if key is not None:
            response = cache.get(key)
            if response is not None:
                return response
        response = self.get_response(request)
        if self.cacheable_response(response):
            seconds = settings.PAGE_CACHE_SECONDS
            cache.set(
                learn_cache_key(request, response, seconds, prefix, cache=cache), response, seconds
            )
        return response

    @staticmethod
    def cacheable_request(request) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(UNCACHED_PREFIXES)
            # Signed in (an editor looking at the site): pages may differ, so never shared.
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def cacheable_response(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )


def api_key(version: int, renderer_format: str, full_path: str) -> str:
    digest = hashlib.sha256(full_path.encode()).hexdigest()
    return f"api:{version}:{renderer_format}:{digest}"
