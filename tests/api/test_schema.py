"""The OpenAPI schema is valid, and every endpoint keeps to it (schemathesis)."""

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig

from config.wsgi import application

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "/api/v1/publications/{slug}/" in (tmp_path / "s.yaml").read_text()


def test_schema_declares_what_the_server_refuses(client):
    """An empty query parameter and control characters are refused (400): the schema says
    so, rather than promising them and leaving schemathesis to find the 400."""
    paths = client.get("/api/schema/?format=json").json()["paths"]
    parameters = [p for ops in paths.values() for op in ops.values() for p in op["parameters"]]
    assert parameters
    for parameter in parameters:
        schema = parameter["schema"]
        # Accept-Language, a header, takes any value (English for one the site lacks).
        if schema["type"] == "string" and "enum" not in schema and parameter["in"] != "header":
            assert "\\x00-\\x1f" in schema["pattern"], parameter
            if parameter["in"] == "query":
                assert schema["minLength"] == 1, parameter
        if schema["type"] == "array":
            assert schema["minItems"] == 1, parameter


def test_docs_are_served_from_our_own_static_files(client):
    for path in ("/api/docs/", "/api/redoc/"):
        html = client.get(path).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "https://" not in html and "http://" not in html


# Loaded when the module is collected: schemathesis's fixture-based loader does not work with
# pytest 9. Building the schema reads no rows, so it needs no database.
# A request the schema forbids must be refused; schemathesis's own list of refusals, plus the
# 414 that BadAddressMiddleware gives an address longer than the server reads (generated
# junk in a repeated parameter can be that long).
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429"]
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [*REFUSALS, "5xx"]}}}
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


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
    # Every check, positive data acceptance included: what the schema allows is answered
    # (a slug no record has is a 404), and what it forbids is refused. The WSGI test
    # transport does not undo gzip, as every HTTP client does.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
