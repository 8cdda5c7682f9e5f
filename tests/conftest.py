import fcntl
import json
from contextlib import contextmanager

import pytest
from pytest_django.plugin import blocking_manager_key

DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(item.fixturenames))


def shares_the_demo(item) -> bool:
    return "demo" in item.fixturenames and not transactional(item)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark what uses a database (the second CI pass runs only that), and run each module's
    tests that share the demo first, so that it is loaded once for them."""
    for item in items:
        if item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.database)
    modules = {}
    for item in items:
        modules.setdefault(item.path, []).append(item)
    items[:] = [
        item
        for module in modules.values()
        for item in sorted(module, key=lambda item: not shares_the_demo(item))
    ]


class TestDatabases:
    """The test databases migrated once for the run and cloned for each process (xdist
    worker), instead of migrated by each; the demo likewise loaded once, into a database of
    its own cloned from them. PostgreSQL copies a database (CREATE DATABASE ... TEMPLATE) in
    about a second, where migrating takes many and loading the demo several more. The
    templates are made by whichever process asks first, under a lock in the run's temporary
    directory, and dropped at the run's end by the process that started it."""

    def __init__(self):
        self.folder = None
        self.worker = None
        self.blocker = None
        self.aliases = []
        self.demo_name = None
        self.own = []

    def setup(self, config, folder, blocker, keepdb, aliases, serialized_aliases):
        from django.db import connections
        from django.test.utils import setup_databases

        self.folder, self.blocker = folder, blocker
        self.worker = getattr(config, "workerinput", {}).get("workerid", "main")
        self.aliases = sorted(aliases)
        with blocker.unblock(), self.lock():
            made = self.folder / "templates.json"
            if not made.exists():
                setup_databases(
                    verbosity=0,
                    interactive=False,
                    aliases=aliases,
                    serialized_aliases=serialized_aliases,
                    keepdb=keepdb,
                )
                templates = {alias: connections[alias].settings_dict["NAME"] for alias in aliases}
                made.write_text(json.dumps({"keep": keepdb, "names": templates}))
            for alias, name in json.loads(made.read_text())["names"].items():
                connections[alias].close()
                connections[alias].settings_dict["NAME"] = name
                self.clone(alias)
            for alias in serialized_aliases:
                creation = connections[alias].creation
                connections[alias]._test_serialized_contents = creation.serialize_db_to_string()

    def clone(self, alias):
        from django.db import connections

        creation = connections[alias].creation
        creation.clone_test_db(suffix=self.worker, verbosity=0)
        self.own.append(creation.get_test_db_clone_settings(self.worker)["NAME"])
        self.point(alias, self.own[-1])

    def point(self, alias, name):
        """Send ``alias`` and the aliases mirroring it to database ``name``."""
        from django.db import connections

        for each in connections:
            mirror = connections[each].settings_dict.get("TEST", {}).get("MIRROR")
            if each == alias or mirror == alias:
                connections[each].close()
                connections[each].settings_dict["NAME"] = name

    @contextmanager
    def lock(self):
        with open(self.folder / "templates.lock", "w") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            yield

    def demo(self):
        """The name of this process's copy of the demo, made on first use."""
        from django.core.management import call_command
        from django.db import DEFAULT_DB_ALIAS, connections

        if self.demo_name:
            return self.demo_name
        connection = connections[DEFAULT_DB_ALIAS]
        own = connection.settings_dict["NAME"]
        with self.blocker.unblock(), self.lock():
            made = self.folder / "demo.json"
            templates = json.loads((self.folder / "templates.json").read_text())["names"]
            demo_template = f"{templates[DEFAULT_DB_ALIAS]}_demo"
            if not made.exists():
                self.point(DEFAULT_DB_ALIAS, templates[DEFAULT_DB_ALIAS])
                connection.creation.clone_test_db(suffix="demo", verbosity=0)
                self.point(DEFAULT_DB_ALIAS, demo_template)
                call_command("loaddemo", verbosity=0)
                made.write_text(json.dumps({"name": demo_template}))
            self.point(DEFAULT_DB_ALIAS, demo_template)
            connection.creation.clone_test_db(suffix=self.worker, verbosity=0)
            self.demo_name = f"{demo_template}_{self.worker}"
            self.own.append(self.demo_name)
            self.point(DEFAULT_DB_ALIAS, own)
        return self.demo_name

    def teardown(self, keepdb):
        from django.db import DEFAULT_DB_ALIAS, connections

        with self.blocker.unblock():
            for alias in self.aliases:
                connections[alias].close()
            if not keepdb:
                for name in self.own:
                    drop_database(connections[DEFAULT_DB_ALIAS], name)


def drop_database(connection, name):
    # FORCE: a connection some test left open (a version listener's, a thread's) would
    # otherwise keep the database, and fail the run at its very end.
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


test_databases = TestDatabases()


@pytest.fixture(scope="session")
def django_db_modify_db_settings_xdist_suffix():
    """Every worker names the same test databases: they are the templates it clones."""


@pytest.fixture(scope="session")
def django_db_setup(
    request, tmp_path_factory, django_test_environment, django_db_blocker, django_db_keepdb
):
    from pytest_django.fixtures import _get_databases_for_setup, _set_suffix_to_test_databases

    keepdb = django_db_keepdb and not request.config.getvalue("create_db")
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    # An xdist worker's temporary directory is inside the controller's, which they share.
    folder = tmp_path_factory.getbasetemp()
    if hasattr(request.config, "workerinput"):
        folder = folder.parent
    if not keepdb:
        # Names of the run's own (its folder is numbered per run): runs at once on one
        # server, from two checkouts or one, would clone and drop each other's templates.
        _set_suffix_to_test_databases(folder.name.replace("-", "_"))
    test_databases.setup(
        request.config, folder, django_db_blocker, keepdb, aliases, serialized_aliases
    )
    yield
    test_databases.teardown(keepdb)


