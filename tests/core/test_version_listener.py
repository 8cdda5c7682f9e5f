"""Each process's copy of the content version, kept by LISTEN/NOTIFY: exact after committed
changes made by any process, and read from the database while the listener is away."""

import time

import psycopg
import pytest
from django.db import OperationalError, connection, connections

from core import changes
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def listener(settings):
    """A fresh listener for this test, its thread live before the test goes on."""
    settings.CONTENT_VERSION_LISTEN = True
    fresh = changes.VersionListener()
    original, changes.listener = changes.listener, fresh
    changes.content_changed()  # the version row, which the test database starts without
    assert_soon(lambda: fresh.current() is not None)
    yield fresh
    fresh.stop()
    changes.listener = original


def assert_soon(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.01)


def another_process_changes_content():
    """What content_changed does, on a connection of its own, as another worker would."""
    params = connections["default"].get_connection_params()
    with psycopg.connect(**params) as conn:  # commits on leaving the block
        conn.execute(
            "UPDATE core_contentversion SET version = version + 1, changed = clock_timestamp()"
        )
        conn.execute(f"NOTIFY {changes.CHANNEL}")
    return changes.read_version("default").number


def test_a_change_committed_elsewhere_reaches_this_process(listener):
    number = another_process_changes_content()

    assert_soon(lambda: changes.current_version().number == number)


def test_this_process_sees_its_own_change_when_it_commits(listener):
    before = changes.current_version().number
    f.ResearcherFactory(full_name="Alice Moon")  # its own transaction, committed

    assert changes.current_version().number > before  # no waiting for the notification


def test_a_cached_page_costs_no_query_while_listening(client, listener, django_assert_num_queries):
    alice = f.ResearcherFactory(full_name="Alice Moon", is_member=True)
    url = f"/people/{alice.slug}/"
    client.get(url)

    with django_assert_num_queries(0):
        assert "Alice Moon" in client.get(url).content.decode()

    alice.headline = "Moved to Paris"
    alice.save()
    assert "Moved to Paris" in client.get(url).content.decode()


def test_a_lost_listener_means_database_reads_until_it_is_back(listener):
    with connection.cursor() as cursor:
        cursor.execute(
            # This database's listener only: another xdist worker's shares the server.
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database()",
            [changes.LISTENER_NAME],
        )
    assert_soon(lambda: listener.version is None)
    # Meanwhile, a change made elsewhere is read from the database.
    number = another_process_changes_content()
    assert changes.current_version().number == number

    assert_soon(lambda: listener.version is not None)
    assert listener.version.number == number


def test_cached_pages_outlive_the_database_going_away(client, listener, monkeypatch):
    alice = f.ResearcherFactory(full_name="Alice Moon", is_member=True)
    url = f"/people/{alice.slug}/"
    client.get(url)
    known = changes.current_version()
    listener.version = None  # as when the listener's connection is lost

    def down(alias):
        raise OperationalError("connection refused")

    monkeypatch.setattr(changes, "read_version", down)

    assert changes.current_version() == known
    assert "Alice Moon" in client.get(url).content.decode()


def test_a_database_outage_is_logged_once_by_the_listener(listener, monkeypatch, caplog):
    attempts = []

    def refused(**params):
        attempts.append(params)
        raise psycopg.OperationalError("connection refused\nIs the server running?")

    monkeypatch.setattr(changes.psycopg, "connect", refused)
    with caplog.at_level("INFO", logger=changes.logger.name):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s AND datname = current_database()",
                [changes.LISTENER_NAME],
            )
        assert_soon(lambda: len(attempts) >= 3, seconds=10)
        # The lost connection is the outage's one line; the refusals after it add none.
        warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
        assert len(warnings) == 1, warnings
        assert "server closed the connection" in warnings[0] and "\n" not in warnings[0]

        monkeypatch.undo()
        # The version read before the outage stays known: wait for the reconnection itself.
        assert_soon(
            lambda: any("listener back after" in r.getMessage() for r in caplog.records),
            seconds=10,
        )
        assert listener.version is not None
