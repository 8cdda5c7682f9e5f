"""The site's content versions: one for the whole site, and one per part of it (a scope:
"researcher:ann", "publication:spectral-bias", "publications", ...), read to key the page
cache (core/cache.py) and to answer conditional requests.

CoreConfig.ready connects ``content_saved`` to every model of the content apps. Each model's
scopes come from a resolver the project registers (``register_scopes``; scholarfolio.scopes
holds the rules): a paper names its own page, its authors' pages and the lists it appears
in. A model with no resolver bumps ``ALL``, which every page's key holds, so a forgotten
rule costs speed, never a stale page. Bulk writes (``QuerySet.update``, ``bulk_create``)
send no signals, so code making them calls ``content_changed()`` itself, with the scopes it
touched or with none (then ``ALL``).

Reading the versions from the database costs a cached page a round trip, most of what a
hit costs. So each process keeps a copy, told of every change by PostgreSQL: a change sends
``NOTIFY`` with the scopes it bumped, which PostgreSQL delivers when (and only if) the
change commits, and a thread per process ``LISTEN``s and re-reads them. The process that
made the change updates its copy when it commits; the others within the notification's
delivery, a millisecond or so on one machine. While the listener is not connected
(starting, or the database restarting) requests read the database as before; if that fails
too, the database is down and nothing can change, so the last versions known still key the
right pages. Every ``LISTEN_CHECK_SECONDS`` the listener re-reads the site's version, and
everything if it moved unseen, which bounds what a silently lost connection could miss.
With a read replica, pages must be keyed by what the replica has (notifications do not
reach a standby), so the versions are read from it every time.

What depends on the date alone (a talk becomes past, a position ends) changes once a day:
the first process to see a new day runs the registered day rules (``register_day_rule``),
which bump the scopes of what crossed the line, and nothing else.
"""

import copy
import datetime
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, connections, router, transaction
from django.utils import timezone

from core.models import ContentScope, ContentVersion

logger = logging.getLogger(__name__)
CONTENT_APPS = frozenset({"profiles", "publications", "events", "cv"})
ALL = "all"
SITE = "site"  # bumped by every change: the scope of a page with no rule of its own
CHANNEL = "scholarfolio_content_version"
# PostgreSQL refuses a payload of 8,000 bytes or more; a longer list is sent as "*".
MAX_PAYLOAD = 7000
LISTEN_CHECK_SECONDS = 10
LISTENER_NAME = "scholarfolio content version"
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
VERSIONS = ContentVersion._meta.db_table
SCOPES = ContentScope._meta.db_table
# Plain SQL, read often: no ORM query to compile.
VERSION_SQL = f"SELECT version, changed, day FROM {VERSIONS} WHERE id = 1"
SCOPES_SQL = f"SELECT name, version, changed FROM {SCOPES} WHERE name = ANY(%s)"
ALL_SCOPES_SQL = f"SELECT name, version, changed FROM {SCOPES}"
_batch = ContextVar("content_change_batch", default=None)

Resolver = Callable[[list], Iterable[str]]
_resolvers: dict[type, tuple[Resolver, tuple[str, ...]]] = {}
_day_rules: list[Callable[[datetime.date, datetime.date], Iterable[str]]] = []


@dataclass(frozen=True)
class Version:
    number: int
    changed: datetime.datetime


@dataclass
class Batch:
    changed: bool = False
    scopes: set = field(default_factory=set)
    touched: list = field(default_factory=list)


def register_scopes(model, resolver: Resolver, tracked: Iterable[str] = ()) -> None:
    """``resolver(rows)`` names the scopes showing any of ``rows`` (saved, deleted, or as
    they were before a save): one call per change, or per model for a whole batch, so it
    should read related rows in bulk. ``tracked``: the fields (attnames) whose old values
    name other scopes, such as a slug or a foreign key; they are read before an update."""
    _resolvers[model] = (resolver, tuple(tracked))


def register_day_rule(rule: Callable[[datetime.date, datetime.date], Iterable[str]]) -> None:
    """``rule(since, until)`` names the scopes of what changes by the date alone on the
    days from ``since`` (the last day run) to ``until`` (today), the first excluded."""
    _day_rules.append(rule)


def content_changed(scopes: Iterable[str] = (ALL,)) -> None:
    """Count one change to ``scopes`` (every page: ``ALL``): now, or inside
    ``one_content_change`` at the block's end. Inside a transaction it lands (or not) with
    the change."""
    if (batch := _batch.get()) is not None:
        batch.changed = True
        batch.scopes.update(scopes)
    else:
        _bump(set(scopes))


