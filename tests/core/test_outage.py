"""Pages while PostgreSQL is down: a 503 for what the cache does not hold, and one log line
per outage, not a traceback per request."""

import logging
import socket

import psycopg
import pytest
from django.db import connection, connections

from core import outage

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down(monkeypatch, closed_port):
    """Every use of the connection fails as when the server is stopped: the error is a real
    refused connection to a closed port on this machine, wrapped as Django wraps it."""

    def refused():
        with connection.wrap_database_errors:
            psycopg.connect(host="127.0.0.1", port=closed_port, connect_timeout=2)

    monkeypatch.setattr(connection, "ensure_connection", refused)
    yield
    monkeypatch.undo()


@pytest.fixture(autouse=True)
def database_up_again():
    yield
    outage.database_answered()


@pytest.fixture
def anonymous(client):
    client.raise_request_exception = False  # as a server would: answer, do not raise
    return client


def outage_lines(caplog):
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "cache_seconds",
    [600, 0],
    ids=["version read by the cache fails", "the view's query fails"],
)
def test_an_uncached_page_answers_503_and_logs_once(
    anonymous, settings, caplog, database_down, cache_seconds
):
    settings.PAGE_CACHE_SECONDS = cache_seconds
    caplog.set_level(logging.INFO)

    responses = [anonymous.get(path) for path in ["/publications/", "/people/", "/", "/talks/"]]

    assert [r.status_code for r in responses] == [503] * 4
    assert responses[0]["Retry-After"] == "30"
    assert responses[0]["Cache-Control"] == "no-store"
    assert b"temporarily unavailable" in responses[0].content
    (line,) = outage_lines(caplog)
    assert line.name == "core.outage"
    assert line.levelname == "WARNING"
    assert "database unavailable" in line.getMessage()
    assert "Connection refused" in line.getMessage()
    assert line.exc_info is None
    assert not [r for r in caplog.records if r.exc_info]


def test_the_api_answers_503_in_its_json_error_format(anonymous, database_down):
    response = anonymous.get("/api/v1/publications/")

    assert response.status_code == 503
    assert response.json() == {
        "status": 503,
        "detail": "The database is temporarily unavailable; try again shortly.",
    }


def test_a_new_outage_is_logged_again_once_the_database_answered(
    anonymous, caplog, monkeypatch, closed_port
):
    caplog.set_level(logging.INFO)

    def fail():
        with connection.wrap_database_errors:
            psycopg.connect(host="127.0.0.1", port=closed_port, connect_timeout=2)

    monkeypatch.setattr(connection, "ensure_connection", fail)
    anonymous.get("/publications/")
    anonymous.get("/publications/")
    monkeypatch.undo()

    fresh = connections.create_connection("default")  # the server accepts connections again
    fresh.ensure_connection()
    fresh.close()
    assert anonymous.get("/publications/").status_code == 200

    monkeypatch.setattr(connection, "ensure_connection", fail)
    anonymous.get("/publications/")
    anonymous.get("/publications/")

    messages = [r.getMessage() for r in caplog.records if r.name == "core.outage"]
    assert [m.split(" ")[:2] for m in messages] == [
        ["database", "unavailable"],
        ["database", "back"],
        ["database", "unavailable"],
    ]
    assert "2 requests answered 503" in messages[1]


def test_other_database_errors_are_still_500s_with_their_traceback(anonymous, caplog, monkeypatch):
    def bug():
        with connection.wrap_database_errors:
            raise psycopg.ProgrammingError("no such column")

    monkeypatch.setattr(connection, "ensure_connection", bug)
    response = anonymous.get("/publications/")

    assert response.status_code == 500
    (error,) = [r for r in caplog.records if r.exc_info]
    assert error.name == "django.request"
    assert not [r for r in caplog.records if r.name == "core.outage"]


def test_readiness_probes_log_the_outage_once_too(anonymous, caplog, database_down):
    responses = [anonymous.get("/readyz") for _ in range(3)]

    assert [r.status_code for r in responses] == [503] * 3
    assert [r.name for r in outage_lines(caplog)] == ["core.outage"]
