"""Downloads (scholarfolio.exports): RIS records, stable BibTeX keys, complete public-only files
for a paper, a researcher and the whole site, the links to them, and `manage.py export`."""

import datetime
import json
import re

import bibtexparser
import icalendar
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Talk
from profiles.models import Researcher
from publications import ris
from publications.bibtex_reader import read_bibtex
from publications.importer import Importer
from publications.models import Publication, Venue
from tests.factories import (
    AuthorshipFactory,
    EventFactory,
    PublicationFactory,
    ResearcherFactory,
    TalkFactory,
    TalkSpeakerFactory,
    VenueFactory,
    author_of_many,
)

pytestmark = pytest.mark.django_db

BAI = "zhiwei-bai"
RESEARCHER_FILES = {
    "publications.bib": "application/x-bibtex; charset=utf-8",
    "publications.ris": "application/x-research-info-systems; charset=utf-8",
    "publications.json": "application/vnd.citationstyles.csl+json",
    "resume.json": "application/json",
    "talks.ics": "text/calendar; charset=utf-8",
}
SITE_FILES = ["/publications.bib", "/publications.ris", "/publications.json", "/talks.ics"]


def member(**values):
    return ResearcherFactory(is_member=True, **values)


def paper_by(*authors, **values) -> Publication:
    paper = PublicationFactory(**values)
    for position, author in enumerate(authors, start=1):
        AuthorshipFactory(publication=paper, researcher=author, position=position)
    return paper


def record(paper: Publication) -> list[str]:
    text = ris.format_record(Publication.objects.with_authors().get(pk=paper.pk))
    assert text.endswith("ER  - \r\n")
    return text.split("\r\n")[:-1]


