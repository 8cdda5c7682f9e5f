"""Cached public pages and API data, each keyed by the versions of the parts of the site it
shows (core.changes): after an edit or an import no request can find a page made before it,
on any page that could show it, and every other page stays cached.

A page's scopes come from its URL's name (``register_page_scopes``; scholarfolio.scopes
holds the table; resolved in the language the URL's prefix names, as LocaleMiddleware
would, so ``/zh-hans/people/<slug>/`` is the profile's page family too), so they are
known before the page is looked up: a profile is ``researcher:<slug>``, the publication
list ``publications``. A page with no entry shows anything and is keyed by the site's
version, which every change bumps; every key also holds ``ALL``, which a change no rule
narrows bumps.

Pages are stored once, compressed, in a store every process shares (Redis with REDIS_URL,
else a table in PostgreSQL: a crawl of the whole site fits in either), with each process's
memory in front of it holding the most recent ones as served, compressed or not, so that a
warm hit costs no round trip. Entries expire after ``PAGE_CACHE_SECONDS`` whatever happens.

A hit should cost little more than a static file: what an address resolves to (its scopes,
the query parameters kept, the address the key holds) is kept in the process's memory
too, so that a hit resolves no URL and activates no language, and the process's entries
are the answers' status, headers and bytes, ready to send, not pickled.

With ``PAGE_CACHE_GRACE_SECONDS`` set (off by default) an edit need not make readers wait:
within it the page the edit has just retired is still answered while one process makes
the new one, after sending that answer (``Held``); editors, signed in, are never served
from the cache.
"""

import functools
import gzip
import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.encoding import escape_uri_path
from django.utils.text import compress_string
from rest_framework.settings import api_settings

from core.changes import ALL, SITE, page_state
from core.i18n import accepted_language
from core.middleware import COMPRESSED_TYPES, address_problem

API_PREFIX = "/api/v1/"
# Not cached: the admin, the API's schema and documentation pages (made without the
# database, from the code), the health checks and files.
UNCACHED_PREFIXES = ("/admin/", "/api/", "/healthz", "/readyz", "/static/", "/media/")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
MIN_COMPRESSED_LENGTH = 200  # as Django's gzip middleware: below it gzip adds more than it saves
# Bumped when what a stored entry holds changes, so that no process reads the entries of
# another version of this code (2: with the language middleware's headers).
STORE_FORMAT = 2
# How long a process making a retired page again keeps the others from doing the same.
MAKING_SECONDS = 10
logger = logging.getLogger(__name__)
_page_scopes: dict[str, tuple[str, ...]] = {}


def register_page_scopes(scopes: dict[str, tuple[str, ...]]) -> None:
    """URL name -> the scopes its page shows, as templates filled from the URL's arguments
    (``"researcher:{slug}"``)."""
    _page_scopes.update(scopes)


def page_scopes(view_name: str, kwargs: dict) -> tuple[str, ...]:
    templates = _page_scopes.get(view_name, (SITE,))
    return (ALL, *(template.format(**kwargs) for template in templates))


