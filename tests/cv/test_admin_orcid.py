"""The admin's ORCID import: fetch or upload, preview, confirm; nothing written before."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cv import admin_orcid
from cv.admin import ResearcherAdmin
from profiles.models import Position, Researcher
from publications.models import Publication
from tests.cv.test_orcid import ORCID_ID, RECORD, answering, counts, nested

URL = "/admin/profiles/researcher/import-orcid/"


@pytest.fixture
def orcid(monkeypatch):
    """ORCID answering with the recorded record; the requests it saw."""
    seen = []
    monkeypatch.setattr(
        ResearcherAdmin,
        "orcid_source",
        staticmethod(lambda: answering(RECORD.read_bytes(), seen=seen)),
    )
    return seen


@pytest.mark.django_db
def test_a_record_is_fetched_once_previewed_then_imported(admin_client, orcid):
    assert URL in admin_client.get("/admin/profiles/researcher/").content.decode()
    page = admin_client.get(URL).content.decode()
    assert 'href="/admin/publications/publication/import/"' in page  # the other imports
    before = counts()

    preview = admin_client.post(URL, {"orcid": f"https://orcid.org/{ORCID_ID}"})

    assert preview.status_code == 200
    report = preview.context["report"]
    assert report.dry_run and report.new_researcher
    assert counts() == before
    token = preview.context["confirm"].initial["token"]

    done = admin_client.post(URL, {"confirm": "Import", "token": token})

    person = Researcher.objects.get(orcid=ORCID_ID)
    assert done.status_code == 302 and done.url.endswith(f"/{person.pk}/change/")
    assert len(orcid) == 1  # the confirmation imports what the preview fetched
    created = {kind: len(items) for kind, items in report.created.items()}
    assert person.positions.count() == created["positions"] > 0
    assert Publication.objects.count() == len(report.papers.created) > 0


@pytest.mark.django_db
def test_a_saved_record_is_checked_against_the_id(admin_client, orcid):
    before = counts()
    with RECORD.open("rb") as upload:
        response = admin_client.post(URL, {"orcid": "0000-0001-5109-3700", "record": upload})

    assert "not 0000-0001-5109-3700" in response.content.decode()
    assert counts() == before and orcid == []


@pytest.mark.django_db
def test_a_saved_record_is_previewed_without_the_network(admin_client, orcid):
    with RECORD.open("rb") as upload:
        response = admin_client.post(URL, {"orcid": ORCID_ID, "record": upload})

    assert response.context["report"].dry_run
    assert orcid == [] and not Position.objects.exists()


@pytest.mark.django_db
def test_a_bad_id_and_an_unknown_confirmation_write_nothing(admin_client, orcid):
    bad = admin_client.post(URL, {"orcid": "0000-0002-1825-0098"})
    assert "report" not in bad.context and orcid == []
    assert "wrong check digit" in bad.content.decode()

    done = admin_client.post(URL, {"confirm": "Import", "token": "made-up"}, follow=True)
    assert "no longer kept" in done.content.decode()
    assert not Researcher.objects.exists()


@pytest.mark.django_db
def test_members_cannot_import_a_record(member_client):
    assert member_client.get(URL).status_code == 403
    assert URL not in member_client.get("/admin/profiles/researcher/").content.decode()


@pytest.mark.django_db
def test_a_deeply_nested_saved_record_is_a_problem_not_a_500(admin_client, orcid):
    upload = SimpleUploadedFile("record.json", nested(100_000))
    response = admin_client.post(URL, {"orcid": ORCID_ID, "record": upload})

    assert response.status_code == 200
    assert "nested more than 100 levels deep" in response.context["problems"][0]
    assert not Researcher.objects.exists()


@pytest.mark.django_db
def test_a_record_with_more_works_than_the_admin_takes_is_refused(admin_client, monkeypatch):
    monkeypatch.setattr(admin_orcid, "MAX_ENTRIES", 2)
    with RECORD.open("rb") as upload:
        response = admin_client.post(URL, {"orcid": ORCID_ID, "record": upload})

    assert response.status_code == 200
    assert "works; 2 at most here (manage.py import_orcid" in response.context["problems"][0]
    assert not Researcher.objects.exists()


@pytest.mark.django_db
def test_the_fetch_has_a_limit_inside_the_worker_timeout(admin_client, monkeypatch):
    sources = []

    def source():
        sources.append(answering(RECORD.read_bytes()))
        return sources[-1]

    monkeypatch.setattr(ResearcherAdmin, "orcid_source", staticmethod(source))
    admin_client.post(URL, {"orcid": ORCID_ID})

    assert sources[0].seconds == admin_orcid.FETCH_SECONDS
    page = admin_client.get(URL).content.decode()
    assert f"ORCID must answer within {admin_orcid.FETCH_SECONDS} seconds" in page
