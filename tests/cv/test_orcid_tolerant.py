"""ORCID, tolerant: real records with impossible dates, duplicates, works of every type and
bad items import, each fault reported where it is; ``strict`` refuses them instead.

Two recorded records, through a mocked transport where a request is made:
``orcid_carberry.json`` is ORCID's own test record (Josiah Carberry, both positions starting
on a 29 February of no leap year), and ``orcid_sandbox_record.json`` a sandbox record of 38
works with what makes real records awkward (several sources per work, the same paper in two
groups, arXiv's DOI beside the arXiv id, two chapters grouped by their volume's ISBN, data
sets and talks, an abstract pasted as a title, a handle as the DOI). ``sandbox(520)`` fills
it up to the 520 works of the record that used to store 496.
"""

import copy
import datetime
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.http import SourceError
from cv.admin import ResearcherAdmin
from cv.management.commands.import_orcid import Command as ImportOrcid
from cv.orcid import At, parse_record, partial_date
from cv.orcid_import import import_orcid
from profiles.models import Organization, Position, Researcher
from publications.models import Publication
from tests.cv.test_orcid import answering, counts

RECORDED = Path(__file__).parent / "recorded"
CARBERRY = RECORDED / "orcid_carberry.json"
CARBERRY_ID = "0000-0002-1825-0097"
SANDBOX = RECORDED / "orcid_sandbox_record.json"
SANDBOX_ID = "0000-0002-2741-0531"
WESLEYAN = (
    "employment 4288 (Professor, Wesleyan University), field start-date: 1930-02-29 does not "
    "exist; kept as 1930-02 (month precision)"
)
BROWN = (
    "employment 4278 (Professor, Brown University), field start-date: 1929-02-29 does not "
    "exist; kept as 1929-02 (month precision)"
)


def carberry() -> dict:
    return json.loads(CARBERRY.read_text(encoding="utf-8"))


def sandbox(works: int = 38) -> dict:
    """The sandbox record, with ordinary works (copies of its first, a paper Crossref and the
    person both added) appended up to ``works`` groups."""
    record = json.loads(SANDBOX.read_text(encoding="utf-8"))
    groups = record["activities-summary"]["works"]["group"]
    template = groups[0]
    for n in range(works - len(groups)):
        group = copy.deepcopy(template)
        doi = f"10.5555/sbx.filler.{n:04d}"
        for summary in group["work-summary"]:
            summary["put-code"] = 3_000_000 + 2 * n + group["work-summary"].index(summary)
            summary["title"]["title"]["value"] = f"Filler Study {n} of Oxide Surfaces"
            for external in summary["external-ids"]["external-id"]:
                if external["external-id-type"] == "doi":
                    external["external-id-value"] = doi
        group["external-ids"]["external-id"][0]["external-id-value"] = doi
        groups.append(group)
    return record


@pytest.fixture
def from_network(monkeypatch):
    def use(body: bytes):
        monkeypatch.setattr(ImportOrcid, "source_class", staticmethod(lambda: answering(body)))

    return use


def test_the_orcid_test_record_keeps_its_impossible_dates_at_month_precision():
    record = parse_record(carberry())

    wesleyan, brown = record.employments
    assert wesleyan.organization == "Wesleyan University"
    assert (wesleyan.start.year, wesleyan.start.month, wesleyan.start.day) == (1930, 2, None)
    assert wesleyan.start.precision == "month"
    assert (brown.start.year, brown.start.month, brown.start.day) == (1929, 2, None)
    assert [str(notice) for notice in record.warnings] == [WESLEYAN, BROWN]
    assert record.problems == list(record.warnings)
    assert (record.work_count, len(record.works), record.skipped_works) == (6, 6, ())


@pytest.mark.parametrize(
    "given, kept, warning",
    [
        ({"year": "2023", "month": "02", "day": "30"}, (2023, 2, None), "2023-02-30 does not "),
        ({"year": "2023", "month": "04", "day": "31"}, (2023, 4, None), "2023-04-31 does not "),
        ({"year": "2019", "month": "13", "day": "05"}, (2019, None, None), "kept as 2019 (year "),
        ({"year": "2019", "month": "00"}, (2019, None, None), "2019-00 does not exist; kept as"),
        ({"year": "2019", "month": "Sep"}, (2019, None, None), "month.value should be a whole"),
        ({"year": "2019", "month": "09", "day": "?"}, (2019, 9, None), "kept as 2019-09 (month"),
        ({"year": "0"}, None, "0 is no possible year; the date is left out"),
        ({"year": "99999999999"}, None, "99999999999 is no possible year; the date is left"),
        ({"year": "MMXIX"}, None, "year.value should be a whole number; the date is left out"),
        ({"year": "2020", "month": "02", "day": "29"}, (2020, 2, 29), None),
        ({"year": "2020", "day": "29"}, (2020, None, None), None),  # no month: the day is noise
    ],
)
def test_a_date_is_kept_as_far_as_it_exists(given, kept, warning):
    warnings = []
    node = At({part: {"value": value} for part, value in given.items()}, "x.start-date")

    found = partial_date(node, lambda message, name: warnings.append((name, message)))

    if kept is None:
        assert found is None
    else:
        assert (found.year, found.month, found.day) == kept
    if warning is None:
        assert warnings == []
    else:
        [(name, message)] = warnings
        assert name == "start-date" and warning in message


