"""ORCID: a recorded v3.0 record through a mocked transport, parsed and imported."""

import datetime
import functools
import json
import operator
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.http import SourceError
from cv.management.commands.import_orcid import Command as ImportOrcid
from cv.models import Award, Service
from cv.orcid import Orcid, parse_record
from cv.orcid_import import DEGREES, SERVICE_KINDS, guess, import_orcid
from profiles.models import Education, Organization, Position, Researcher
from publications.models import Authorship, ImportRecord, Publication, Venue
from tests import factories as f
from tests.publications.test_sources import replay

RECORD = Path(__file__).parent / "recorded" / "orcid_record.json"
ORCID_ID = "0000-0002-1825-0097"
EMBEDDING_DOI = "10.4208/csiam-am.SO-2023-0020"
MODELS = (
    Researcher,
    Organization,
    Position,
    Education,
    Award,
    Service,
    Publication,
    Authorship,
    Venue,
    ImportRecord,
)


def data():
    return json.loads(RECORD.read_text(encoding="utf-8"))


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def answering(body, seen=None, status=200):
    return Orcid(replay((status, body), seen=seen))


@pytest.fixture
def from_network(monkeypatch):
    """The command's client answers with this body."""

    def use(body, status=200):
        monkeypatch.setattr(
            ImportOrcid, "source_class", staticmethod(lambda: answering(body, status=status))
        )

    return use


def test_a_record_is_asked_for_in_orcid_json_saying_who_asks(settings):
    settings.CONTACT_EMAIL = "lab@example.org"
    seen = []

    record = answering(RECORD.read_bytes(), seen).record(f"https://orcid.org/{ORCID_ID}")

    assert str(seen[0].url) == f"https://pub.orcid.org/v3.0/{ORCID_ID}/record"
    assert seen[0].headers["Accept"] == "application/vnd.orcid+json"
    assert "mailto:lab@example.org" in seen[0].headers["User-Agent"]
    assert (record.orcid, record.full_name) == (ORCID_ID, "Zhiwei Bai")


def test_each_kind_of_the_record_is_read():
    record = parse_record(data())

    assert record.biography.startswith("Ph.D. student in Applied Mathematics")
    assert "\r" not in record.biography
    phd, intern = record.employments
    assert (phd.organization, phd.department, phd.role) == (
        "Shanghai Jiao Tong University",
        "School of Mathematical Sciences",
        "Ph.D. Student",
    )
    assert (phd.ror_id, phd.city, phd.country) == ("0220qvk04", "Shanghai", "CN")
    assert (phd.start.date, phd.start.precision, phd.end) == (
        datetime.date(2022, 9, 1),
        "month",
        None,
    )
    assert (intern.ror_id, intern.end.date, intern.end.precision) == (
        "",
        datetime.date(2024, 12, 31),
        "day",
    )
    assert record.educations[0].role == "B.S. in Mathematics and Applied Mathematics"
    scholarship = record.distinctions[0]
    assert (scholarship.role, scholarship.ror_id, scholarship.start.precision) == (
        "National Scholarship",
        "",  # disambiguated by FundRef, not ROR
        "year",
    )
    assert record.invited_positions[0].organization == "Peking University"
    assert record.services[0].role == "Reviewer"


def test_works_become_papers_with_their_ids_and_the_person_as_author():
    embedding, connectivity, spikes, nilpotent = parse_record(data()).works

    # The preferred version (highest display index) has only the arXiv id; the DOI comes
    # from the group, and the Crossref version's ISSN ("part-of") is not the paper's.
    assert (embedding.kind, embedding.year, embedding.month) == ("article", 2024, 6)
    assert (embedding.doi, embedding.arxiv_id) == (EMBEDDING_DOI, "2205.13283")
    assert embedding.venue == "CSIAM Transactions on Applied Mathematics"
    assert embedding.url == "https://arxiv.org/abs/2205.13283"
    assert embedding.authors == ["Zhiwei Bai"]
    assert (connectivity.kind, connectivity.arxiv_id) == ("conference", "2405.13721")
    assert (spikes.kind, spikes.arxiv_id) == ("preprint", "2506.04805")
    assert (nilpotent.doi, nilpotent.arxiv_id, nilpotent.month) == ("", "", None)


