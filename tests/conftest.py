import pytest

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


class SharedDemo:
    """The demo loaded once for a module's tests, in an outer transaction as Django's
    setUpTestData does for a class: each test's own transaction is a savepoint inside it,
    so a test's changes are still rolled back before the next one."""

    def __init__(self):
        self.atomic = None
        self.blocker = None
        self.wanted = False

    def open(self, blocker):
        from django.core.management import call_command
        from django.db import transaction

        self.blocker = blocker
        with blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            call_command("loaddemo", verbosity=0)

    def close(self):
        if self.atomic is None:
            return
        from django.db import transaction

        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = None


shared_demo = SharedDemo()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before any fixture: a test that does not share the demo must not run inside it.
    shared_demo.wanted = shares_the_demo(item)
    if not shared_demo.wanted:
        shared_demo.close()


@pytest.fixture(scope="module")
def _module_demo(django_db_setup, django_db_blocker):
    # Module-scoped, so set up before any test's own transaction is opened.
    if shared_demo.wanted:
        shared_demo.open(django_db_blocker)
    yield
    shared_demo.close()


@pytest.fixture
def demo(_module_demo, db):
    """The full demo site, loaded the way `manage.py loaddemo` loads it: once per module for
    the tests that share it, by each transactional test for itself."""
    if shared_demo.atomic is None:
        from django.core.management import call_command

        call_command("loaddemo", verbosity=0)


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