@pytest.mark.django_db
def test_the_orcid_test_record_imports_with_two_warnings(capsys, from_network):
    from_network(CARBERRY.read_bytes())

    call_command("import_orcid", CARBERRY_ID)

    carberry = Researcher.objects.get(orcid=CARBERRY_ID)
    assert carberry.full_name == "Josiah Carberry"
    positions = {p.organization.parent.name: p for p in carberry.positions.all()}
    wesleyan = positions["Wesleyan University"]
    assert (wesleyan.title, wesleyan.start_date, wesleyan.date_precision) == (
        "Professor",
        datetime.date(1930, 2, 1),
        "month",
    )
    assert positions["Brown University"].start_date == datetime.date(1929, 2, 1)
    assert carberry.authorships.count() == 6
    output = capsys.readouterr().out
    assert f"warning: {WESLEYAN}\nwarning: {BROWN}\n" in output
    assert (
        "0 skipped, 2 warnings. 6 works in the record, 0 merged as duplicates: 6 papers were"
        in (output)
    )


@pytest.mark.django_db
def test_a_strict_import_of_the_orcid_test_record_refuses_naming_both_dates(tmp_path):
    saved = tmp_path / "carberry.json"
    saved.write_bytes(CARBERRY.read_bytes())

    with pytest.raises(CommandError) as refused:
        call_command("import_orcid", CARBERRY_ID, "--file", str(saved), "--strict")

    assert str(refused.value) == (
        f"ORCID record {CARBERRY_ID}: 2 problems, and a strict import takes none: {WESLEYAN}; "
        f"{BROWN}. Nothing was imported."
    )
    assert not Researcher.objects.exists()


@pytest.mark.django_db
def test_every_work_of_a_520_work_record_arrives_or_is_reported_with_its_reason():
    record = parse_record(sandbox(520))

    report = import_orcid(record)

    papers = report.papers
    # 520 groups, one of them two works: 521 works, each counted once.
    assert report.works == 521
    assert (len(papers.created), len(report.merged), len(papers.skipped)) == (507, 3, 11)
    assert len(papers.created) + len(report.merged) + len(papers.skipped) == report.works
    assert Publication.objects.count() == 507
    assert Researcher.objects.get(orcid=SANDBOX_ID).authorships.count() == 507
    reasons = [line.split(": ", 1)[1] for line in papers.skipped]
    assert (
        sorted(reason.rsplit(", ", 1)[-1] for reason in reasons if "of type" in reason)
        == ["not a paper"] * 8
    )
    assert [line for line in papers.skipped if "of type" not in line] == [
        "entry orcid-work-1500697: “Notes on Solid Oxide Fuel Cell Seals”: no publication "
        "year; skipped",
        "entry orcid-work-1500680: the title cannot be stored: Ensure this value has at most "
        "500 characters (it has 609).",
        "entry orcid-work-1500731: the same paper as entry orcid-work-1500714 (line 0): same "
        "DOI, arXiv id, or title and year; skipped",
    ]
    assert (
        "summary: 521 works in the record, 3 merged as duplicates: 507 papers were created, "
        "0 updated, 0 unchanged, 11 skipped"
    ) in f"summary: {report.summary().split('. ', 2)[2]}"


