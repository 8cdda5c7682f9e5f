"""Content negotiation round-trips: what the API writes, the standard readers read back."""

import json

import bibtexparser
import icalendar
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

pytestmark = pytest.mark.django_db
PAPER = "/api/v1/publications/adaptive-preconditioners-trigger-loss-spikes-in-adam/"
BIBTEX = "application/x-bibtex"
CSL = "application/vnd.citationstyles.csl+json"


@pytest.mark.parametrize("how", ["accept", "format"])
def test_bibtex_list_parses(demo, get, how):
    if how == "accept":
        response = get("/api/v1/publications/?page_size=100", accept=BIBTEX)
    else:
        response = get("/api/v1/publications/?page_size=100&format=bibtex")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    assert len(library.entries) == int(response["X-Total-Count"]) == 18
    assert len({entry.key for entry in library.entries}) == 18


def test_bibtex_detail_keeps_math_and_fields(demo, get):
    entry = bibtexparser.parse_string(get(PAPER, accept=BIBTEX).content.decode()).entries[0]
    assert entry["title"] == "Adaptive Preconditioners Trigger Loss Spikes in Adam"
    assert entry["eprint"] == "2506.04805"
    # Equal contribution is written back as al-folio's mark.
    assert entry["author"].startswith("Bai*, Zhiwei and Zhou*, Zhangchen and ")


def test_csl_json_renders_with_citeproc(demo, get):
    response = get("/api/v1/researchers/zhiwei-bai/publications/?page_size=100", accept=CSL)
    assert response["Content-Type"] == CSL
    items = json.loads(response.content)
    assert len(items) == 10
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == 10
    assert any("Adaptive Preconditioners Trigger Loss Spikes in Adam" in e for e in rendered)
    # Names, date and container came through as citeproc reads them.
    assert rendered[0].startswith("Bai, Z. et al. (2026) “Towards Understanding Adam")
    assert "arXiv [Preprint]" in rendered[0]


def test_csl_json_detail_is_one_item(demo, get):
    item = json.loads(get(f"{PAPER}?format=csljson").content)
    assert item["type"] == "article"
    assert item["archive_location"] == "arXiv:2506.04805"
    assert item["author"][0] == {"family": "Bai", "given": "Zhiwei"}


def test_talks_as_icalendar(demo, get):
    response = get("/api/v1/talks/?page_size=100", accept="text/calendar")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == int(response["X-Total-Count"]) == 10
    seminar = next(e for e in events if "Phenomenon-Driven" in str(e["SUMMARY"]))
    start = seminar.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (16, 10, "Asia/Shanghai")


def test_one_talk_as_icalendar(demo, get):
    response = get("/api/v1/talks/phenomenon-driven-deep-learning-theory/?format=ics")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    assert "Rm 1801" in str(events[0]["LOCATION"])


def test_talks_do_not_speak_bibtex(demo, get):
    assert get("/api/v1/talks/", accept=BIBTEX).status_code == 406
    assert get("/api/v1/talks/?format=bibtex").status_code == 400