def pytest_sessionfinish(session):
    """The process that started the run (the only one, or xdist's controller) drops the
    templates its workers made."""
    if hasattr(session.config, "workerinput"):
        return
    folder = session.config._tmp_path_factory.getbasetemp()
    made = folder / "templates.json"
    if not made.exists():
        return
    from django.db import connections

    templates = json.loads(made.read_text())
    if templates["keep"]:
        return
    names = list(templates["names"].items())
    if (folder / "demo.json").exists():
        names.append(("default", json.loads((folder / "demo.json").read_text())["name"]))
    with session.config.stash[blocking_manager_key].unblock():
        for alias, name in names:
            drop_database(connections[alias], name)


class SharedDemo:
    """The demo for a module's tests that share it: the default connection sent to this
    process's copy of the demo database (TestDatabases.demo) for them, and back after.
    Each test runs in a transaction rolled back at its end, as on the empty database, so
    every test starts from the demo as loaded."""

    def __init__(self):
        self.open_on = None
        self.wanted = False

    def open(self):
        from django.db import DEFAULT_DB_ALIAS, connections

        self.open_on = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        with test_databases.blocker.unblock():
            test_databases.point(DEFAULT_DB_ALIAS, test_databases.demo())

    def close(self):
        if self.open_on is None:
            return
        from django.db import DEFAULT_DB_ALIAS

        with test_databases.blocker.unblock():
            test_databases.point(DEFAULT_DB_ALIAS, self.open_on)
        self.open_on = None


shared_demo = SharedDemo()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before any fixture: a test that does not share the demo must not run on its database.
    shared_demo.wanted = shares_the_demo(item)
    if not shared_demo.wanted:
        shared_demo.close()


@pytest.fixture(scope="module")
def _module_demo(django_db_setup):
    # Module-scoped, so set up before any test's own transaction is opened.
    if shared_demo.wanted:
        shared_demo.open()
    yield
    shared_demo.close()


@pytest.fixture
def demo(_module_demo, db):
    """The full demo site, loaded the way `manage.py loaddemo` loads it: loaded once for the
    run and copied for the tests that share it, by each transactional test for itself."""
    if shared_demo.open_on is None:
        from django.core.management import call_command

        call_command("loaddemo", verbosity=0)


@contextmanager
def kept_rows(blocker):
    """A transaction for rows that tests share, rolled back when the block ends; yields
    what a fixture writes them under (see module_rows)."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import translation

    with blocker.unblock():
        atomic = transaction.atomic()
        # As TestCase's own: a durable block inside a test stays allowed.
        atomic._from_testcase = True
        atomic.__enter__()
    translation.activate(settings.LANGUAGE_CODE)
    try:
        yield blocker.unblock
    finally:
        with blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_rows(django_db_setup, django_db_blocker):
    """For rows that many tests only read, made once rather than by each test, as Django's
    TestCase.setUpTestData makes them: a transaction opened for a module's tests and rolled
    back after the last of them; each test runs inside it, in the savepoint its ``db``
    fixture opens and rolls back. A module-scoped fixture makes the rows
    ``with module_rows():``, and a test's own fixture hands out deep copies
    (``copy.deepcopy``), so that no test sees another's changes to them. The module's
    tests that run after the first to ask for them see the rows too: for a module whose
    tests are about those rows (else class_rows). Not for transactional tests, which
    commit, nor beside the shared demo, which moves the connection to another database."""
    with kept_rows(django_db_blocker) as writing:
        yield writing


@pytest.fixture(scope="class")
def class_rows(django_db_setup, django_db_blocker):
    """module_rows for the tests of one class (pytest gives a test outside a class a class
    scope of its own). A parametrized fixture opens kept_rows itself, one per parameter."""
    with kept_rows(django_db_blocker) as writing:
        yield writing


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Each test starts in English: the language a request to a Chinese page activates stays
    active in the test's thread after it, where factories would write Chinese fields."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test database reuses content
    version numbers, which key the cached pages (and what addresses resolve to is found
    again, under the test's settings)."""
    from django.core.cache import caches

    for alias in ("default", "pages", "pages-local", "page-routes"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Outside sources are tested with recorded answers; a real request fails the test."""
    import httpx

    def refuse(self, request):
        raise AssertionError(f"a test tried the network: {request.url}")

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)


@pytest.fixture(autouse=True)
def version_from_the_database(settings):
    """A test's changes never commit, so PostgreSQL never notifies them: read the content
    version from the database, as every process does until its listener connects.
    tests/core/test_version_listener.py tests the listener with committed changes."""
    settings.CONTENT_VERSION_LISTEN = False


@pytest.fixture
def member_client(client, django_user_model):
    """A client signed in as a member: staff in the admin, scoped to their own records."""
    from tests.factories import ResearcherFactory

    member = django_user_model.objects.create_user(username="member", password="x")
    ResearcherFactory(is_member=True, user=member)
    client.force_login(member)
    return client


@pytest.fixture(autouse=True)
def no_outage_left_over():
    """The outage state is per process (core.outage): a test that saw the database fail
    must not leave the next one in the middle of an outage, with its warning already spent."""
    from core.outage import database_answered

    yield
    database_answered()