def test_works_that_are_no_papers_or_undated_are_reported_by_name():
    record = parse_record(data())

    assert [str(notice) for notice in record.not_papers] == [
        "entry orcid-work-189004377: “Phenomenon-Driven Deep Learning Theory: From Implicit "
        "Regularization in Matrix Factorization to Loss Spike Mechanisms in Adam”: of type "
        "lecture-speech, not a paper"
    ]
    assert [str(notice) for notice in record.skipped_works] == [
        "entry orcid-work-189004213: “Towards Understanding Adam Convergence on Highly "
        "Degenerate Polynomials”: no publication year; skipped"
    ]
    assert (record.work_count, len(record.works), record.merged) == (6, 4, ())


def test_an_invalid_check_digit_is_refused_before_any_request():
    seen = []
    with pytest.raises(SourceError, match="0000-0002-1825-0098 has a wrong check digit"):
        answering(RECORD.read_bytes(), seen).record("0000-0002-1825-0098")
    assert seen == []


def test_an_unknown_id_is_named():
    with pytest.raises(SourceError, match=f"ORCID: nothing found at .*{ORCID_ID}/record"):
        answering(b'{"error-code": 9016}', status=404).record(ORCID_ID)


WORKS = ("activities-summary", "works", "group")
EDUCATION = ("activities-summary", "educations", "affiliation-group", 0, "summaries", 0)
DISTINCTION = ("activities-summary", "distinctions", "affiliation-group", 0, "summaries", 0)
GONE = object()


def broken(*path, value=GONE):
    """The recorded record with the value at ``path`` replaced, or removed."""
    record = data()
    *parents, last = path
    target = functools.reduce(operator.getitem, parents, record)
    if value is GONE:
        del target[last]
    else:
        target[last] = value
    return record


@pytest.mark.parametrize(
    "record, message",
    [
        ([], r"record should be an object"),
        (broken("activities-summary"), r"record.activities-summary is missing"),
        (
            broken("orcid-identifier", "path", value="0000-0002-1825-0098"),
            r"record.orcid-identifier.path is no valid ORCID iD",
        ),
    ],
)
def test_a_record_that_cannot_be_read_as_a_whole_is_named_where_it_is_wrong(record, message):
    with pytest.raises(SourceError, match=f"^The ORCID record is malformed: .*{message}\\.$"):
        parse_record(record)


@pytest.mark.parametrize(
    "role, degree",
    [
        ("Ph.D. in Applied Mathematics", "phd"),
        ("PhD", "phd"),
        ("Doctor of Philosophy", "phd"),
        ("M.Sc. Statistics", "masters"),
        ("Master of Engineering", "masters"),
        ("B.S. in Mathematics", "bachelors"),
        ("Bachelor of Arts", "bachelors"),
        ("Mathematics", "other"),
    ],
)
def test_the_degree_is_guessed_from_the_role(role, degree):
    assert guess(role, DEGREES, "other") == degree


@pytest.mark.parametrize(
    "role, kind",
    [
        ("Reviewer", "reviewer"),
        ("Associate Editor", "editor"),
        ("Program Committee Chair", "chair"),
        ("Program Committee Member", "committee"),
        ("Workshop Organizer", "organizer"),
        ("Student volunteer", "volunteer"),
    ],
)
def test_the_service_kind_is_guessed_from_the_role(role, kind):
    assert guess(role, SERVICE_KINDS, "volunteer") == kind


