"""The site's content version: bumped on every change, read to answer conditional requests.

CoreConfig.ready connects ``content_saved`` to every model of the content apps. Bulk writes
(``QuerySet.update``, ``bulk_create``) send no signals, so code making them calls
``content_changed()`` itself.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, connections, router

from core.models import ContentVersion

CONTENT_APPS = frozenset({"profiles", "publications", "events"})


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


def current_version() -> Version:
    # Read on every public request, cached or not: plain SQL, no ORM query to compile, from
    # the database the router reads this request from (the replica, for public reads).
    with connections[router.db_for_read(ContentVersion)].cursor() as cursor:
        cursor.execute(f"SELECT version, changed FROM {ContentVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return Version(0, datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    return Version(*row)


def content_saved(sender, raw=False, action="post", **kwargs):
    """post_save, post_delete and m2m_changed (once per change: its post_* action)."""
    if sender._meta.app_label in CONTENT_APPS and not raw and action.startswith("post"):
        content_changed()
