import pytest


@pytest.fixture
def demo(db):
    """The full demo site, loaded the way `manage.py loaddemo` loads it."""
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test database reuses content
    version numbers, which key the cached pages."""
    from django.core.cache import cache

    cache.clear()


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
