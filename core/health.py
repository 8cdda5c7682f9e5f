"""Liveness and readiness for load balancers and container health checks."""

from django.db import DatabaseError, connection
from django.http import HttpResponse

from core.outage import database_unavailable

PATHS = ("/healthz", "/readyz")


class HealthCheckMiddleware:
    """First in the chain: probes come by IP address, so these two answer before the host
    check and the HTTPS redirect, and never touch sessions or the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in PATHS:
            return self.get_response(request)
        if request.path == "/healthz":
            return probe_response("ok", 200)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as error:
            database_unavailable(request, error)  # logged once per outage, not per probe
            return probe_response(f"database unreachable: {error.__class__.__name__}", 503)
        return probe_response("ok", 200)


def probe_response(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text + "\n", status=status, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response
