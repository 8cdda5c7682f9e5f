"""Cached public pages and API data, invalidated by the content version.

Every key starts with ``core.changes.current_version()``, which every content change bumps
in its own transaction: after an edit or an import no request can find a page made before
it, on any page that could show it (profiles, co-authors' pages, lists, feeds, search, the
API). A page's key also carries the day, for what depends on the date ("upcoming talks"),
and entries expire after ``PAGE_CACHE_SECONDS`` whatever happens.
"""

import datetime
import functools

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import get_cache_key, learn_cache_key, set_response_etag
from rest_framework.settings import api_settings

from core.changes import current_version
from core.middleware import address_problem

API_PREFIX = "/api/v1/"
# Not cached: the admin, the API's schema and documentation pages (made without the
# database, from the code), the health checks and files.
UNCACHED_PREFIXES = ("/admin/", "/api/", "/healthz", "/readyz", "/static/", "/media/")


def page_prefix(version: int) -> str:
    return f"page:{version}:{datetime.date.today().isoformat()}"


class PublicPageCacheMiddleware:
    """Anonymous GET and HEAD requests for public pages and the API, answered from the
    cache when the same page was made at the same content version. Keys and Vary handling
    are Django's (``get_cache_key`` and ``learn_cache_key``; the API varies on Accept); the
    version is the key prefix, and a page's key holds only the query parameters it reads.
    Only 200s are stored, so a request the API refuses (an unknown parameter) reaches the
    view every time, and the API's throttles count cached answers too. It sits outside the
    gzip middleware, so compressed pages are stored compressed, and inside
    ConditionalGetMiddleware, which answers 304 from the ETag stored with the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            if not api_throttles_allow(request):
                return self.get_response(request)  # for the API's own 429
        else:
            keep_page_parameters(request)
        # Kept for the view, which keys its ETag by the same version.
        request.content_version = current_version()
        prefix = page_prefix(request.content_version.number)
        key = get_cache_key(request, prefix, "GET", cache=cache)
        if key is not None:
            response = cache.get(key)
            if response is not None:
                return response
        response = self.get_response(request)
        # HEAD answers are looked up under GET's key but not stored: they have no body.
        if request.method == "GET" and self.cacheable_response(response):
            if not response.has_header("ETag"):
                set_response_etag(response)  # once, not on every hit
            seconds = settings.PAGE_CACHE_SECONDS
            key = learn_cache_key(request, response, seconds, prefix, cache=cache)
            cache.set(key, bare(response), seconds)
        return response

    @staticmethod
    def cacheable_request(request) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and (
                request.path.startswith(API_PREFIX)
                or not request.path.startswith(UNCACHED_PREFIXES)
            )
            # Signed in (an editor looking at the site): pages may differ, so never shared.
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            # Refused further in, whatever parameter holds the bad character.
            and address_problem(request)[0] is None
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


def reads_query(*names):
    """Marks a page view (a function or a class-based view) with the query parameters it
    reads: the page cache keeps those and drops any other; a page not marked reads none."""

    def mark(view):
        if isinstance(view, type):
            view.query_parameters = frozenset(names)
            return view

        @functools.wraps(view)
        def page(*args, **kwargs):
            return view(*args, **kwargs)

        page.query_parameters = frozenset(names)
        return page

    return mark


def query_parameters(view) -> frozenset:
    view = getattr(view, "view_class", view)
    return getattr(view, "query_parameters", frozenset())


def keep_page_parameters(request) -> None:
    """Leaves the page only the query parameters it reads, in the order given. Any other
    (``?utm_source=``, ``?x=1``, ``?x=2``, ...) would key a copy of the same page, so that
    made-up parameters could fill the cache, and would be carried into the stored page's
    links (``{% querystring %}``) for every later visitor."""
    try:
        names = query_parameters(resolve(request.path_info).func)
    except Resolver404:
        names = frozenset()
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in names:
            kept.setlist(name, values)
    request.META["QUERY_STRING"] = kept.urlencode()
    request.GET = QueryDict(request.META["QUERY_STRING"])


def bare(response) -> HttpResponse:
    """The bytes and headers alone: a DRF response would pickle its data, model instances
    and all, and unpickle them on every hit."""
    return HttpResponse(response.content, status=response.status_code, headers=response.items())


def api_throttles_allow(request) -> bool:
    """The API's throttles (DRF's, from its settings), run before the cache is asked. The
    request is marked so that, on a miss, the view does not count it again."""
    throttles = api_settings.DEFAULT_THROTTLE_CLASSES
    if all(throttle().allow_request(request, None) for throttle in throttles):
        request.throttle_counted = True
        return True
    return False
