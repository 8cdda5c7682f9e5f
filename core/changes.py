"""The site's content version: bumped on every change, read to answer conditional requests
and to key the cache (core/cache.py).

CoreConfig.ready connects ``content_saved`` to every model of the content apps. Bulk writes
(``QuerySet.update``, ``bulk_create``) send no signals, so code making them calls
``content_changed()`` itself.

With a shared cache (Redis) and no read replica, the version is also kept in the cache, so a
cached page costs no database query: a change publishes the new version when it commits,
and a reader that finds none reads the database and adds it (``add``, never overwriting a
newer one a writer just set). Two changes committing at the same instant could publish
out of order; the entry lives ``VERSION_SECONDS``, which bounds that. With a replica,
pages must be keyed by what the replica has, so the version is read from it every time.
"""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, router, transaction

from core.models import ContentVersion

CONTENT_APPS = frozenset({"profiles", "publications", "events"})
VERSION_KEY = "content-version"
_batch = ContextVar("content_change_batch", default=None)
VERSION_SECONDS = 5


@dataclass(frozen=True)
class Version:
    number: int
    changed: datetime.datetime


def content_changed() -> None:
    """Count one change, made now. Inside a transaction it lands (or not) with the change."""
    table = ContentVersion._meta.db_table
    with connection.cursor() as cursor:
        # An upsert: the row exists after migrate, but a test database flush empties it.
        cursor.execute(
            f"INSERT INTO {table} (id, version, changed) VALUES (1, 1, clock_timestamp()) "
            f"ON CONFLICT (id) DO UPDATE SET version = {table}.version + 1, "
            "changed = clock_timestamp()"
        )
    if settings.CONTENT_VERSION_IN_CACHE:
        transaction.on_commit(publish_version)


def publish_version() -> None:
    cache.set(VERSION_KEY, read_version("default"), VERSION_SECONDS)


def current_version() -> Version:
    if not settings.CONTENT_VERSION_IN_CACHE:
        # The database this request reads from (the replica, for public reads).
        return read_version(router.db_for_read(ContentVersion))
    version = cache.get(VERSION_KEY)
    if version is None:
        version = read_version("default")
        cache.add(VERSION_KEY, version, VERSION_SECONDS)
    return version


def read_version(alias: str) -> Version:
    # Plain SQL, read on every uncached request: no ORM query to compile.
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT version, changed FROM {ContentVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return Version(0, datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    return Version(*row)


def content_saved(sender, raw=False, action="post", **kwargs):
    """post_save, post_delete and m2m_changed (once per change: its post_* action)."""
    if sender._meta.app_label in CONTENT_APPS and not raw and action.startswith("post"):
        if (batch := _batch.get()) is not None:
            batch["changed"] = True
        else:
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
        content_changed()