def _bump(scopes: set[str]) -> None:
    with connection.cursor() as cursor:
        # Upserts: the site's row exists after migrate, but a test database flush empties it.
        cursor.execute(
            f"INSERT INTO {VERSIONS} (id, version, changed, day) "
            "VALUES (1, 1, clock_timestamp(), %s) "
            f"ON CONFLICT (id) DO UPDATE SET version = {VERSIONS}.version + 1, "
            "changed = clock_timestamp()",
            [timezone.localdate()],
        )
        names = sorted(scopes | {SITE})
        cursor.execute(
            f"INSERT INTO {SCOPES} (name, version, changed) "
            "SELECT unnest(%s::text[]), 1, clock_timestamp() "
            f"ON CONFLICT (name) DO UPDATE SET version = {SCOPES}.version + 1, "
            "changed = clock_timestamp()",
            [names],
        )
        payload = ",".join(names)
        cursor.execute(
            "SELECT pg_notify(%s, %s)", [CHANNEL, payload if len(payload) < MAX_PAYLOAD else "*"]
        )
    if settings.CONTENT_VERSION_LISTEN:
        transaction.on_commit(lambda: listener.refresh(names))


@dataclass(frozen=True)
class PageState:
    """The versions of a page's scopes: ``key`` for its cache key, ``version`` for its
    ETag (the sum grows with every bump of any of them) and Last-Modified, ``numbers`` and
    ``changes`` each scope's version and when it was last bumped."""

    key: str
    version: Version
    numbers: tuple[int, ...] = ()
    changes: tuple[datetime.datetime, ...] = ()


def page_state(names: tuple[str, ...]) -> PageState:
    rows = scope_versions(names)
    numbers = tuple(rows.get(name, (0, EPOCH))[0] for name in names)
    changes = tuple(rows.get(name, (0, EPOCH))[1] for name in names)
    version = Version(sum(numbers), max(changes, default=EPOCH))
    return PageState(".".join(map(str, numbers)), version, numbers, changes)


def scope_versions(names: Iterable[str]) -> dict[str, tuple[int, datetime.datetime]]:
    names = list(names)
    if settings.CONTENT_VERSION_LISTEN:
        if (state := listener.scopes_of(names)) is not None:
            return state
        try:
            return read_scopes("default", names)
        except DatabaseError:
            if listener.known is None:
                raise
            # The database is down, so nothing can change: pages cached at the last
            # versions known are still right, and are served until it is back.
            return listener.known_scopes(names)
    alias = router.db_for_read(ContentVersion)
    state, day = read_scopes_and_day(alias, names)
    if is_past(day):
        roll_day()
        state, _ = read_scopes_and_day(alias, names)
    return state


def current_version() -> Version:
    """The site's version: any change bumps it."""
    if not settings.CONTENT_VERSION_LISTEN:
        return read_version(router.db_for_read(ContentVersion))
    if (version := listener.current()) is not None:
        return version
    try:
        return read_version("default")
    except DatabaseError:
        if listener.known is None:
            raise
        return listener.known


def is_past(day: datetime.date | None) -> bool:
    """The day last run is over. A database without it (new, or a test's, emptied) has
    nothing cached from before: it gets its day with its first change."""
    return day is not None and day < timezone.localdate()


def roll_day() -> None:
    """Runs the day rules once for the days since the last run, whichever process is first:
    the row lock makes the others wait and then find the day done."""
    today = timezone.localdate()
    with transaction.atomic(using="default"), connections["default"].cursor() as cursor:
        cursor.execute(f"SELECT day FROM {VERSIONS} WHERE id = 1 FOR UPDATE")
        row = cursor.fetchone()
        if row is not None and row[0] is not None and row[0] >= today:
            return
        cursor.execute(
            f"INSERT INTO {VERSIONS} (id, version, changed, day) "
            "VALUES (1, 0, clock_timestamp(), %s) "
            f"ON CONFLICT (id) DO UPDATE SET day = EXCLUDED.day",
            [today],
        )
        if row is None or row[0] is None:
            return  # a new database: nothing cached can predate it
        scopes = set()
        for rule in _day_rules:
            scopes.update(rule(row[0], today))
        if scopes:
            content_changed(scopes)


class VersionListener:
    """This process's copy of the content versions, kept by a LISTENing thread."""

    def __init__(self):
        self.version: Version | None = None  # None while not listening
        self.known: Version | None = None  # the last version seen, kept while not listening
        self.scopes: dict[str, tuple[int, datetime.datetime]] = {}
        self.day: datetime.date | None = None
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def current(self) -> Version | None:
        if self.pid != os.getpid():  # first use, or a worker forked from a process that used it
            self.start()
        return self.version

    def scopes_of(self, names: list[str]) -> dict | None:
        if self.current() is None:
            return None
        return self.known_scopes(names)

    def known_scopes(self, names: list[str]) -> dict:
        scopes = self.scopes
        return {name: scopes[name] for name in names if name in scopes}

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

    def refresh(self, names: list[str]) -> None:
        if self.version is not None:
            self.update(read_version("default"), read_scopes("default", names))

    def update(self, version: Version, scopes: dict) -> None:
        # Readers in two threads may finish out of order; the numbers only grow.
        with self.lock:
            merged = dict(self.scopes)
            for name, row in scopes.items():
                if name not in merged or row[0] >= merged[name][0]:
                    merged[name] = row
            self.scopes = merged  # replaced whole: readers never see it half-updated
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
                    self.load(conn)
                    if failing_since is not None:
                        logger.info(
                            "Content version listener back after %.0f s.",
                            time.monotonic() - failing_since,
                        )
                        failing_since = None
                    while not self.stopping.is_set():
                        self.follow(conn)
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

    def load(self, conn) -> None:
        version, day = read_from(conn)
        scopes = {name: (number, changed) for name, number, changed in conn.execute(ALL_SCOPES_SQL)}
        with self.lock:
            self.scopes = scopes
            self.version = self.known = version
        self.check_day(day)

    def follow(self, conn) -> None:
        """Waits for a notification (or the check's interval) and reads what it names."""
        names: set[str] = set()
        for notify in conn.notifies(timeout=LISTEN_CHECK_SECONDS, stop_after=1):
            names.update(notify.payload.split(",") if notify.payload else ())
        version, day = read_from(conn)
        if "*" in names or (not names and version.number != self.version.number):
            self.load(conn)  # too many to name, or a change missed
            return
        rows = conn.execute(SCOPES_SQL, [sorted(names)]).fetchall() if names else []
        self.update(version, {name: (number, changed) for name, number, changed in rows})
        self.check_day(day)

    def check_day(self, day: datetime.date | None) -> None:
        if is_past(day):
            roll_day()  # its bump reaches this thread as a notification
            connections["default"].close()  # this thread's own, opened for the roll


