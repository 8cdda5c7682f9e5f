"""The four clients of the works inbox on recorded answers, through a mocked transport."""

import json

import httpx
import pytest

from core.http import SourceError, retry_after
from inbox.sources import ArxivAuthor, CrossrefWorks, OpenAlexWorks, OrcidWorks
from tests.inbox.clients import OPENALEX_ID, ORCID, Clock, recorded, replay


def test_orcid_lists_the_papers_of_an_id_and_reports_a_malformed_work():
    seen = []
    listing = OrcidWorks(replay(recorded("orcid_works.json"), seen=seen)).works(
        f"https://orcid.org/{ORCID}", "Zhiwei Bai"
    )

    assert seen[0].url == f"https://pub.orcid.org/v3.0/{ORCID}/works"
    assert seen[0].headers["Accept"] == "application/vnd.orcid+json"
    embedding, connectivity = listing.works
    # The two versions of one work (journal article and preprint) are one paper.
    assert embedding.source_id == "160225911"
    assert (embedding.work.doi, embedding.work.arxiv_id, embedding.work.year) == (
        "10.4208/csiam-am.SO-2023-0020",
        "2205.13283",
        2024,
    )
    assert embedding.work.venue == "CSIAM Transactions on Applied Mathematics"
    assert embedding.record["work-summary"][0]["put-code"] == 160225911
    assert connectivity.work.kind == "preprint" and connectivity.work.arxiv_id == "2405.13721"
    assert connectivity.work.authors == ["Zhiwei Bai"] and connectivity.author_position == 1
    # The software is no paper (not listed); the work with a number for a title is skipped.
    assert len(listing.skipped) == 1
    assert "title.title.value should be text" in listing.skipped[0]


def test_orcid_refuses_an_invalid_id_before_asking():
    transport = httpx.MockTransport(lambda request: pytest.fail("asked the network"))
    with pytest.raises(SourceError, match=r"checksum|ORCID"):
        OrcidWorks(transport).works("0000-0002-1825-0098", "Zhiwei Bai")


def test_openalex_pages_by_cursor_with_the_key_and_contact(settings):
    settings.OPENALEX_API_KEY = "k-123"
    settings.CONTACT_EMAIL = "lab@example.org"
    seen = []
    transport = replay(
        recorded("openalex_works_page1.json"), recorded("openalex_works_page2.json"), seen=seen
    )

    listing = OpenAlexWorks(transport).works(OPENALEX_ID)

    first, second = (request.url.params for request in seen)
    assert first["filter"] == f"authorships.author.id:{OPENALEX_ID}"
    assert (first["api_key"], first["mailto"], first["cursor"]) == ("k-123", "lab@example.org", "*")
    assert second["cursor"].startswith("IlsxMDAuMCw")
    assert [found.source_id for found in listing.works] == [
        "W4399001001",
        "W4411002002",
        "W4416003003",
    ]
    embedding, spikes, adam = (found.work for found in listing.works)
    assert adam.kind == "preprint" and adam.arxiv_id == "2603.09581"
    assert embedding.doi == "10.4208/csiam-am.so-2023-0020" and embedding.pages == "219-257"
    assert embedding.venue == "CSIAM Transactions on Applied Mathematics"
    assert embedding.arxiv_id == "2205.13283"  # from its arXiv location
    # arXiv's DataCite DOI names the arXiv id; the repository is no venue.
    assert (spikes.kind, spikes.doi, spikes.arxiv_id, spikes.venue) == (
        "preprint",
        "",
        "2506.04805",
        "",
    )
    # The researcher by the author id, not by the name: second of three here.
    assert [found.author_position for found in listing.works] == [1, 2, 1]
    assert spikes.authors == ["Zhangchen Zhou", "Bai, Zhiwei", "Zhi-Qin John Xu"]
    # The paratext has no year: skipped with its id and the reason.
    assert listing.skipped == [
        "OpenAlex work https://openalex.org/W4417004004: no publication year a paper may "
        "have (None)"
    ]


def test_openalex_without_a_key_sends_none(settings):
    settings.OPENALEX_API_KEY = ""
    seen = []
    OpenAlexWorks(replay(recorded("openalex_works_page2.json"), seen=seen)).works(OPENALEX_ID)
    assert "api_key" not in seen[0].url.params


