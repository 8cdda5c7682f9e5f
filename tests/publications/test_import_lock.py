"""Two imports at once: one runs, the other waits (commands) or is told plainly (admin).

Each test commits for real (transactional_db) and holds the import lock from a second
connection, as another process's import would; every wait is bounded."""

import threading

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from publications.bibtex_reader import read_bibtex
from publications.importer import IMPORT_LOCK, WAITING, Importer
from publications.models import Publication
from tests.publications.test_import import AWKWARD, IMPORT_URL

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_import():
    """A second connection holding the import lock in an open transaction; ``release()``."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    other = psycopg.connect(**params)
    other.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
    yield other
    other.close()


def test_a_second_command_waits_for_the_first_then_imports(other_import, capsys):
    done = threading.Event()

    def second():
        try:
            call_command("import_bibtex", str(AWKWARD), verbosity=0)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not done.wait(2)  # waiting on the lock, nothing written
    assert not Publication.objects.exists()

    other_import.rollback()  # the first import ends
    thread.join(timeout=60)

    assert done.is_set()
    assert WAITING in capsys.readouterr().err
    assert Publication.objects.count() == 5


def test_an_admin_preview_while_another_import_runs_says_so(admin_client, other_import):
    upload = SimpleUploadedFile("refs.bib", AWKWARD.read_bytes())
    response = admin_client.post(IMPORT_URL, {"file": upload})

    assert response.status_code == 200
    assert response.context["problems"] == [
        "Another import is running; try again when it has finished."
    ]
    assert not Publication.objects.exists()


def test_an_admin_confirmation_while_another_import_runs_says_so(admin_client, other_import):
    upload = SimpleUploadedFile("refs.bib", AWKWARD.read_bytes())
    other_import.rollback()
    token = admin_client.post(IMPORT_URL, {"file": upload}).context["confirm"].initial["token"]
    other_import.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])

    done = admin_client.post(IMPORT_URL, {"confirm": "Import", "token": token}, follow=True)

    assert done.status_code == 200
    assert "Nothing was imported: Another import is running" in done.content.decode()
    assert not Publication.objects.exists()


def test_two_imports_of_one_file_at_once_create_each_paper_once():
    entries = read_bibtex(AWKWARD.read_text())
    start, failures = threading.Barrier(2, timeout=30), []

    def run():
        try:
            start.wait()
            Importer().run(entries, wait=lambda: None)
        except Exception as error:  # an IntegrityError, before the lock
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert Publication.objects.count() == 5