def download(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, url
    return response


def bib_keys(text: str) -> dict[str, str]:
    """Title -> key of every entry."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    return {entry["title"]: entry.key for entry in library.entries}


# RIS, record by record ------------------------------------------------------------------------


def test_ris_journal_article_field_by_field():
    journal = VenueFactory(name="Journal of Examples", publisher="Example Press", issn="1234-5678")
    paper = paper_by(
        ResearcherFactory(full_name="Zhiwei Bai", given_name="Zhiwei", family_name="Bai"),
        ResearcherFactory(full_name="Ana de la Cruz", given_name="Ana", family_name="de la Cruz"),
        title="Embedding principle\nin depth",
        venue=journal,
        year=2024,
        date=datetime.date(2024, 5, 17),
        volume="5",
        issue="2",
        pages="350–389",
        doi="10.4208/csiam-am.SO-2023-0020",
        url="https://example.org/paper",
        abstract="First line.\n\nSecond paragraph with $\\beta_2$.",
        keywords=["loss landscape", "embedding"],
        note="Spotlight",
    )
    assert record(paper) == [
        "TY  - JOUR",
        "AU  - Bai, Zhiwei",
        "AU  - de la Cruz, Ana",
        "TI  - Embedding principle in depth",
        "T2  - Journal of Examples",
        "JF  - Journal of Examples",
        "PB  - Example Press",
        "PY  - 2024",
        "DA  - 2024/05/17",
        "VL  - 5",
        "IS  - 2",
        "SP  - 350",
        "EP  - 389",
        "SN  - 1234-5678",
        "DO  - 10.4208/csiam-am.SO-2023-0020",
        "UR  - https://example.org/paper",
        "AB  - First line. Second paragraph with $\\beta_2$.",
        "KW  - loss landscape",
        "KW  - embedding",
        "N1  - Spotlight",
        "ER  - ",
    ]


def test_ris_preprint_is_unpublished_work_with_its_arxiv_id():
    arxiv = VenueFactory(name="arXiv", kind="preprint")
    paper = paper_by(
        ResearcherFactory(full_name="Zhiwei Bai", given_name="Zhiwei", family_name="Bai"),
        title="Adaptive Preconditioners Trigger Loss Spikes in Adam",
        kind="preprint",
        status="preprint",
        venue=arxiv,
        year=2025,
        arxiv_id="2506.04805",
        arxiv_category="cs.LG",
    )
    assert record(paper) == [
        "TY  - UNPB",
        "AU  - Bai, Zhiwei",
        "TI  - Adaptive Preconditioners Trigger Loss Spikes in Adam",
        "T2  - arXiv",
        "PY  - 2025",
        "UR  - https://arxiv.org/abs/2506.04805",
        "DB  - arXiv",
        "AN  - arXiv:2506.04805",
        "ER  - ",
    ]


def test_ris_conference_paper_names_its_conference_and_article_number():
    neurips = VenueFactory(name="NeurIPS", kind="conference", publisher="Curran Associates")
    paper = paper_by(
        ResearcherFactory(full_name="Jiajie Zhao", given_name="Jiajie", family_name="Zhao"),
        title="Connectivity Shapes Implicit Regularization",
        kind="conference",
        venue=neurips,
        venue_detail="NeurIPS 2024",
        year=2024,
        volume="37",
        article_number="1234",
    )
    assert record(paper) == [
        "TY  - CPAPER",
        "AU  - Zhao, Jiajie",
        "TI  - Connectivity Shapes Implicit Regularization",
        "T2  - NeurIPS 2024",
        "PB  - Curran Associates",
        "PY  - 2024",
        "VL  - 37",
        "C7  - 1234",
        "ER  - ",
    ]


@pytest.mark.parametrize(
    ("kind", "ris_type", "venue_tag"),
    [("thesis", "THES", "PB"), ("report", "RPRT", "PB"), ("chapter", "CHAP", "T2")],
)
def test_ris_puts_the_venue_where_readers_of_the_type_look(kind, ris_type, venue_tag):
    venue = VenueFactory(name="Shanghai Jiao Tong University", kind="book")
    lines = record(paper_by(member(), kind=kind, venue=venue))
    assert lines[0] == f"TY  - {ris_type}"
    assert f"{venue_tag}  - Shanghai Jiao Tong University" in lines


def test_ris_files_end_every_line_in_crlf_and_every_record_in_er(client, demo):
    text = download(client, f"/people/{BAI}/publications.ris").content.decode()
    assert "\n" not in text.replace("\r\n", "")
    records = text.split("\r\n\r\n")
    assert (
        len(records)
        == Publication.objects.public().filter(authorships__researcher__slug=BAI).count()
    )
    for lines in (r.removesuffix("\r\n").split("\r\n") for r in records):
        assert lines[0].startswith("TY  - ") and lines[-1] == "ER  - "
        assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines)


def test_the_api_answers_ris_from_the_same_formatter(client, demo):
    site = download(client, f"/people/{BAI}/publications.ris").content
    api = download(client, f"/api/v1/researchers/{BAI}/publications/?format=ris&page_size=100")
    assert api["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert api.content == site
    slug = "adaptive-preconditioners-trigger-loss-spikes-in-adam"
    one = download(client, f"/api/v1/publications/{slug}/?format=ris").content
    assert one == download(client, f"/publications/{slug}.ris").content
    assert one in site


# The downloads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("filename", "content_type"), RESEARCHER_FILES.items())
def test_researcher_downloads_are_named_attachments(client, demo, filename, content_type):
    response = download(client, f"/people/{BAI}/{filename}")
    assert response["Content-Type"] == content_type
    stem, extension = filename.split(".")
    expected = f'attachment; filename="{BAI}-{stem}.{extension}"'
    assert response["Content-Disposition"] == expected


def test_site_and_paper_downloads_are_named_attachments(client, demo):
    assert download(client, "/publications.bib")["Content-Disposition"] == (
        'attachment; filename="publications.bib"'
    )
    slug = "adaptive-preconditioners-trigger-loss-spikes-in-adam"
    for extension in ("bib", "ris", "json"):
        response = download(client, f"/publications/{slug}.{extension}")
        assert response["Content-Disposition"] == f'attachment; filename="{slug}.{extension}"'


def test_downloads_are_complete_not_paged(client):
    author = member()
    author_of_many(author, 60)
    text = download(client, f"/people/{author.slug}/publications.bib").content.decode()
    assert len(bib_keys(text)) == 60
    assert len(json.loads(download(client, "/publications.json").content)) == 60
    assert download(client, "/publications.ris").content.count(b"ER  - ") == 60


def test_csl_json_download_is_a_list_of_items(client, demo):
    items = json.loads(download(client, f"/people/{BAI}/publications.json").content)
    assert {item["id"] for item in items} >= {
        "adaptive-preconditioners-trigger-loss-spikes-in-adam"
    }
    assert all(item["author"] and item["issued"] for item in items)


def test_a_paper_has_the_same_bibtex_key_in_every_download(client):
    first, second = member(family_name="Bai"), member(family_name="Zhao")
    # Two papers whose natural key is bai2024deep; only the second is by Zhao.
    older = paper_by(first, title="Deep networks one", year=2024)
    newer = paper_by(first, second, title="Deep networks two", year=2024)
    expected = {older.title: "bai2024deep", newer.title: "bai2024deepb"}

    assert bib_keys(download(client, "/publications.bib").content.decode()) == expected
    assert bib_keys(
        download(client, f"/people/{first.slug}/publications.bib").content.decode()
    ) == (expected)
    zhao = download(client, f"/people/{second.slug}/publications.bib").content.decode()
    assert bib_keys(zhao) == {newer.title: "bai2024deepb"}
    single = download(client, f"/publications/{newer.slug}.bib").content.decode()
    assert bib_keys(single) == {newer.title: "bai2024deepb"}
    api = f"/api/v1/researchers/{second.slug}/publications/?format=bibtex"
    assert bib_keys(download(client, api).content.decode()) == {newer.title: "bai2024deepb"}
    assert "@article{bai2024deepb," in download(client, newer.get_absolute_url()).content.decode()
    assert "@article{bai2024deepb," in download(client, second.get_absolute_url()).content.decode()


def test_a_paper_added_later_leaves_earlier_keys_alone(client):
    author = member(family_name="Bai")
    paper_by(author, title="Deep networks one", year=2024)
    before = bib_keys(download(client, "/publications.bib").content.decode())

    paper_by(author, title="Deep networks two", year=2024)

    after = bib_keys(download(client, "/publications.bib").content.decode())
    assert after == {**before, "Deep networks two": "bai2024deepb"}


def test_a_hidden_paper_is_in_no_file_and_changes_no_key(client):
    author = member(family_name="Bai")
    shown = paper_by(author, title="Deep shown", year=2024)
    hidden = paper_by(author, title="Deep secret", year=2024, visibility="draft")
    # Stored keys are unique over every paper, the hidden ones too: it holds the next.
    assert Publication.objects.get(pk=hidden.pk).bibtex_key == "bai2024deepb"
    for url in [
        "/publications.bib",
        "/publications.ris",
        "/publications.json",
        f"/people/{author.slug}/publications.bib",
        f"/people/{author.slug}/publications.ris",
        f"/people/{author.slug}/publications.json",
        f"/people/{author.slug}/resume.json",
    ]:
        text = download(client, url).content.decode()
        assert "Deep secret" not in text, url
    assert bib_keys(download(client, "/publications.bib").content.decode()) == {
        shown.title: "bai2024deep"
    }
    for extension in ("bib", "ris", "json"):
        download(client, f"/publications/{hidden.slug}.{extension}", status=404)


@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_a_hidden_researcher_has_no_downloads(client, visibility):
    person = member(visibility=visibility)
    paper_by(person)
    for filename in RESEARCHER_FILES:
        download(client, f"/people/{person.slug}/{filename}", status=404)


def test_a_name_only_coauthor_has_no_downloads(client):
    coauthor = ResearcherFactory(is_member=False)
    paper_by(coauthor)
    download(client, f"/people/{coauthor.slug}/publications.bib", status=404)


# Calendars --------------------------------------------------------------------------------------


def calendar_events(content: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(content).walk("VEVENT"))


def test_researcher_calendar_has_their_public_talks_only(client):
    speaker = member()
    series = EventFactory(kind="seminar_series")
    session = EventFactory(parent=series)
    shown = TalkSpeakerFactory(researcher=speaker, talk=TalkFactory(title="Shown", event=session))
    TalkSpeakerFactory(researcher=speaker, talk=TalkFactory(title="Secret", visibility="draft"))
    hidden_event = EventFactory(visibility="hidden")
    TalkSpeakerFactory(researcher=speaker, talk=TalkFactory(title="Hidden", event=hidden_event))
    TalkSpeakerFactory(talk=TalkFactory(title="Someone else's"))

    events = calendar_events(download(client, f"/people/{speaker.slug}/talks.ics").content)

    assert [str(event["SUMMARY"]) for event in events] == [shown.talk.title]
    # The series' calendar holds its sessions' talks.
    series_events = calendar_events(download(client, f"/events/{series.slug}.ics").content)
    assert [str(event["SUMMARY"]) for event in series_events] == ["Shown"]


def test_timed_talks_come_with_their_time_zone_and_the_same_uid_in_every_file(client, demo):
    text = download(client, f"/people/{BAI}/talks.ics").content
    calendar = icalendar.Calendar.from_ical(text)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    timed = [e for e in calendar.walk("VEVENT") if e["DTSTART"].params.get("TZID")]
    assert timed and all(e["DTSTART"].params["TZID"] == "Asia/Shanghai" for e in timed)
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert len(set(uids)) == len(uids) == Talk.objects.filter(speakers__slug=BAI).count()
    site = {str(event["UID"]) for event in calendar_events(download(client, "/talks.ics").content)}
    assert set(uids) <= site
    # A second download, made afresh rather than from the page cache, says the same.
    from django.core.cache import cache

    cache.clear()
    again = calendar_events(download(client, f"/people/{BAI}/talks.ics").content)
    assert [str(event["UID"]) for event in again] == uids


# Links on the pages ----------------------------------------------------------------------------


def test_profile_links_every_download(client, demo):
    html = download(client, f"/people/{BAI}/").content.decode()
    for filename in RESEARCHER_FILES:
        assert f'href="/people/{BAI}/{filename}" download>' in html
    for content_type in ("application/x-bibtex", "text/calendar", "application/json"):
        assert f'<link rel="alternate" type="{content_type}"' in html


def test_publication_list_links_the_site_files(client):
    html = download(client, "/publications/").content.decode()
    for url in ("/publications.bib", "/publications.ris", "/publications.json"):
        assert f'href="{url}" download>' in html
        assert f'href="{url}">' in html  # <link rel="alternate">


def test_event_page_links_its_calendar(client):
    series = EventFactory(kind="seminar_series")
    TalkFactory(event=EventFactory(parent=series))
    html = download(client, series.get_absolute_url()).content.decode()
    assert f'href="/events/{series.slug}.ics" download>' in html


# Queries ----------------------------------------------------------------------------------------


@pytest.fixture(scope="class")
def prolific(class_rows):
    """The slugs of a member with 5 papers and one talk and of one with 300 and 60 talks."""
    slugs = []
    with class_rows():
        for count in (5, 300):
            author = member()
            author_of_many(author, count)
            for number in range(count // 5):
                TalkSpeakerFactory(researcher=author, talk=TalkFactory(title=f"Talk {number}"))
            slugs.append(author.slug)
    return slugs


# The same two members for each of these tests, made once (class_rows).
class TestQueries:
    @pytest.mark.parametrize("filename", list(RESEARCHER_FILES))
    def test_researcher_downloads_take_as_many_queries_for_300_papers_as_for_5(
        self, client, db, prolific, filename
    ):
        counts = []
        for slug in prolific:
            with CaptureQueriesContext(connection) as queries:
                download(client, f"/people/{slug}/{filename}")
            counts.append(len(queries))
        assert counts[0] == counts[1], counts

    @pytest.mark.parametrize("url", SITE_FILES)
    def test_site_downloads_take_a_bounded_number_of_queries(
        self, client, db, prolific, url, django_assert_max_num_queries
    ):
        # The content version, the records, their authors or speakers, (the BibTeX keys).
        with django_assert_max_num_queries(4):
            download(client, url)


# manage.py export -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "url"),
    [
        (["bibtex"], "/publications.bib"),
        (["ris"], "/publications.ris"),
        (["csljson"], "/publications.json"),
        (["ics"], "/talks.ics"),
        (["bibtex", "--researcher", BAI], f"/people/{BAI}/publications.bib"),
        (["ris", "--researcher", BAI], f"/people/{BAI}/publications.ris"),
        (["csljson", "--researcher", BAI], f"/people/{BAI}/publications.json"),
        (["resume", "--researcher", BAI], f"/people/{BAI}/resume.json"),
        (["ics", "--researcher", BAI], f"/people/{BAI}/talks.ics"),
        (["ics", "--event", "csiam-2024"], "/events/csiam-2024.ics"),
    ],
)
def test_the_command_writes_what_the_site_serves(client, demo, tmp_path, args, url):
    output = tmp_path / "export"
    call_command("export", *args, "--output", str(output), "--base-url", "http://testserver/")
    assert output.read_bytes() == download(client, url).content


def test_the_command_writes_to_stdout_by_default(demo, capsys):
    call_command("export", "ris", "--researcher", BAI)
    text = capsys.readouterr().out
    assert text.startswith("TY  - ") and text.endswith("ER  - \r\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["bibtex", "--researcher", "nobody"],
            "No public researcher profile has the slug “nobody”",
        ),
        (["ics", "--event", "nothing"], "No public event has the slug “nothing”"),
        (["resume"], "The resume export is for one researcher, not for the whole site"),
        (["bibtex", "--event", "csiam-2024"], "not for one event"),
    ],
)
def test_the_command_names_what_it_cannot_do(demo, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export", *args)


# Round trip ------------------------------------------------------------------------------------


def paper_facts(papers) -> set[tuple]:
    """What a .bib file must carry back: title, year, DOI, arXiv id and authors in order."""
    return {
        (p.title, p.year, p.doi, p.arxiv_id, tuple(a.display_name for a in p.authorships.all()))
        for p in papers.with_authors()
    }


def test_a_researchers_bib_file_imports_into_an_empty_site_as_the_same_papers(client, demo):
    """The export side of test_import's round trip: the download, special characters, and
    a site that has none of the papers or people."""
    bai = Researcher.objects.get(slug=BAI)
    tricky = PublicationFactory(
        title=r"Spikes of $\beta_2$ & 100% of {braces}, #1_x ~ ^ for Schrödinger",
        year=2021,
        doi="10.1234/a_b(c)",
        arxiv_id="2101.00001",
    )
    AuthorshipFactory(publication=tricky, researcher=bai, position=1)
    erdos = ResearcherFactory(full_name="Paul Erdős", given_name="Paul", family_name="Erdős")
    AuthorshipFactory(publication=tricky, researcher=erdos, position=2)
    papers = Publication.objects.public().for_researcher(bai)
    before = paper_facts(papers)
    text = download(client, f"/people/{BAI}/publications.bib").content.decode()

    tables = [model._meta.db_table for model in (Publication, Venue, Researcher)]
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit; TRUNCATE wants no check pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert not Publication.objects.exists() and not Researcher.objects.exists()
    report = Importer().run(read_bibtex(text))

    assert len(report.created) == len(before) == 11
    assert paper_facts(Publication.objects.all()) == before