@pytest.mark.django_db
def test_the_import_creates_the_researcher_and_each_kind():
    report = import_orcid(parse_record(data()))

    bai = Researcher.objects.get(orcid=ORCID_ID)
    assert (bai.full_name, bai.given_name, bai.family_name) == ("Zhiwei Bai", "Zhiwei", "Bai")
    assert report.new_researcher
    phd = bai.positions.get(title="Ph.D. Student")
    assert (phd.kind, phd.start_date, phd.end_date, phd.date_precision) == (
        "study",
        datetime.date(2022, 9, 1),
        None,
        "month",
    )
    sms = phd.organization
    assert (sms.name, sms.kind, sms.parent.name, sms.parent.ror_id, sms.parent.country) == (
        "School of Mathematical Sciences",
        "school",
        "Shanghai Jiao Tong University",
        "0220qvk04",
        "CN",
    )
    assert bai.positions.get(title="Research Intern").kind == "internship"
    visiting = bai.positions.get(kind="visiting")
    assert str(visiting) == (
        "Visiting Student, Beijing International Center for Mathematical Research, "
        "Peking University"
    )
    education = bai.education.get()
    assert (education.degree, education.institution) == ("bachelors", sms)
    award = bai.awards.get()
    assert (award.title, award.kind, award.date, award.date_precision) == (
        "National Scholarship",
        "scholarship",
        datetime.date(2021, 1, 1),
        "year",
    )
    service = bai.services.get()
    assert (service.kind, service.role, service.organization.kind) == (
        "reviewer",
        "Reviewer",
        "society",
    )
    papers = Publication.objects.order_by("year", "title")
    assert papers.count() == 4
    assert all([a.researcher for a in paper.authorships.all()] == [bai] for paper in papers)
    assert set(ImportRecord.objects.values_list("source", flat=True)) == {"orcid"}
    assert report.summary() == (
        "Zhiwei Bai (new researcher). Created: 3 positions, 1 education, 1 awards, 1 services, "
        "0 grants, 7 organizations; unchanged: 0 positions, 0 education, 0 awards, 0 services, "
        "0 grants; "
        "0 skipped, 0 warnings. 6 works in the record, 0 merged as duplicates: "
        + report.papers.summary()
    )
    assert report.papers.summary().startswith(
        "4 papers were created, 0 updated, 0 unchanged, 2 skipped, 0 warnings"
    )


@pytest.mark.django_db
def test_a_second_import_creates_nothing():
    import_orcid(parse_record(data()))
    before = counts()

    report = import_orcid(parse_record(data()))

    assert counts() == before
    assert not report.new_researcher
    assert all(not items for items in report.created.values())
    assert [len(report.unchanged[kind]) for kind in report.unchanged] == [3, 1, 1, 1, 0]
    assert (len(report.papers.created), len(report.papers.unchanged)) == (0, 4)


def as_done(report):
    """The report as a real import gives it, less the researchers' ids (a dry run's new
    researcher is rolled back, so the import after it gives theirs another)."""
    authors = {
        key: [(printed, name, new) for printed, _pk, name, new in matched]
        for key, matched in report.papers.authors.items()
    }
    return replace(
        report, dry_run=False, papers=replace(report.papers, dry_run=False, authors=authors)
    )


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_and_reports_what_the_import_does():
    before = counts()

    dry = import_orcid(parse_record(data()), dry_run=True)

    assert counts() == before
    real = import_orcid(parse_record(data()))
    assert as_done(dry) == as_done(real)
    assert dry.summary().split(". ")[1].startswith("Would create: 3 positions")


@pytest.mark.django_db
def test_a_dry_run_leaves_the_given_researcher_as_it_was():
    bai = f.ResearcherFactory(full_name="Zhiwei Bai")

    import_orcid(parse_record(data()), researcher=bai, dry_run=True)
    assert bai.orcid == ""
    import_orcid(parse_record(data()), researcher=bai)

    bai.refresh_from_db()
    assert bai.orcid == ORCID_ID


@pytest.mark.django_db
def test_known_organizations_and_people_are_used():
    sjtu = f.OrganizationFactory(name="Shanghai Jiao Tong University")
    sms = f.OrganizationFactory(name="School of Mathematical Sciences", parent=sjtu, kind="school")
    bai = f.ResearcherFactory(full_name="Zhiwei Bai", orcid=ORCID_ID, is_member=True)

    report = import_orcid(parse_record(data()))

    assert not report.new_researcher
    assert Researcher.objects.count() == 1
    assert bai.positions.get(title="Ph.D. Student").organization == sms
    assert Organization.objects.filter(name__iexact="shanghai jiao tong university").count() == 1


