"""import_profile: JSON Resume, al-folio's cv.yml and RenderCV into a researcher's record;
the same file twice changes nothing; bad fields are warnings, bad files write nothing."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.models import DatePrecision
from cv.models import Award, ResearchInterest, Service
from profiles.models import (
    Education,
    Organization,
    Position,
    ProfileSection,
    Project,
    Researcher,
    Teaching,
)
from publications.models import Publication

DATA = Path(__file__).parent / "data"
# al-folio's and Hugo Blox's own sample files (tests/corpus/SOURCES.txt).
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
URL = "/admin/profiles/researcher/import-profile/"


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_profile", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts():
    models = [Researcher, Position, Education, Award, Service, Teaching, ResearchInterest,
              ProfileSection, Project, Organization, Publication]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_alfolio_resume_json_imports_whole_and_again_changes_nothing():
    out, err = run(CORPUS / "alfolio_resume.json")

    person = Researcher.objects.get(full_name="Albert Einstein")
    assert person.is_member and person.headline == "Scientist"
    assert person.email == "einstein@example.com"
    assert person.bio.startswith("A German-born theoretical physicist")
    assert person.office == "2712 Broadway St, CA 94115, San Francisco, California, US"
    positions = {(p.title, p.organization.name): p for p in person.positions.all()}
    assert len(positions) == 5
    ias = positions[
        "Professor of Theoretical Physics", "Institute for Advanced Study, Princeton University"
    ]
    assert (ias.start_date, ias.end_date) == (datetime.date(1933, 1, 1), datetime.date(1955, 1, 1))
    assert ias.date_precision == DatePrecision.YEAR  # 1933-01-01 is a padded year
    assert "Teaching at Palmer Physical Laboratory" in ias.description
    assert "- Relativity" in ias.description
    assert ias.organization.city == "Princeton University" and ias.organization.country == "NJ"
    phd = person.education.get(degree_title="PhD")
    assert phd.degree == Education.Degree.PHD and phd.field == "Physics"
    assert phd.institution.url == "https://www.uzh.ch/"
    assert "Courses: Theory of Relativity" in phd.description
    eth = person.education.get(degree_title="Federal teaching diploma")
    assert eth.start_date == datetime.date(1896, 1, 1)  # before 1900: kept, no year bound
    nobel = person.awards.get(title="Nobel Prize in Physics")
    assert nobel.issuer.name == "Royal Swedish Academy of Sciences"
    assert (nobel.date, nobel.date_precision) == (datetime.date(1921, 11, 1), DatePrecision.MONTH)
    assert "Alfred Nobel's will" in nobel.description
    assert nobel.url.startswith("https://www.nobelprize.org/")
    march = person.services.get()
    assert march.role == "Lead Organizer" and march.organization.name == "People's Climate March"
    assert march.kind == Service.Kind.ORGANIZER
    physics = person.interests.get(title="Physics", parent=None)
    assert sorted(physics.children.values_list("title", flat=True))[:2] == [
        "Quantum Communication",
        "Quantum Computing",
    ]
    sections = {s.title: s for s in person.sections.all()}
    assert sections["Languages"].body == "- German (Native speaker)\n- English (Fluent)"
    assert "Quantum Information, Stanford University, 2018" in sections["Certificates"].body
    assert "**Physics** (Master): Quantum Mechanics" in sections["Skills"].body
    assert sections["References"].visibility == "hidden"
    assert "(912) 123-4567" in sections["Contact"].body
    assert sections["Contact"].visibility == "hidden"
    project = Project.objects.get(title="Quantum Computing")
    assert project.memberships.get().researcher == person
    assert "- Quantum Teleportation" in project.description
    paper = Publication.objects.get(title="Zur Elektrodynamik bewegter Körper")
    assert paper.year == 1905 and paper.month == 6 and paper.venue.name == "Annalen der Physik"
    assert paper.abstract.startswith("It concerned an interpretation")
    assert list(paper.authorships.values_list("researcher", flat=True)) == [person.pk]
    assert "0 skipped, 0 warnings" in out and err == ""

    before = counts()
    again, _ = run(CORPUS / "alfolio_resume.json")
    assert counts() == before
    assert "created 0, updated 0" in again and "0 papers were created, 0 updated" in again


@pytest.mark.django_db
def test_alfolio_cv_yml_imports_whole_and_again_changes_nothing():
    out, _ = run(CORPUS / "alfolio_cv.yml")

    person = Researcher.objects.get(full_name="Albert Einstein")
    assert person.positions.count() == 5
    director = person.positions.get(title="Director")
    assert director.organization.name == "Kaiser Wilhelm Institute for Physics"
    assert director.organization.city == "Berlin" and director.organization.country == "Germany"
    assert (director.start_date.year, director.end_date.year) == (1917, 1933)
    prague = person.positions.get(organization__name="Karl-Ferdinand University")
    assert (prague.start_date.year, prague.end_date.year) == (1911, 1917)
    phd = person.education.get(degree_title="PhD")
    assert phd.end_date == datetime.date(1905, 1, 1) and phd.start_date is None
    assert "  - Sub-description 2." in phd.description
    assert set(person.awards.values_list("title", flat=True)) == {
        "Nobel Prize in Physics",
        "Matteucci Medal",
        "Max Planck Medal",
    }
    assert person.awards.get(title="Max Planck Medal").date.year == 2029
    topic = person.interests.get(title="Topic 1.", parent=None)
    assert list(topic.children.values_list("title", flat=True)) == [
        "Description 1.",
        "Description 2.",
    ]
    sections = {s.title: s.body for s in person.sections.all()}
    assert sections["Languages"] == "- English\n- German"
    assert sections["General Information"] == "- **Date of Birth**: 14th March 1879"
    assert "Hobby 1" in sections["Other Interests"]
    folio = Project.objects.get(title="al-folio")
    assert folio.url == "https://github.com/alshedivat/al-folio"
    assert folio.kind == Project.Kind.SOFTWARE and folio.description.startswith("2015–")
    assert "0 skipped, 0 warnings" in out

    before = counts()
    again, _ = run(CORPUS / "alfolio_cv.yml")
    assert counts() == before and "created 0, updated 0" in again


@pytest.mark.django_db
def test_the_cv_yml_after_the_resume_matches_what_is_there():
    run(CORPUS / "alfolio_resume.json")
    before = counts()
    run(CORPUS / "alfolio_cv.yml")
    after = counts()
    # The same five positions and the JSON's awards (1921-11 matches the YAML's 1921).
    assert after["Position"] == before["Position"] == 5
    assert after["Award"] == before["Award"] + 1  # only the Matteucci Medal is new
    assert after["Researcher"] == before["Researcher"]


@pytest.mark.django_db
def test_awkward_json_resume_fields_warn_by_name_and_the_rest_imports():
    _, err = run(DATA / "resume_variants.json")

    person = Researcher.objects.get(full_name="Tomás Ferreira")
    assert person.orcid == "0000-0002-1825-0097" and person.github == "tferreira"
    assert person.google_scholar_id == "QwErTyUiOpAs"
    assert person.homepage == "https://tomasferreira.example.org"
    assert person.role == Researcher.Role.POSTDOC
    assert "[Mastodon](https://ecoevo.social/@tomas)" in person.sections.get(title="Links").body
    postdoc = person.positions.get(title="Postdoctoral Researcher")
    assert postdoc.organization.name == "University of Lisbon"  # 0.x's "company"
    assert postdoc.organization.url == "https://www.ulisboa.pt/"
    # 2023-02-30 does not exist: the month is kept.
    assert (postdoc.start_date, postdoc.date_precision) == (datetime.date(2023, 2, 1), "month")
    assert postdoc.end_date is None
    intern = person.positions.get(title="Research Intern")
    assert intern.kind == Position.Kind.INTERNSHIP and intern.start_date == datetime.date(
        2016, 1, 1
    )
    phd = person.education.get(degree=Education.Degree.PHD)
    assert phd.thesis_title == "Seed dispersal by birds in fragmented landscapes"
    assert sorted(phd.advisors.values_list("full_name", flat=True)) == ["Ana Lopes", "Rui Matos"]
    assert phd.rank_note == "summa cum laude"
    assert "Courses: Community ecology, Bayesian statistics" in phd.description
    bsc = person.education.get(degree=Education.Degree.BACHELORS)
    assert bsc.thesis_title == "Pollinators of coastal dunes"
    assert list(bsc.advisors.values_list("full_name", flat=True)) == ["Ana Lopes"]
    assert Researcher.objects.filter(full_name="Ana Lopes").count() == 1  # one person, twice
    assert person.services.get().kind == Service.Kind.REVIEWER
    course = person.teaching.get()
    assert (course.course, course.year, course.term) == ("Field Methods in Ecology", 2020, "fall")
    assert course.role == Teaching.Role.TA and course.organization.name == "University of Porto"
    for expected in (
        "work[0].startDate: 2023-02-30 is not a date",
        "work[1].startDate: 2016-13 has no month 13",
        "basics.favouriteColour: unknown field",
        "hobbies: unknown section",
    ):
        assert expected in err
    assert "Traceback" not in err
    before = counts()
    run(DATA / "resume_variants.json")
    assert counts() == before


@pytest.mark.django_db
def test_strict_refuses_a_file_with_warnings_and_writes_nothing():
    before = counts()
    with pytest.raises(CommandError, match="cannot be imported"):
        run(DATA / "resume_variants.json", "--strict")
    assert counts() == before


@pytest.mark.django_db
def test_alfolio_teaching_service_thesis_and_advisors():
    run(DATA / "alfolio_variants.yml")

    person = Researcher.objects.get(full_name="Lena Hoffmann")
    assert person.email == "lena.hoffmann@example.de"
    phd = person.education.get()
    assert phd.thesis_title == "Verified compilers for robotics"
    assert sorted(phd.advisors.values_list("full_name", flat=True)) == [
        "Klaus Weber",
        "Petra Vogel",
    ]
    assert phd.institution.name == "Technical University of Munich"
    course = person.teaching.get()
    assert (course.year, course.term, course.role) == (2018, "winter", Teaching.Role.TA)
    roles = dict(person.services.values_list("role", "kind"))
    assert roles == {"Program Committee Member, PLDI": "committee", "Reviewer": "reviewer"}
    assert person.services.get(role="Reviewer").end_date is None
    assert person.sections.get(title="Talks").body == "- Invited talk at FLoC 2022"
    assert person.sections.get(title="Languages").body == "- German\n- English\n- French"


@pytest.mark.django_db
def test_rendercv_yaml_imports_with_its_paper():
    run(DATA / "rendercv.yaml")

    person = Researcher.objects.get(full_name="Priya Raman")
    assert person.github == "praman" and person.orcid == "0000-0001-5109-3700"
    phd = person.education.get()
    assert phd.thesis_title == "Topological phases of cold atoms" and phd.field == "Physics"
    assert (phd.start_date, phd.end_date) == (datetime.date(2015, 8, 1), datetime.date(2020, 6, 1))
    fellow = person.positions.get()
    assert fellow.organization.name == "Max Planck Institute for Quantum Optics"
    assert fellow.end_date is None
    paper = Publication.objects.get()
    assert paper.doi == "10.1103/PhysRevA.101.012345" and paper.venue.name == "Physical Review A"
    assert paper.authorships.order_by("position").first().researcher == person
    assert "**Programming**: Python, Julia" in person.sections.get(title="Skills").body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"basics": {"name": "X",}', "is not valid JSON (line 1"),
        ("- title: [unclosed\n", "is not valid YAML (line"),
        ("just: a mapping\n", "is not a JSON Resume"),
        ("", "is empty"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_a_file_that_is_no_cv_is_refused_clearly(tmp_path, content, message):
    path = tmp_path / "cv.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_profile", str(path), stdout=StringIO(), stderr=err)
    assert message in err.getvalue()
    assert counts() == before


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing(tmp_path):
    before = counts()
    out, _ = run(DATA / "alfolio_variants.yml", "--dry-run")
    assert "would be created" in out and "1 education" in out
    assert counts() == before


@pytest.mark.django_db
def test_researcher_option_and_filling_only_empty_fields():
    person = Researcher.objects.create(full_name="L. Hoffmann", email="other@example.de")
    _, err = run(DATA / "alfolio_variants.yml", "--researcher", person.slug)
    person.refresh_from_db()
    assert person.email == "other@example.de"  # an editor's value stays
    assert "basics.email: the profile has 'other@example.de'" in err
    assert person.is_member and person.education.count() == 1
    assert not Researcher.objects.filter(full_name="Lena Hoffmann").exists()


@pytest.mark.django_db
def test_admin_uploads_or_pastes_previews_then_imports(admin_client):
    assert URL in admin_client.get("/admin/profiles/researcher/").content.decode()
    assert admin_client.get(URL).status_code == 200
    before = counts()
    preview = admin_client.post(URL, {"text": (DATA / "alfolio_variants.yml").read_text()})
    report = preview.context["report"]
    assert report.dry_run and report.new_researcher and report.created["education"]
    assert counts() == before
    token = preview.context["confirm"].initial["token"]

    done = admin_client.post(URL, {"confirm": "Import", "token": token})

    person = Researcher.objects.get(full_name="Lena Hoffmann")
    assert done.status_code == 302 and done.url.endswith(f"/{person.pk}/change/")
    assert person.education.count() == 1 and person.teaching.count() == 1


@pytest.mark.django_db
def test_admin_shows_problems_and_writes_nothing(admin_client):
    before = counts()
    with (DATA / "resume_variants.json").open("rb") as upload:
        strict = admin_client.post(URL, {"file": upload, "strict": "on"})
    assert "2023-02-30 is not a date" in strict.content.decode()
    assert "report" not in strict.context
    bad = admin_client.post(URL, {"text": "not: a cv"})
    assert "is not a JSON Resume" in bad.content.decode()
    empty = admin_client.post(URL, {})
    assert "Choose a file or paste its text" in empty.content.decode()
    assert counts() == before


def test_members_cannot_import_a_cv(member_client):
    """An import makes people and entries for anyone: an editor's tool, refused to a member
    however the request is made, and nothing is written."""
    before = counts()
    assert member_client.get(URL).status_code == 403
    posted = member_client.post(URL, {"content": (CORPUS / "alfolio_resume.json").read_text()})
    assert posted.status_code == 403
    assert member_client.post(URL, {"confirm": "1"}).status_code == 403
    assert counts() == before
    assert URL not in member_client.get("/admin/profiles/researcher/").content.decode()