def read_from(conn) -> tuple[Version, datetime.date | None]:
    return to_version(conn.execute(VERSION_SQL).fetchone())


def to_version(row) -> tuple[Version, datetime.date | None]:
    if row is None:
        return Version(0, EPOCH), None
    return Version(row[0], row[1]), row[2]


listener = VersionListener()


def read_version(alias: str) -> Version:
    with connections[alias].cursor() as cursor:
        cursor.execute(VERSION_SQL)
        return to_version(cursor.fetchone())[0]


def read_scopes(alias: str, names: list[str]) -> dict:
    with connections[alias].cursor() as cursor:
        cursor.execute(SCOPES_SQL, [list(names)])
        return {name: (number, changed) for name, number, changed in cursor.fetchall()}


def read_scopes_and_day(alias: str, names: list[str]) -> tuple[dict, datetime.date | None]:
    """The scopes and the day last run, in one round trip."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT name, version, changed, NULL FROM {SCOPES} WHERE name = ANY(%s) "
            f"UNION ALL SELECT NULL, version, changed, day FROM {VERSIONS} WHERE id = 1",
            [list(names)],
        )
        rows = cursor.fetchall()
    day = next((row[3] for row in rows if row[0] is None), None)
    return {row[0]: (row[1], row[2]) for row in rows if row[0] is not None}, day


def remember_state(sender, instance, raw=False, **kwargs):
    """pre_save: for an update, the row as stored, whose tracked fields may name scopes the
    new values no longer do (the old slug, the paper an authorship left)."""
    entry = _resolvers.get(sender)
    if raw or entry is None or not entry[1] or instance._state.adding or instance.pk is None:
        return
    stored = sender._base_manager.filter(pk=instance.pk).values(*entry[1]).first()
    if stored is not None and any(getattr(instance, k) != v for k, v in stored.items()):
        before = copy.copy(instance)
        before._state.fields_cache = {}
        before._scopes_previous = True
        for name, value in stored.items():
            setattr(before, name, value)
        instance._scopes_before = before


def content_saved(sender, instance=None, raw=False, action=None, **kwargs):
    """post_save, post_delete and m2m_changed (before a removal and after an addition, so
    that both the rows leaving a relation and those joining it are named)."""
    if sender._meta.app_label not in CONTENT_APPS or raw:
        return
    if action is not None and action not in M2M_ACTIONS:
        return
    rows = [instance]
    if (before := instance.__dict__.pop("_scopes_before", None)) is not None:
        rows.append(before)
    # Resolved now, before the rows are removed, even inside a batch.
    with one_content_change() if action in ("pre_remove", "pre_clear") else nullcontext():
        touched(type(instance), rows)
        if kwargs.get("pk_set"):
            model = kwargs["model"]
            touched(model, list(model._base_manager.filter(pk__in=kwargs["pk_set"])))


M2M_ACTIONS = frozenset({"pre_remove", "pre_clear", "post_add", "post_remove", "post_clear"})


def touched(model, rows: list) -> None:
    if (batch := _batch.get()) is not None:
        batch.changed = True
        batch.touched.append((model, rows))
    else:
        _bump(resolve(model, rows))


def resolve(model, rows: list) -> set[str]:
    entry = _resolvers.get(model)
    return set(entry[0](rows)) if entry is not None else {ALL}


@contextmanager
def one_content_change():
    """For bulk work inside a transaction: one bump when the block succeeds and changed
    anything, instead of one per saved row; the rows' scopes are resolved together, one
    resolver call per model."""
    batch = Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    if batch.changed:
        by_model: dict[type, list] = {}
        for model, rows in batch.touched:
            by_model.setdefault(model, []).extend(rows)
        for model, rows in by_model.items():
            batch.scopes |= resolve(model, rows)
        content_changed(batch.scopes)  # the enclosing block's, if one is open
