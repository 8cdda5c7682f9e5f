"""JSON Resume (cv.resume): valid against the official schema, public records only,
dates at the precision they are known to."""

import datetime
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from jsonschema import Draft4Validator

from profiles.models import Researcher
from tests.factories import (
    AwardFactory,
    EducationFactory,
    EventFactory,
    ParticipationFactory,
    PositionFactory,
    ProjectFactory,
    ProjectMemberFactory,
    PublicationFactory,
    ResearcherFactory,
    ResearchInterestFactory,
    ServiceFactory,
    TalkFactory,
    TalkSpeakerFactory,
    TeachingFactory,
)

pytestmark = pytest.mark.django_db
# The schema file of the resume-schema package pinned in package.json.
SCHEMA = Path(settings.BASE_DIR) / "node_modules" / "resume-schema" / "schema.json"
URL_KEYS = {"url", "image", "canonical", "$schema"}


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    if not SCHEMA.exists():
        pytest.fail(f"The JSON Resume schema is missing at {SCHEMA}; `make browser-tools`", False)
    schema = json.loads(SCHEMA.read_text())
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def resume_of(client, researcher) -> dict:
    response = client.get(f"/people/{researcher.slug}/resume.json")
    assert response.status_code == 200
    return json.loads(response.content)


def urls(data) -> list[str]:
    """Every URL in the resume: jsonschema checks no "uri" format without extra packages."""
    if isinstance(data, dict):
        return [
            found
            for key, value in data.items()
            for found in ([value] if key in URL_KEYS else urls(value))
        ]
    if isinstance(data, list):
        return [found for value in data for found in urls(value)]
    return []


def test_every_demo_resume_is_valid_with_absolute_links(client, demo, validator):
    members = Researcher.objects.public().members()
    assert members.count() >= 2
    for researcher in members:
        resume = resume_of(client, researcher)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(resume)]
        assert not errors, (researcher.slug, errors)
        assert all(urlsplit(url).scheme in ("http", "https") for url in urls(resume))
        assert resume["basics"]["name"] == researcher.full_name
        assert resume["publications"]


def test_demo_resume_holds_the_whole_profile(client, demo):
    resume = resume_of(client, Researcher.objects.get(slug="zhiwei-bai"))
    assert "email" not in resume["basics"]
    assert {"Ph.D. Student"} == {job["position"] for job in resume["work"]}
    assert any(entry["studyType"].startswith("Ph.D.") for entry in resume["education"])
    assert any(a["awarder"].startswith("The 22nd Annual Meeting") for a in resume["awards"])
    assert any(entry["position"] == "Volunteer Manager" for entry in resume["volunteer"])
    titles = [p["name"] for p in resume["publications"]]
    assert "Adaptive Preconditioners Trigger Loss Spikes in Adam" in titles
    [seminar] = [p for p in resume["projects"] if p["name"].startswith("Phenomenon-Driven")]
    assert (seminar["type"], seminar["startDate"], seminar["roles"]) == (
        "seminar",
        "2025-10-16",
        ["Speaker"],
    )
    assert seminar["url"] == "http://testserver/talks/phenomenon-driven-deep-learning-theory/"
    assert resume["interests"] and all(i["name"] for i in resume["interests"])
    assert resume["meta"]["canonical"] == "http://testserver/people/zhiwei-bai/resume.json"


def test_dates_keep_their_precision(client, validator):
    person = ResearcherFactory(is_member=True)
    for precision in ("year", "month", "day"):
        PositionFactory(
            researcher=person,
            title=precision,
            start_date=datetime.date(2021, 9, 1),
            end_date=datetime.date(2023, 6, 30),
            date_precision=precision,
        )
    AwardFactory(researcher=person, date=datetime.date(2022, 5, 1), date_precision="month")
    PositionFactory(researcher=person, title="ongoing", end_date=None, date_precision="month")
    PublicationFactory(year=2020).authorships.create(researcher=person, position=1)

    resume = resume_of(client, person)

    periods = {job["position"]: (job["startDate"], job.get("endDate")) for job in resume["work"]}
    assert periods == {
        "year": ("2021", "2023"),
        "month": ("2021-09", "2023-06"),
        "day": ("2021-09-01", "2023-06-30"),
        "ongoing": ("2021-09", None),
    }
    assert resume["awards"][0]["date"] == "2022-05"
    assert resume["publications"][0]["releaseDate"] == "2020"
    assert not list(validator.iter_errors(resume))