def test_a_429_then_success_waits_the_time_asked():
    clock = Clock()
    transport = replay(
        (429, b'{"error": "rate limit"}', {"Retry-After": "7"}),
        recorded("crossref_orcid_works.json"),
    )

    listing = CrossrefWorks(transport, sleep=clock.sleep, clock=clock).works(ORCID)

    assert clock.waits == [7.0]
    assert len(listing.works) == 2


def test_a_retry_after_date_is_read_as_seconds():
    response = httpx.Response(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert retry_after(response) == 0.0
    assert retry_after(httpx.Response(503, headers={"Retry-After": "soon"})) is None


def test_server_errors_are_retried_then_reported():
    clock = Clock()
    transport = replay((502, b""), (503, b""), (500, b""))
    with pytest.raises(SourceError, match="answered HTTP 500, 3 attempts"):
        OpenAlexWorks(transport, sleep=clock.sleep, clock=clock).works(OPENALEX_ID)
    assert clock.waits == [1, 2]  # back-off: 1 s, then 2 s


def test_crossref_asks_by_orcid_and_finds_the_researcher_by_id(settings):
    settings.CONTACT_EMAIL = "lab@example.org"
    seen = []

    listing = CrossrefWorks(replay(recorded("crossref_orcid_works.json"), seen=seen)).works(ORCID)

    assert seen[0].url.params["filter"] == f"orcid:{ORCID}"
    assert "mailto:lab@example.org" in seen[0].headers["User-Agent"]
    embedding, reasoning = listing.works
    assert embedding.source_id == "10.4208/csiam-am.SO-2023-0020"
    assert (embedding.work.volume, embedding.work.issue, embedding.author_position) == ("5", "2", 1)
    assert reasoning.work.venue == "Neural Networks" and reasoning.author_position == 3
    assert reasoning.work.abstract.startswith("The reasoning ability")
    assert "<jats:p>" in reasoning.record["abstract"]  # the record kept as it came
    # One item has an empty title list: skipped, named by its DOI.
    assert listing.skipped == ["Crossref work 10.4208/jml.240101: list index out of range"]


def test_crossref_answer_without_items_is_an_error():
    body = json.dumps({"status": "ok", "message": {"total-results": 0}}).encode()
    with pytest.raises(SourceError, match="no list of works"):
        CrossrefWorks(replay((200, body))).works(ORCID)


def test_arxiv_reads_an_author_feed_and_skips_an_entry_without_a_date():
    seen = []

    listing = ArxivAuthor(replay(recorded("arxiv_author_bai_z_1.atom"), seen=seen)).works("bai_z_1")

    assert str(seen[0].url) == "https://export.arxiv.org/a/bai_z_1.atom"
    adam, spikes = listing.works
    assert (adam.source_id, adam.work.year, adam.work.month, adam.work.arxiv_category) == (
        "2603.09581",
        2026,
        3,
        "cs.LG",
    )
    assert adam.work.title == (
        "Towards Understanding Adam Convergence on Highly Degenerate Polynomials"
    )
    assert spikes.work.authors == ["Zhiwei Bai", "Zhangchen Zhou", "Zhi-Qin John Xu"]
    assert "<ns0:id>http://arxiv.org/abs/2506.04805v2</ns0:id>" in spikes.record["entry"]
    assert listing.skipped == ["arXiv entry #3: no publication date"]


def test_arxiv_waits_three_seconds_between_requests():
    clock = Clock()
    feed = recorded("arxiv_author_bai_z_1.atom")
    source = ArxivAuthor(replay(feed, feed), sleep=clock.sleep, clock=clock)

    source.works("bai_z_1")
    clock.now += 1.0  # a second of other work
    source.works("0000-0002-1825-0097")

    assert clock.waits == [2.0]


@pytest.mark.parametrize("author_id", ["", "../api/query", "bai.z"])
def test_arxiv_refuses_what_is_no_author_identifier(author_id):
    transport = httpx.MockTransport(lambda request: pytest.fail("asked the network"))
    with pytest.raises(SourceError, match="no arXiv author identifier"):
        ArxivAuthor(transport).works(author_id)


def test_arxiv_feed_that_is_no_xml_is_an_error():
    with pytest.raises(SourceError, match="cannot be read"):
        ArxivAuthor(replay((200, b"Rate exceeded."))).works("bai_z_1")