@pytest.mark.django_db
def test_works_of_the_sandbox_record_arrive_whole():
    import_orcid(parse_record(sandbox()))

    def paper(title):
        return Publication.objects.get(title=title)

    # The same paper in two groups, merged: the DOI and month from the one that had them.
    garnet = paper("Electrochemical Stability of Garnet Electrolytes")
    assert (garnet.doi, garnet.year, garnet.month) == ("10.5555/sbx.2013.0021", 2013, 2)
    assert not Publication.objects.filter(
        title__iexact="Electrochemical stability of garnet electrolytes."
    ).exists()
    # arXiv's DOI and the arXiv id: one preprint with both.
    sparse = paper("Learning Interatomic Potentials from Sparse Data")
    assert (sparse.doi, sparse.arxiv_id) == ("10.48550/arXiv.2309.01234", "2309.01234")
    # The preferred version had no date (or said "other"); another source's is used.
    assert paper("Proton Conduction in Barium Zirconate").year == 2016
    hydride = paper("Hydride Formation in Magnesium Thin Films")
    assert (hydride.kind, hydride.venue.name) == ("article", "Journal of Sandbox Chemistry")
    # Two chapters ORCID grouped by their volume's ISBN: both.
    assert paper("Oxygen Sensors from Doped Zirconia").doi == "10.5555/sbx.vol7.ch2"
    assert paper("Zirconia Membranes for Oxygen Separation").doi == "10.5555/sbx.vol7.ch5"
    # Written works of types the import used to leave out.
    assert paper("Abstract: Oxygen Vacancies in Strained Films").kind == "conference"
    assert paper("Why Catalysts Age").kind == "article"
    assert paper("Perovskite").kind == "chapter"
    assert paper("Safe Handling of Air-Sensitive Precursors").kind == "report"
    # A handle where the DOI should be: kept as written, not as the DOI.
    sintering = paper("Sintering Aids for Gadolinium-Doped Ceria")
    assert (sintering.doi, sintering.extra_fields) == ("", {"doi": "hdl:10419/221337"})


@pytest.mark.django_db
def test_the_sandbox_record_imported_again_changes_nothing():
    import_orcid(parse_record(sandbox()))
    before = counts()

    report = import_orcid(parse_record(sandbox()))

    assert counts() == before
    assert (len(report.papers.created), len(report.papers.unchanged)) == (0, 25)
    assert len(report.merged) == 3


@pytest.mark.django_db
def test_the_sandbox_report_names_each_merge_and_each_work_that_is_no_paper(capsys, tmp_path):
    saved = tmp_path / "sandbox.json"
    saved.write_text(json.dumps(sandbox()))

    call_command("import_orcid", SANDBOX_ID, "--file", str(saved))

    output = capsys.readouterr().out
    assert (
        "merged: entry orcid-work-1500629: “Learning interatomic potentials from sparse data”: "
        "the same work as orcid-work-1500612 (the same arXiv id); merged into it\n"
    ) in output
    assert (
        "skipped: entry orcid-work-1500340: “pyoxide: tools for oxide surface slabs”: of type "
        "software, not a paper\n"
    ) in output
    assert (
        "warning: entry orcid-work-1500663: ORCID groups it with orcid-work-1500646, a work "
        "with another title and DOI; imported as a work of its own\n"
    ) in output
    assert "warning: entry orcid-work-1500748, field doi: hdl:10419/221337 is not a DOI" in output


WORK = ("activities-summary", "works", "group")


def changed(record: dict, *path, value) -> dict:
    *parents, last = path
    target = record
    for key in parents:
        target = target[key]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return record


@pytest.mark.parametrize(
    "path, value, reported",
    [
        (
            (*WORK, 1, "work-summary", 0, "put-code"),
            None,
            "record.activities-summary.works.group[1].work-summary[0].put-code is missing",
        ),
        (
            (*WORK, 1, "work-summary", 0, "title", "title"),
            {"value": 1987},
            "work-summary[0].title.title.value should be text. This version is left out.",
        ),
        ((*WORK, 1, "work-summary", 0, "title"), None, "the work has no title; skipped"),
        ((*WORK, 1, "work-summary"), [], "a group with no work in it; skipped"),
        ((*WORK, 1, "work-summary"), "none", "work-summary should be a list. Skipped."),
        (
            (*WORK, 1, "work-summary", 0, "publication-date"),
            {"year": {"value": "0201"}},
            "published in 201, outside the years a paper may have here (1900–2100); skipped",
        ),
    ],
)
def test_a_bad_work_is_skipped_with_its_reason_and_the_rest_parse(path, value, reported):
    record = parse_record(changed(carberry(), *path, value=value))

    assert len(record.works) == 5
    [skipped] = record.skipped_works
    assert reported in str(skipped)