@pytest.mark.django_db
def test_a_paper_known_by_its_doi_keeps_its_authors():
    xu = f.ResearcherFactory(full_name="Zhi-Qin John Xu")
    paper = f.PublicationFactory(
        title="Embedding principle in depth", year=2024, doi=EMBEDDING_DOI, venue=None
    )
    f.AuthorshipFactory(publication=paper, researcher=xu, position=1)

    report = import_orcid(parse_record(data()))

    assert Publication.objects.filter(doi=EMBEDDING_DOI).count() == 1
    paper.refresh_from_db()
    assert paper.title == "Embedding principle in depth"  # an editor's, so kept
    assert [a.researcher for a in paper.authorships.all()] == [xu]
    assert len(report.papers.created) == 3


@pytest.mark.django_db
def test_a_given_researcher_with_another_id_is_refused():
    other = f.ResearcherFactory(orcid="0000-0001-5109-3700")
    before = counts()

    with pytest.raises(SourceError, match=f"has the ORCID iD 0000-0001-5109-3700, not {ORCID_ID}"):
        import_orcid(parse_record(data()), researcher=other)
    assert counts() == before


@pytest.mark.django_db
def test_the_command_imports_a_saved_record(capsys):
    call_command("import_orcid", ORCID_ID, "--file", str(RECORD))

    assert Researcher.objects.get(orcid=ORCID_ID).positions.count() == 3
    output = capsys.readouterr().out
    assert "skipped: entry orcid-work-189004377: “Phenomenon-Driven Deep Learning" in output
    assert "Zhiwei Bai (new researcher). Created: 3 positions" in output


@pytest.mark.django_db
def test_the_command_imports_for_the_researcher_named_and_over_the_network(from_network):
    bai = f.ResearcherFactory(full_name="Zhiwei Bai")
    from_network(RECORD.read_bytes())

    call_command("import_orcid", f"https://orcid.org/{ORCID_ID}", researcher=bai.slug, verbosity=0)

    bai.refresh_from_db()
    assert bai.orcid == ORCID_ID
    assert bai.authorships.count() == 4


@pytest.mark.django_db
def test_a_namesake_is_reported_not_merged(capsys):
    known = f.ResearcherFactory(full_name="Zhiwei Bai", given_name="Zhiwei", family_name="Bai")

    call_command("import_orcid", ORCID_ID, "--file", str(RECORD))

    assert Researcher.objects.filter(full_name="Zhiwei Bai").count() == 2
    assert f"same name as the new researcher: Zhiwei Bai ({known.slug})" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, message",
    [
        (None, "record.json: No such file or directory"),
        (b"{", "The saved ORCID record is not JSON"),
        (b"\xff", "The saved ORCID record is not JSON"),
    ],
)
def test_an_unreadable_saved_record_is_refused(tmp_path, content, message):
    saved = tmp_path / "record.json"
    if content is not None:
        saved.write_bytes(content)

    with pytest.raises(CommandError, match=f"{message}.* Nothing was imported.$"):
        call_command("import_orcid", ORCID_ID, "--file", str(saved))


@pytest.mark.django_db
def test_a_saved_record_of_another_id_is_refused(tmp_path):
    saved = tmp_path / "record.json"
    saved.write_text(json.dumps(data()))

    with pytest.raises(
        CommandError,
        match=r"is that of 0000-0002-1825-0097, not 0000-0001-5109-3700\. Nothing was imported\.$",
    ):
        call_command("import_orcid", "0000-0001-5109-3700", "--file", str(saved))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, status, message",
    [
        (b"", 404, "ORCID: nothing found at"),
        (b"<html>not json", 200, "ORCID sent malformed JSON"),
        (
            json.dumps(broken("person", "name", value=None)).encode(),
            200,
            "shows no name; choose the researcher it is for",
        ),
    ],
)
def test_a_failed_import_writes_nothing_and_says_so(from_network, body, status, message):
    from_network(body, status)
    before = counts()

    with pytest.raises(CommandError, match=f"{message}.* Nothing was imported.$"):
        call_command("import_orcid", ORCID_ID)
    assert counts() == before