def test_links_talks_and_teaching(client, validator):
    person = ResearcherFactory(
        is_member=True,
        orcid="0000-0002-1825-0097",
        google_scholar_id="abcdefghijkl",
        github="zbai",
        homepage="https://example.org/~zbai",
    )
    timed = TalkFactory(
        title="Timed",
        kind="invited",
        start=datetime.datetime(2025, 10, 16, 8, 10, tzinfo=datetime.UTC),
        timezone="Asia/Shanghai",
        event=EventFactory(name="Seminar"),
    )
    TalkSpeakerFactory(researcher=person, talk=timed)
    TeachingFactory(researcher=person, course="Analysis", course_code="MA101", role="ta")

    resume = resume_of(client, person)

    assert resume["basics"]["url"] == "https://example.org/~zbai"
    assert [(p["network"], p["url"]) for p in resume["basics"]["profiles"]] == [
        ("ORCID", "https://orcid.org/0000-0002-1825-0097"),
        ("Google Scholar", "https://scholar.google.com/citations?user=abcdefghijkl"),
        ("GitHub", "https://github.com/zbai"),
        (settings.SITE_NAME, f"http://testserver/people/{person.slug}/"),
    ]
    talk, course = resume["projects"]
    assert (talk["type"], talk["entity"], talk["startDate"]) == (
        "invited talk",
        "Seminar",
        "2025-10-16",
    )
    assert (course["name"], course["type"], course["roles"], course["startDate"]) == (
        "MA101 Analysis",
        "teaching",
        ["Teaching Assistant"],
        "2023",
    )
    assert not list(validator.iter_errors(resume))


@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_hidden_records_never_reach_the_resume(client, visibility):
    person = ResearcherFactory(is_member=True)
    hidden = {"visibility": visibility}
    secret_event = EventFactory(name="Secret event", **hidden)
    public_session_of_secret = EventFactory(name="Session", parent=secret_event)
    PositionFactory(researcher=person, title="Secret position", **hidden)
    EducationFactory(researcher=person, degree_title="Secret degree", **hidden)
    EducationFactory(researcher=person, degree_title="Shown degree").advisors.add(
        ResearcherFactory(full_name="Secret Advisor", **hidden)
    )
    AwardFactory(researcher=person, title="Secret award", **hidden)
    AwardFactory(researcher=person, title="Shown award", issuer=None, event=secret_event)
    ServiceFactory(researcher=person, role="Secret service", **hidden)
    ServiceFactory(researcher=person, role="Chair", venue=None, event=public_session_of_secret)
    ParticipationFactory(researcher=person, event=secret_event, title="Secret role")
    root = ResearchInterestFactory(researcher=person, title="Secret topic", **hidden)
    ResearchInterestFactory(researcher=person, title="Secret subtopic", parent=root)
    ProjectMemberFactory(
        researcher=person, project=ProjectFactory(title="Secret project", **hidden)
    )
    TeachingFactory(researcher=person, course="Secret course", **hidden)
    PublicationFactory(title="Secret paper", **hidden).authorships.create(
        researcher=person, position=1
    )
    TalkSpeakerFactory(researcher=person, talk=TalkFactory(title="Secret talk", **hidden))
    TalkSpeakerFactory(
        researcher=person,
        talk=TalkFactory(title="Secret-event talk", event=public_session_of_secret),
    )

    text = json.dumps(resume_of(client, person))

    assert "Secret" not in text
    assert "Shown degree" in text and "Shown award" in text


def test_the_api_gives_the_same_resume(client, demo, validator):
    person = Researcher.objects.get(slug="zhiwei-bai")
    api = client.get(f"/api/v1/researchers/{person.slug}/?format=resume")

    assert api.status_code == 200
    assert json.loads(api.content) == resume_of(client, person)
    assert not list(validator.iter_errors(json.loads(api.content)))
    # The plain JSON is still the API's own; a list has no resume format.
    assert "positions" in client.get(f"/api/v1/researchers/{person.slug}/").json()
    assert client.get("/api/v1/researchers/?format=resume").status_code == 400
