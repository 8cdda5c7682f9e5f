"""The harvest job: queued once per researcher, and run by the worker."""

import pytest
from django.core.management import call_command
from django.db import connection
from procrastinate import testing
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from inbox import tasks
from inbox.models import Candidate
from tests import factories as f
from tests.inbox.clients import ARXIV_ID, ORCID, recorded_clients


@pytest.fixture
def in_memory():
    connector = testing.InMemoryConnector()
    with app.replace_connector(connector):
        yield connector


@pytest.fixture
def bai(db):
    return f.ResearcherFactory(
        full_name="Zhiwei Bai", is_member=True, orcid=ORCID, arxiv_author_id=ARXIV_ID
    )


def test_a_harvest_is_queued_once_per_researcher(in_memory, bai):
    assert tasks.harvest_later(bai, ["arxiv"])
    assert not tasks.harvest_later(bai)  # still queued: the lock keeps a second one out

    (job,) = in_memory.jobs.values()
    assert job["task_name"] == "inbox.harvest" and job["queue_name"] == "harvest"
    assert job["args"] == {"researcher": bai.pk, "sources": ["arxiv"]}
    assert job["queueing_lock"] == f"harvest-{bai.pk}"


def test_the_command_defers_instead_of_harvesting(in_memory, bai, capsys):
    call_command("harvest", "--researcher", bai.slug, "--defer")
    call_command("harvest", "--researcher", bai.slug, "--defer")

    out = capsys.readouterr().out
    assert "Zhiwei Bai: queued for the worker." in out
    assert "Zhiwei Bai: a harvest is queued already." in out
    assert len(in_memory.jobs) == 1
    assert not Candidate.objects.exists()


def test_the_job_files_what_the_command_would(bai, monkeypatch):
    monkeypatch.setattr("inbox.services.default_clients", recorded_clients)

    summary = tasks.harvest(researcher=bai.pk, sources=["arxiv"])

    assert summary.startswith("Zhiwei Bai: asked arXiv; 2 new candidates")
    assert Candidate.objects.filter(researcher=bai, source="arxiv").count() == 2


def test_the_job_of_a_researcher_deleted_since_does_nothing(db):
    assert tasks.harvest(researcher=123456, sources=["arxiv"]) == "no researcher 123456"


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_job_from_the_real_queue(monkeypatch):
    """Deferred into this test database's procrastinate tables, run by a worker on its own
    connections (as ``manage.py procrastinate worker`` runs), which stops when it is empty."""
    monkeypatch.setattr("inbox.services.default_clients", recorded_clients)
    # The job's thread closes its connection after the job (procrastinate's clean-up), so
    # that the test database can be dropped at the end.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    bai = f.ResearcherFactory(full_name="Zhiwei Bai", is_member=True, arxiv_author_id=ARXIV_ID)
    assert tasks.harvest_later(bai, ["arxiv"])
    (queued,) = ProcrastinateJob.objects.filter(task_name="inbox.harvest", status="todo")

    with app.replace_connector(app.connector.get_worker_connector()) as worker:
        worker.run_worker(
            queues=[tasks.QUEUE], wait=False, install_signal_handlers=False, delete_jobs="never"
        )

    queued = ProcrastinateJob.objects.get(pk=queued.pk)
    assert queued.status == "succeeded"
    assert Candidate.objects.filter(researcher=bai, source="arxiv").count() == 2