INTERN = ("activities-summary", "employments", "affiliation-group", 1, "summaries", 0)
ENDED_BEFORE_START = broken(
    *INTERN, "employment-summary", "end-date", value={"year": {"value": "2020"}}
)


def dated(record: dict) -> dict:
    """The record with its one undated work dated, so that a strict import can take it."""
    undated = record["activities-summary"]["works"]["group"][4]["work-summary"][0]
    undated["publication-date"] = {"year": {"value": "2025"}}
    return record


@pytest.mark.django_db
def test_an_item_the_models_refuse_is_skipped_with_the_reason_and_the_rest_imports():
    report = import_orcid(parse_record(ENDED_BEFORE_START))

    bai = Researcher.objects.get(orcid=ORCID_ID)
    assert not bai.positions.filter(title="Research Intern").exists()
    assert bai.positions.count() == 2
    assert report.skipped == [
        "employment 21784393 (Research Intern, Institute for Advanced Algorithms Research, "
        "Shanghai): position “Research Intern, Institute for Advanced Algorithms Research, "
        "Shanghai” cannot be stored: The end cannot be before the start.; skipped"
    ]
    # The organization made for it went with it.
    assert not Organization.objects.filter(name__startswith="Institute for Advanced").exists()
    assert len(report.new_organizations) == 6
    assert len(report.papers.created) == 4


@pytest.mark.django_db
def test_a_strict_import_refuses_an_item_the_models_refuse_and_writes_nothing():
    before = counts()

    with pytest.raises(
        SourceError,
        match=r"position “Research Intern, .*” cannot be stored: The end cannot be before the st",
    ):
        import_orcid(parse_record(dated(ENDED_BEFORE_START)), strict=True)
    assert counts() == before


def nested(depth: int) -> bytes:
    """The recorded record with an unknown key nested ``depth`` lists deep."""
    text = json.dumps({**data(), "x-deep": None})
    return text.replace('"x-deep": null', '"x-deep": ' + "[" * depth + "]" * depth).encode()


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [150, 100_000])
def test_a_deeply_nested_saved_record_is_refused(tmp_path, depth):
    saved = tmp_path / "record.json"
    saved.write_bytes(nested(depth))
    before = counts()

    with pytest.raises(
        CommandError,
        match=r"not JSON \(nested more than 100 levels deep\)\. Nothing was imported\.$",
    ):
        call_command("import_orcid", ORCID_ID, "--file", str(saved))
    assert counts() == before


@pytest.mark.django_db
def test_a_deeply_nested_answer_is_refused(from_network):
    from_network(nested(100_000))

    with pytest.raises(CommandError, match=r"ORCID sent malformed JSON .*nested more than 100"):
        call_command("import_orcid", ORCID_ID)
    assert not Researcher.objects.exists()


@pytest.mark.django_db
def test_a_megabyte_biography_is_left_out_with_a_warning(capsys, tmp_path):
    record = broken("person", "biography", "content", value="w " * 500_000)
    saved = tmp_path / "record.json"
    saved.write_text(json.dumps(record))

    call_command("import_orcid", ORCID_ID, "--file", str(saved))

    bai = Researcher.objects.get(orcid=ORCID_ID)
    assert (bai.full_name, bai.bio) == ("Zhiwei Bai", "")
    assert bai.positions.count() == 3
    output = capsys.readouterr().out
    assert (
        "warning: the researcher, field bio: Ensure this value has at most 20000 "
        "characters (it has 999999). Left out." in output
    )
    assert "; 0 skipped, 1 warnings." in output


@pytest.mark.django_db
def test_a_megabyte_biography_refuses_a_strict_import_naming_the_field(tmp_path):
    record = dated(broken("person", "biography", "content", value="w " * 500_000))
    saved = tmp_path / "record.json"
    saved.write_text(json.dumps(record))

    with pytest.raises(
        CommandError,
        match=r"the researcher cannot be stored: bio: Ensure this value has at most 20000 ",
    ):
        call_command("import_orcid", ORCID_ID, "--file", str(saved), "--strict")
    assert not Researcher.objects.exists()
