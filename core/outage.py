"""Answers while PostgreSQL is down: 503 for whatever needs it, one log line per outage.

Cached pages are still served (core/changes.py keys them by the last version known).
A request that needs the database ends, wherever the connection failed (the page cache
reading the version, a view, a template), in Django's handler500, which is
``server_error`` here: a refused or lost connection becomes a 503 with Retry-After rather
than a 500. The first such error in a process logs one warning; until then and while it
lasts, Django's own line with a traceback per request is dropped (``OutageLogFilter`` on
the ``django.request`` logger). The outage ends when a new connection succeeds.
"""

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
API_DETAIL = "The database is temporarily unavailable; try again shortly."
# SQLSTATEs of a server going away: connection exceptions (class 08), and shutting down,
# crashed or not yet accepting connections. A deadlock or a cancelled query is a bug or a
# load problem and stays a 500 with its traceback.
OUTAGE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


class Outage:
    """This process's view of the database: since when it has been refusing, and how many
    requests were answered 503 meanwhile."""

    def __init__(self):
        self.lock = threading.Lock()
        self.since: float | None = None
        self.refused = 0

    def began(self, error: Exception) -> None:
        with self.lock:
            self.refused += 1
            if self.since is not None:
                return
            self.since = time.monotonic()
        reason = " ".join(str(error).split())  # psycopg's messages span lines
        logger.warning(
            "database unavailable (%s: %s); answering 503 until it is back",
            type(error).__name__,
            reason,
        )

    def ended(self) -> None:
        if self.since is None:  # the common case, on every new connection: no lock
            return
        with self.lock:
            if self.since is None:
                return
            seconds, refused = time.monotonic() - self.since, self.refused
            self.since, self.refused = None, 0
        logger.info("database back after %.1f s; %d requests answered 503", seconds, refused)


outage = Outage()


def is_outage(error: BaseException | None) -> bool:
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    # Errors the client library raises itself (refused, reset, closed) have no SQLSTATE.
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(OUTAGE_SQLSTATES)


def database_unavailable(request, error: Exception) -> None:
    """Counts a request the database could not answer; the first of an outage is logged."""
    request.database_unavailable = True
    outage.began(error)


@receiver(connection_created, dispatch_uid="core.outage.database_answered")
def database_answered(**kwargs) -> None:
    outage.ended()


def server_error(request):
    """handler500: a 503 when the database is unreachable, Django's 500 page otherwise."""
    error = sys.exc_info()[1]
    if not is_outage(error):
        return defaults.server_error(request)
    database_unavailable(request, error)
    if request.path.startswith("/api/"):
        response = JsonResponse({"status": 503, "detail": API_DETAIL}, status=503)
    else:
        # Like Django's 500 page: no context processors, which could need the database.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OutageLogFilter(logging.Filter):
    """On ``django.request``: drops the error line (with traceback) of each request answered
    503 during an outage, which is logged once instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return not getattr(request, "database_unavailable", False)
