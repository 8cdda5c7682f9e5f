"""The admin's imports by DOI and arXiv id and its citation sync, against recorded answers."""

import httpx
import pytest

from core.http import SourceError
from publications import admin_import
from publications.models import CitationCount, Publication
from publications.sources import Crossref, OpenAlex
from tests import factories as f
from tests.publications.test_sources import FREQUENCY_DOI, recorded, replay

SOURCE_URL = "/admin/publications/publication/import-source/"
CHANGELIST = "/admin/publications/publication/"


@pytest.fixture
def crossref(monkeypatch):
    """Crossref answering with the recorded Frequency Principle record; counts its requests."""
    seen = []

    def client():
        return Crossref(replay(recorded("crossref_frequency.json"), seen=seen))

    label, normalise, validate, _ = admin_import.SOURCES["doi"]
    monkeypatch.setitem(admin_import.SOURCES, "doi", (label, normalise, validate, client))
    return seen


@pytest.mark.django_db
def test_a_doi_is_fetched_once_previewed_then_imported(admin_client, crossref):
    assert SOURCE_URL in admin_client.get(CHANGELIST).content.decode()

    preview = admin_client.post(
        SOURCE_URL, {"source": "doi", "identifiers": f"https://doi.org/{FREQUENCY_DOI}\n"}
    )

    assert preview.status_code == 200
    assert "1 papers would be created" in preview.content.decode()
    assert not Publication.objects.exists()
    token = preview.context["confirm"].initial["token"]

    done = admin_client.post(SOURCE_URL, {"confirm": "Import", "token": token})

    assert done.status_code == 302
    paper = Publication.objects.get()
    assert paper.doi == FREQUENCY_DOI and paper.authorships.count() == 5
    assert len(crossref) == 1  # the confirmation imports what the preview fetched
    assert "1 papers were created" in admin_client.get(done.url).content.decode()


@pytest.mark.django_db
def test_only_the_latest_preview_can_be_confirmed_and_only_once(admin_client, crossref):
    first = admin_client.post(SOURCE_URL, {"source": "doi", "identifiers": FREQUENCY_DOI})
    old_token = first.context["confirm"].initial["token"]
    admin_client.post(SOURCE_URL, {"source": "doi", "identifiers": FREQUENCY_DOI})

    done = admin_client.post(SOURCE_URL, {"confirm": "Import", "token": old_token})

    assert not Publication.objects.exists()
    assert "no longer kept" in admin_client.get(done.url).content.decode()


@pytest.mark.django_db
def test_bad_identifiers_are_named_before_any_request(admin_client, crossref):
    response = admin_client.post(
        SOURCE_URL, {"source": "arxiv", "identifiers": "2401.00001\nnot-an-id"}
    )

    assert response.status_code == 200
    assert "not-an-id:" in response.content.decode()
    assert "report" not in response.context and crossref == []


@pytest.mark.django_db
def test_an_unreachable_source_is_reported_and_nothing_written(admin_client, monkeypatch):
    def down():
        return Crossref(replay(*[httpx.ConnectError("down")] * 3), sleep=lambda s: None)

    label, normalise, validate, _ = admin_import.SOURCES["doi"]
    monkeypatch.setitem(admin_import.SOURCES, "doi", (label, normalise, validate, down))

    response = admin_client.post(SOURCE_URL, {"source": "doi", "identifiers": FREQUENCY_DOI})

    body = response.content.decode()
    assert "Crossref is unreachable" in body and "Nothing was fetched or imported" in body
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_members_cannot_import_by_identifier(member_client):
    assert member_client.get(SOURCE_URL).status_code == 403


@pytest.mark.django_db
def test_the_sync_action_writes_citation_counts(admin_client, monkeypatch):
    paper = f.PublicationFactory(doi=FREQUENCY_DOI)
    monkeypatch.setattr(
        admin_import.CitationSyncMixin,
        "citation_source",
        staticmethod(lambda: OpenAlex(replay(recorded("openalex_works.json")))),
    )

    response = admin_client.post(
        CHANGELIST, {"action": "sync_citations", "_selected_action": [paper.pk]}, follow=True
    )

    paper.refresh_from_db()
    assert paper.citation_count > 0
    assert CitationCount.objects.filter(publication=paper).exists()
    assert "1 updated" in response.content.decode()


@pytest.mark.django_db
def test_the_sync_action_on_researchers_reports_a_failure(admin_client, monkeypatch):
    paper = f.PublicationFactory(doi=FREQUENCY_DOI, citation_count=7)
    author = f.AuthorshipFactory(publication=paper).researcher

    def failing():
        raise SourceError("OpenAlex answered HTTP 503, 3 attempts; try again later.")

    monkeypatch.setattr(admin_import.CitationSyncMixin, "citation_source", staticmethod(failing))

    response = admin_client.post(
        "/admin/profiles/researcher/",
        {"action": "sync_citations", "_selected_action": [author.pk]},
        follow=True,
    )

    assert "No counts were changed" in response.content.decode()
    paper.refresh_from_db()
    assert paper.citation_count == 7


@pytest.mark.django_db
def test_members_do_not_get_the_sync_action(member_client):
    assert "sync_citations" not in member_client.get(CHANGELIST).content.decode()
