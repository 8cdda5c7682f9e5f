import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Throttle counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def get(client):
    """GET an API path; ``accept`` sets the Accept header."""

    def _get(path, accept=None, **headers):
        if accept:
            headers["HTTP_ACCEPT"] = accept
        return client.get(path, **headers)

    return _get