class PublicPageCacheMiddleware:
    """Anonymous GET and HEAD requests for public pages and the API, answered from the
    cache when the same page was made at the same versions of its scopes. A page's key holds
    only the query parameters it reads, and the Accept header and language on the API. Only
    200s are stored, so a request the API refuses (an unknown parameter) reaches the view every
    time, and the API's throttles count cached answers too.

    It sits outside the language middleware, so that a hit activates no language: a page is
    stored with the Content-Language and Vary those add, and the API's language, which its
    key holds, is read here from Accept-Language as core.i18n reads it. Outside the gzip
    middleware too: a page is stored once, compressed (by that middleware, or here), and
    unpacked for a client that takes no gzip. Inside ConditionalGetMiddleware, which answers
    304 from the ETag stored with the page, and CorsMiddleware, whose headers depend on the
    request's Origin. ``X-Cache`` says whether it was a hit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        if (route := address_route(request)) is None:
            return self.get_response(request)  # refused further in
        names, query, address = route
        api = request.path.startswith(API_PREFIX)
        if api:
            if not api_throttles_allow(request):
                return self.get_response(request)  # for the API's own 429
            # The API's language comes from Accept-Language, a page's from its URL; keyed
            # by the language chosen, not the header, which has endless spellings.
            # (META, not request.headers, which would copy every header of the request.)
            language = accepted_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
            address += "\n" + request.META.get("HTTP_ACCEPT", "") + "\n" + language
        state = page_state(names)
        local, shared = caches["pages-local"], caches["pages"]
        takes_gzip = bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
        # One entry per address in the process, the page as last made: current, or the one
        # a change has just retired (see Held).
        local_key = f"{'gzip' if takes_gzip else 'identity'}:{address}"
        if (held := local.get(local_key)) is not None and held.numbers == state.numbers:
            return answer(held.ready, "hit")
        page = hashlib.md5(address.encode()).hexdigest()
        key = f"page:{STORE_FORMAT}:{state.key}:{page}"
        # The versions and key this page was last stored at, for any process (see Held).
        last_key = f"page-last:{STORE_FORMAT}:{page}"
        if (entry := shared.get(key)) is not None:
            return answer(self.keep(local, local_key, state, served(entry, takes_gzip)), "hit")
        if not api:
            request.META["QUERY_STRING"] = query
            request.GET = QueryDict(query)
        # Kept for the view, which keys its ETag by the same versions.
        request.content_version = state.version
        keys = (key, last_key, local_key)
        if request.method == "GET" and (old := retired(held, state, last_key, takes_gzip)):
            lock = f"page-making:{key}"
            if not shared.add(lock, 1, MAKING_SECONDS):
                return answer(old.ready, "stale")  # another process is making it
            make = functools.partial(self.make_later, request, keys, state, lock)
            return answer(old.ready, "stale", then=make)
        response = self.get_response(request)
        # HEAD answers are looked up under GET's key but not stored: they have no body.
        if request.method != "GET" or not self.cacheable_response(response):
            return response
        return answer(self.store(response, keys, state), "miss")

    def store(self, response, keys, state) -> tuple[int, tuple, bytes]:
        key, last_key, local_key = keys
        entry = stored(response)
        entries = {key: entry}
        if settings.PAGE_CACHE_GRACE_SECONDS > 0:
            entries[last_key] = (state.numbers, key)
        caches["pages"].set_many(entries, settings.PAGE_CACHE_SECONDS)
        ready = served(entry, local_key.startswith("gzip:"))
        return self.keep(caches["pages-local"], local_key, state, ready)

    @staticmethod
    def keep(local, local_key, state, ready) -> tuple[int, tuple, bytes]:
        local.set(local_key, Held(state.numbers, ready), settings.PAGE_CACHE_SECONDS)
        return ready

    def make_later(self, request, keys, state, lock) -> None:
        """After a stale answer was sent: the page made at the current versions, and kept."""
        try:
            response = self.get_response(request)
            try:
                if self.cacheable_response(response):
                    self.store(response, keys, state)
            finally:
                response.close()
        except Exception:
            # Nothing is lost: the next request makes the page itself.
            logger.exception("Page cache: making %s again failed", request.path)
        finally:
            caches["pages"].delete(lock)

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


def address_route(request) -> tuple[tuple[str, ...], str, str] | None:
    """The scopes of the page an address asks for, the query string it reads (all of it on
    the API) and the address its key holds; None for an address refused further in. Kept
    in the process's memory by scheme, host as sent, path and query string, which are all
    it depends on (the host is checked against ALLOWED_HOSTS before it is kept)."""
    routes = caches["page-routes"]
    raw_query = request.META.get("QUERY_STRING", "")
    route_key = f"route:{request.scheme}://{request._get_raw_host()}{request.path}?{raw_query}"
    if (route := routes.get(route_key)) is not None:
        return route
    # Refused further in (inside the language middleware, whose headers the refusal gets):
    # whatever parameter holds the bad character, or a host not allowed.
    if address_problem(request)[0] is not None:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    if request.path.startswith(API_PREFIX):
        match, query = matched(request.path_info), raw_query
    else:
        # In the language LocaleMiddleware will take from the path: prefixed URLs resolve
        # only in their own.
        language = translation.get_language_from_path(request.path_info)
        with translation.override(language or settings.LANGUAGE_CODE):
            match = matched(request.path_info)
        query = kept_query(request.GET, query_parameters(match.func) if match else frozenset())
    names = page_scopes(match.view_name, match.kwargs) if match else (ALL, SITE)
    address = f"{request.scheme}://{host}{escape_uri_path(request.path)}?{query}"
    routes.set(route_key, (names, query, address), settings.PAGE_CACHE_SECONDS)
    return names, query, address


def matched(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


def stored(response) -> tuple[int, list, bytes]:
    """The bytes and headers alone, compressed (by the gzip middleware, or here when the
    client took none), with an ETag made once: a DRF response would pickle its data, model
    instances and all, and unpickle them on every hit. The ETag is weak, as it names both
    the compressed and the plain bytes."""
    body = response.content
    if not response.has_header("ETag"):
        response["ETag"] = f'W/"{hashlib.md5(body).hexdigest()}"'
    if (
        not response.has_header("Content-Encoding")
        and len(body) >= MIN_COMPRESSED_LENGTH
        and not response.get("Content-Type", "").startswith(COMPRESSED_TYPES)
    ):
        body = compress_string(body)
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
    return response.status_code, list(response.items()), body


def served(entry: tuple[int, list, bytes], takes_gzip: bool) -> tuple[int, tuple, bytes]:
    """The stored entry as this client takes it, ready to answer with."""
    status, headers, body = entry
    response = HttpResponse(body, status=status, headers=headers)
    if response.get("Content-Encoding") == "gzip":
        patch_vary_headers(response, ["Accept-Encoding"])
        if not takes_gzip:
            del response["Content-Encoding"]
            response.content = gzip.decompress(body)
            response["Content-Length"] = str(len(response.content))
    return status, tuple(response.items()), response.content


class Held:
    """A process's page for one address: its answer and the versions of its scopes it was
    made at (``numbers``).

    A page that one change to each of its changed scopes has retired, each within
    ``PAGE_CACHE_GRACE_SECONDS`` of now, is still answered, at once, and made anew after
    the answer is sent, by one process: so readers do not wait for a render on an edit's
    account, and what they are shown misses only changes that recent. Two changes to a
    scope since, an older one, or a grace of 0: the request makes the page itself, as on
    any miss."""

    __slots__ = ("numbers", "ready")

    def __init__(self, numbers: tuple[int, ...], ready: tuple[int, tuple, bytes]):
        self.numbers, self.ready = numbers, ready

    def retired_just_now(self, state) -> bool:
        grace = settings.PAGE_CACHE_GRACE_SECONDS
        if grace <= 0 or len(self.numbers) != len(state.numbers):
            return False
        now = timezone.now()
        return all(
            after == before or (after == before + 1 and (now - changed).total_seconds() < grace)
            for before, after, changed in zip(
                self.numbers, state.numbers, state.changes, strict=True
            )
        )


def retired(held, state, last_key: str, takes_gzip: bool) -> "Held | None":
    """The page that changes have just retired (Held.retired_just_now), as this process
    holds it, or else as the shared store last stored it (a process holds only its last
    PAGE_CACHE_LOCAL_ENTRIES pages); None if there is none."""
    if settings.PAGE_CACHE_GRACE_SECONDS <= 0:
        return None
    if held is not None and held.retired_just_now(state):
        return held
    shared = caches["pages"]
    if (last := shared.get(last_key)) is None:
        return None
    numbers, key = last
    if not Held(numbers, None).retired_just_now(state) or (entry := shared.get(key)) is None:
        return None
    return Held(numbers, served(entry, takes_gzip))


class Answer(HttpResponse):
    """A cached answer; ``then`` runs once it is sent (the WSGI server closes the response
    after its last byte), before the request's end is signalled."""

    def __init__(self, *args, then=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.then = then

    def close(self):
        then, self.then = self.then, None
        try:
            if then is not None:
                then()
        finally:
            super().close()


def answer(ready: tuple[int, tuple, bytes], cache: str, then=None) -> HttpResponse:
    status, headers, body = ready
    response = Answer(body, status=status, headers=headers, then=then)
    response["X-Cache"] = cache
    return response


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


def kept_query(query: QueryDict, names: frozenset) -> str:
    """The query string with only the parameters the page reads, in the order given. Any
    other (``?utm_source=``, ``?x=1``, ``?x=2``, ...) would key a copy of the same page, so
    that made-up parameters could fill the cache, and would be carried into the stored
    page's links (``{% querystring %}``) for every later visitor."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if name in names:
            kept.setlist(name, values)
    return kept.urlencode()


def api_throttles_allow(request) -> bool:
    """The API's throttles (DRF's, from its settings), run before the cache is asked. The
    request is marked so that, on a miss, the view does not count it again."""
    throttles = api_settings.DEFAULT_THROTTLE_CLASSES
    if all(throttle().allow_request(request, None) for throttle in throttles):
        request.throttle_counted = True
        return True
    return False