@pytest.mark.django_db
def test_a_work_published_on_an_impossible_date_keeps_its_month_with_a_warning():
    record = changed(
        carberry(),
        *WORK,
        1,
        "work-summary",
        0,
        "publication-date",
        value={"year": {"value": "2012"}, "month": {"value": "02"}, "day": {"value": "30"}},
    )

    report = import_orcid(parse_record(record))

    assert Publication.objects.get(title="The Memory Bus Considered Harmful").month == 2
    assert (
        "entry orcid-work-4562455, field publication-date: 2012-02-30 does not exist; kept as "
        "2012-02 (month precision)"
    ) in report.papers.warnings


EMPLOYMENT = ("activities-summary", "employments", "affiliation-group")


@pytest.mark.django_db
def test_a_bad_affiliation_is_skipped_with_its_reason_and_the_rest_imports():
    record = changed(
        carberry(),
        *EMPLOYMENT,
        0,
        "summaries",
        0,
        "employment-summary",
        "organization",
        value={"name": None},
    )

    report = import_orcid(parse_record(record))

    assert report.skipped == [
        "employment 4288 (Professor): The ORCID record is malformed: record.activities-summary"
        ".employments.affiliation-group[0].summaries[0].employment-summary.organization.name "
        "is missing. Skipped."
    ]
    assert Position.objects.get().organization.parent.name == "Brown University"
    assert Publication.objects.count() == 6


def test_a_section_that_cannot_be_read_is_skipped_and_the_others_are_read():
    record = parse_record(changed(carberry(), *EMPLOYMENT, value={"not": "a list"}))

    assert record.employments == ()
    assert [str(notice) for notice in record.skipped_items] == [
        "employments: The ORCID record is malformed: record.activities-summary.employments."
        "affiliation-group should be a list. The section is skipped."
    ]
    assert len(record.works) == 6


@pytest.mark.django_db
def test_a_malformed_ror_id_is_left_out_with_a_warning():
    organization = (*EMPLOYMENT, 1, "summaries", 0, "employment-summary", "organization")
    record = changed(
        carberry(),
        *organization,
        "disambiguated-organization",
        value={
            "disambiguated-organization-identifier": "https://ror.org/not-a-ror",
            "disambiguation-source": "ROR",
        },
    )

    report = import_orcid(parse_record(record))

    assert (
        "employment 4278 (Professor, Brown University), field organization ROR id: “not-a-ror” "
        "is no ROR id such as 0220qvk04; left out"
    ) in report.warnings
    assert Organization.objects.get(name="Brown University").ror_id == ""


@pytest.fixture
def orcid_answers(monkeypatch):
    def use(body: bytes):
        monkeypatch.setattr(ResearcherAdmin, "orcid_source", staticmethod(lambda: answering(body)))

    return use


@pytest.mark.django_db
def test_the_admin_preview_lists_the_warnings_and_imports_the_record(admin_client, orcid_answers):
    orcid_answers(CARBERRY.read_bytes())
    url = "/admin/profiles/researcher/import-orcid/"

    preview = admin_client.post(url, {"orcid": CARBERRY_ID})

    page = preview.content.decode()
    assert "<h3>Warnings</h3>" in page
    assert "1930-02-29 does not exist; kept as 1930-02 (month precision)" in page
    assert not Researcher.objects.exists()
    token = preview.context["confirm"].initial["token"]
    admin_client.post(url, {"confirm": "Import", "token": token})
    assert Researcher.objects.get(orcid=CARBERRY_ID).positions.count() == 2


@pytest.mark.django_db
def test_a_strict_import_refuses_before_writing_anything():
    before = counts()

    with pytest.raises(SourceError, match="2 problems, and a strict import takes none"):
        import_orcid(parse_record(carberry()), strict=True)
    assert counts() == before


@pytest.mark.parametrize(
    "kind, value, field, message",
    [
        ("doi", "hdl:10419/221337", "doi", "hdl:10419/221337 is not a DOI"),
        ("doi", "10.1000", "doi", "10.1000 is not a DOI"),
        ("arxiv", "arXiv:1913.00001", "arxiv", "1913.00001 has month 13"),
    ],
)
def test_an_identifier_that_is_none_is_kept_as_written_with_a_warning(kind, value, field, message):
    ids = {"external-id": [{"external-id-type": kind, "external-id-value": value}]}
    record = changed(carberry(), *WORK, 1, "work-summary", 0, "external-ids", value=ids)
    record = changed(record, *WORK, 1, "external-ids", value=None)

    work = next(w for w in parse_record(record).works if w.key == "orcid-work-4562455")

    assert (work.doi, work.arxiv_id) == ("", "")
    assert work.extra_fields == {field: value.removeprefix("arXiv:")}
    [warning] = work.warnings
    assert (warning.field, message in warning.message) == (field, True)
    assert warning.message.endswith("Kept as written.")
