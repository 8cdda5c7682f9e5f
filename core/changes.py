"""The site's content version: bumped on every change, read to answer conditional requests
and to key the cache (core/cache.py).

CoreConfig.ready connects ``content_saved`` to every model of the content apps. Bulk writes
(``QuerySet.update``, ``bulk_create``) send no signals, so code making them calls
``content_changed()`` itself.

Reading the version from the database costs a cached page two round trips (the version
and the connection's health check), most of what a cache hit costs. So each process
keeps a copy, told of every change by PostgreSQL: a change sends ``NOTIFY``, which
PostgreSQL delivers when (and only if) the change commits, and a thread per process
``LISTEN``s and re-reads the version. The process that made the change updates its copy
when it commits; the others within the notification's delivery, a millisecond or so on
one machine. While the listener is not connected (starting, or the database restarting)
requests read the database as before; if that fails too, the database is down and nothing
can change, so the last version known still keys the right pages. Every
``LISTEN_CHECK_SECONDS`` the listener re-reads the version anyway, which bounds what a
silently lost connection could miss.
With a read replica, pages must be keyed by what the replica has (notifications do not
reach a standby), so the version is read from it every time.
"""

import datetime
import logging
import os
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, connections, router, transaction

from core.models import ContentVersion

logger = logging.getLogger(__name__)
CONTENT_APPS = frozenset({"profiles", "publications", "events", "cv"})
CHANNEL = "scholarfolio_content_version"
LISTEN_CHECK_SECONDS = 10
LISTENER_NAME = "scholarfolio content version"
# Plain SQL, read often: no ORM query to compile.
VERSION_SQL = f"SELECT version, changed FROM {ContentVersion._meta.db_table} WHERE id = 1"
_batch = ContextVar("content_change_batch", default=None)


@dataclass(frozen=True)
class Version:
    number: int
    changed: datetime.datetime


def content_changed() -> None:
    """Count one change: now, or inside ``one_content_change`` at the block's end. Inside a
    transaction it lands (or not) with the change."""
    if (batch := _batch.get()) is not None:
        batch["changed"] = True
    else:
        _bump()


def _bump() -> None:
    table = ContentVersion._meta.db_table
    with connection.cursor() as cursor:
        # An upsert: the row exists after migrate, but a test database flush empties it.
        cursor.execute(
            f"INSERT INTO {table} (id, version, changed) VALUES (1, 1, clock_timestamp()) "
            f"ON CONFLICT (id) DO UPDATE SET version = {table}.version + 1, "
            "changed = clock_timestamp()"
        )
        cursor.execute(f"NOTIFY {CHANNEL}")
    if settings.CONTENT_VERSION_LISTEN:
        transaction.on_commit(listener.refresh)


def current_version() -> Version:
    if not settings.CONTENT_VERSION_LISTEN:
        # The database this request reads from (the replica, for public reads).
        return read_version(router.db_for_read(ContentVersion))
    if (version := listener.current()) is not None:
        return version
    try:
        return read_version("default")
    except DatabaseError:
        if listener.known is None:
            raise
        # The database is down, so nothing can change: pages cached at the last version
        # known are still right, and are served until it is back.
        return listener.known


class VersionListener:
    """This process's copy of the content version, kept by a LISTENing thread."""

    def __init__(self):
        self.version: Version | None = None  # None while not listening
        self.known: Version | None = None  # the last version seen, kept while not listening
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def current(self) -> Version | None:
        if self.pid != os.getpid():  # first use, or a worker forked from a process that used it
            self.start()
        return self.version

    def start(self) -> None:
        with self.lock:
            if self.pid == os.getpid():
                return
            self.pid, self.version = os.getpid(), None
            self.thread = threading.Thread(target=self.listen, name="content-version", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        """Ends the thread and its connection (a process exiting needs no stop)."""
        self.stopping.set()
        with connections["default"].cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")  # wakes the thread
        if self.thread is not None:
            self.thread.join(timeout=LISTEN_CHECK_SECONDS)

    def refresh(self) -> None:
        if self.version is not None:
            self.update(read_version("default"))

    def update(self, version: Version) -> None:
        # Readers in two threads may finish out of order; the number only grows.
        with self.lock:
            if self.version is None or version.number >= self.version.number:
                self.version = self.known = version

    def listen(self) -> None:
        params = connections["default"].get_connection_params()
        # A half-open connection (a failover that sends no reset) is found within about
        # 25 s, not left to block a read for the kernel's minutes.
        params |= {
            "application_name": LISTENER_NAME,
            "connect_timeout": 5,
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
        failing_since = None
        while not self.stopping.is_set():
            try:
                with psycopg.connect(**params, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    # Read after LISTEN: a change committed in between is seen either way.
                    self.version = self.known = read_from(conn)
                    if failing_since is not None:
                        logger.info(
                            "Content version listener back after %.0f s.",
                            time.monotonic() - failing_since,
                        )
                        failing_since = None
                    while not self.stopping.is_set():
                        for _ in conn.notifies(timeout=LISTEN_CHECK_SECONDS, stop_after=1):
                            pass
                        self.update(read_from(conn))
            except Exception as error:
                # Whatever went wrong, requests read the database until the thread is back.
                # One line per outage: the thread retries every second while it lasts.
                self.version = None
                if failing_since is None:
                    failing_since = time.monotonic()
                    logger.warning(
                        "Content version listener: %s; retrying every second.",
                        str(error).strip().partition("\n")[0] or type(error).__name__,
                    )
                self.stopping.wait(1)
        self.version = None


def read_from(conn) -> Version:
    return to_version(conn.execute(VERSION_SQL).fetchone())


def to_version(row) -> Version:
    if row is None:
        return Version(0, datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    return Version(*row)


listener = VersionListener()


def read_version(alias: str) -> Version:
    with connections[alias].cursor() as cursor:
        cursor.execute(VERSION_SQL)
        return to_version(cursor.fetchone())


def content_saved(sender, raw=False, action="post", **kwargs):
    """post_save, post_delete and m2m_changed (once per change: its post_* action)."""
    if sender._meta.app_label in CONTENT_APPS and not raw and action.startswith("post"):
        content_changed()


@contextmanager
def one_content_change():
    """For bulk work inside a transaction: one bump when the block succeeds and changed
    anything, instead of one per saved row."""
    batch = {"changed": False}
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    if batch["changed"]:
        content_changed()  # the enclosing block's, if one is open
