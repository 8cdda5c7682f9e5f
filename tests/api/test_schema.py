"""The OpenAPI schema is valid, and every endpoint keeps to it (schemathesis)."""

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "/api/v1/publications/{slug}/" in (tmp_path / "s.yaml").read_text()


def test_docs_are_served_from_our_own_static_files(client):
    for path in ("/api/docs/", "/api/redoc/"):
        html = client.get(path).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "https://" not in html and "http://" not in html


# Loaded when the module is collected: schemathesis's fixture-based loader does not work with
# pytest 9. Building the schema reads no rows, so it needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def wsgi_keeps_test_connection():
    """As Django's test client does: a request must not close the connection that holds
    the test's transaction."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_endpoint_keeps_to_the_schema(demo, wsgi_keeps_test_connection, case):
    # The WSGI test transport does not undo gzip, as every HTTP client does. A value the
    # schema allows can still be a 400, as documented: a slug no record has, or year_min
    # after year_max. So "schema-valid means accepted" cannot hold, and is not checked.
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance]
    )
