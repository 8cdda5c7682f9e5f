import re
from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render

# Longest path and query string read, in bytes as sent. Below gunicorn's own ceiling on the
# request line (8190, gunicorn.conf.py), so that a longer address is answered here, in the
# form of the page asked for (JSON on the API), and not with gunicorn's plain page.
MAX_URL_LENGTH = 4096
# C0 controls and DEL: no slug, filter or search ever holds one, and PostgreSQL refuses NUL
# in text, which would otherwise surface as a server error from the first query using it.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


# Compressed already: gzip gains nothing and would drop a photo's Content-Length.
COMPRESSED_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


class PublicGZipMiddleware(GZipMiddleware):
    """Compress what anyone may read; never the admin, whose pages carry CSRF tokens and
    private data that compression could leak (BREACH)."""

    def process_response(self, request, response):
        if request.path.startswith("/admin/"):
            return response
        if response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)


class BadAddressMiddleware:
    """Refuses an address too long, whose path or query string, once percent-decoded, holds a
    control character, or whose query string is not UTF-8, before any view or query sees
    it: a 414 or 400, as JSON under /api/ and as the site's page elsewhere. It sits inside
    the middleware that set the security, CSP and CORS headers, so these answers carry
    them too; they are never cached (only 200s are)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        status, detail = address_problem(request)
        if status is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"status": status, "detail": detail}, status=status)
        return render(request, "core/bad_address.html", {"detail": detail}, status=status)


def address_problem(request) -> tuple[int | None, str]:
    length = len(request.get_full_path())
    if length > MAX_URL_LENGTH:
        return 414, f"The address is {length} characters long; at most {MAX_URL_LENGTH} are read."
    # Django has decoded the path already, percent-encoding again any bytes that are not
    # UTF-8 (a path with them matches no page: a 404); it decodes the query string
    # leniently, replacing them, so that is checked from the bytes sent.
    query = unquote_to_bytes(get_bytes_from_wsgi(request.environ, "QUERY_STRING", ""))
    try:
        query_text = query.decode()
    except UnicodeDecodeError:
        return 400, "The query string holds bytes that are not UTF-8 text."
    if CONTROL_CHARACTERS.search(request.path_info) or CONTROL_CHARACTERS.search(query_text):
        return 400, "The address holds a control character (such as %00)."
    return None, ""
