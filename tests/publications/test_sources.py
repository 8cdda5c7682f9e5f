"""Crossref, arXiv and OpenAlex against recorded answers through a mocked transport."""

import json
from pathlib import Path

import httpx
import pytest
from django.core.management import CommandError, call_command

from core.changes import current_version
from core.http import SourceError
from publications.importer import Importer
from publications.management.commands.import_doi import Command as ImportDoi
from publications.models import CitationCount, Publication
from publications.sources import Arxiv, Crossref, OpenAlex
from tests import factories as f

RECORDED = Path(__file__).parent / "recorded"
FREQUENCY_DOI = "10.4208/cicp.OA-2020-0085"


def replay(*answers, seen=None):
    """A transport giving these answers in turn: (status, body, headers) or an exception."""
    queue = list(answers)

    def handler(request):
        if seen is not None:
            seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body, *headers = answer
        return httpx.Response(status, content=body, headers=headers[0] if headers else None)

    return httpx.MockTransport(handler)


def recorded(name):
    return (200, (RECORDED / name).read_bytes())


@pytest.fixture
def no_sleep():
    waits = []
    return waits, waits.append


def test_crossref_gives_a_paper_and_says_who_asks(settings):
    settings.CONTACT_EMAIL = "lab@example.org"
    seen = []
    source = Crossref(replay(recorded("crossref_frequency.json"), seen=seen))

    entry = source.entry(f"https://doi.org/{FREQUENCY_DOI}")

    assert seen[0].url.path == f"/works/{FREQUENCY_DOI}"
    assert "mailto:lab@example.org" in seen[0].headers["User-Agent"]
    assert (entry.title, entry.year, entry.month, entry.kind) == (
        "Frequency Principle: Fourier Analysis Sheds Light on Deep Neural Networks",
        2020,
        11,
        "article",
    )
    assert entry.authors[0] == "Zhi-Qin John Xu"
    assert entry.venue == "Communications in Computational Physics"
    assert entry.abstract.startswith("We study the training process")


def test_arxiv_gives_a_preprint():
    entry = Arxiv(replay(recorded("arxiv_loss_spikes.xml"))).entry("arXiv:2506.04805v2")

    assert (entry.arxiv_id, entry.arxiv_category, entry.kind) == ("2506.04805", "cs.LG", "preprint")
    assert entry.authors == ["Zhiwei Bai", "Zhangchen Zhou", "Zhi-Qin John Xu"]
    assert entry.abstract.startswith("Loss spikes emerge commonly during training")


def test_a_429_is_retried_after_the_time_asked(no_sleep):
    waits, sleep = no_sleep
    transport = replay((429, b"", {"Retry-After": "3"}), recorded("crossref_frequency.json"))

    entry = Crossref(transport, sleep=sleep).entry(FREQUENCY_DOI)

    assert waits == [3.0]
    assert entry.doi == FREQUENCY_DOI


@pytest.mark.parametrize(
    "answers, message",
    [
        ([(404, b"Resource not found.")], "Crossref: nothing found at"),
        ([(429, b"")] * 3, "Crossref answered HTTP 429, 3 attempts"),
        ([(200, b"{not json")], "Crossref sent malformed JSON"),
        ([(200, b'{"message": {"DOI": "10.1/x", "title": []}}')], "lacks what a paper needs"),
        ([httpx.ConnectError("no route")] * 3, "Crossref is unreachable (ConnectError)"),
        ([httpx.ReadTimeout("slow")] * 3, "Crossref did not answer in time"),
    ],
)
def test_crossref_failures_are_named(answers, message, no_sleep):
    waits, sleep = no_sleep
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Crossref(replay(*answers), sleep=sleep).entry("10.1/x")
    assert len(waits) == len(answers) - 1  # backed off between attempts, not after the last


def test_arxiv_without_such_a_paper_is_named():
    empty = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
    with pytest.raises(SourceError, match=r"arXiv's answer for 9999\.99999 cannot be read"):
        Arxiv(replay((200, empty))).entry("9999.99999")


@pytest.mark.django_db
def test_a_doi_import_goes_through_the_importer(monkeypatch):
    monkeypatch.setattr(
        ImportDoi,
        "source_class",
        staticmethod(lambda: Crossref(replay(recorded("crossref_frequency.json")))),
    )
    call_command("import_doi", FREQUENCY_DOI, verbosity=0)
    paper = Publication.objects.get()
    assert paper.doi == FREQUENCY_DOI
    assert paper.authorships.count() == 5


@pytest.mark.django_db
def test_an_unreachable_source_imports_nothing(monkeypatch):
    monkeypatch.setattr(
        ImportDoi,
        "source_class",
        staticmethod(
            lambda: Crossref(replay(*[httpx.ConnectError("down")] * 3), sleep=lambda s: None)
        ),
    )
    with pytest.raises(CommandError, match=r"unreachable.*Nothing was imported"):
        call_command("import_doi", FREQUENCY_DOI, "10.1/other", verbosity=0)
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_sync_citations_writes_totals_and_years_in_one_go():
    paper = f.PublicationFactory(doi=FREQUENCY_DOI)
    unknown = f.PublicationFactory(doi="10.5555/unknown")
    f.CitationCountFactory(publication=paper, year=2019, count=1)
    seen = []
    source = OpenAlex(replay(recorded("openalex_works.json"), seen=seen))
    before = current_version()

    result = source.sync_citations([paper, unknown])

    assert (result.papers, result.updated, result.not_found) == (2, 1, 1)
    assert "doi:10.4208/cicp.OA-2020-0085|10.5555/unknown" in str(seen[0].url.params["filter"])
    paper.refresh_from_db()
    assert paper.citation_count == 612
    assert dict(paper.citation_counts.values_list("year", "count")) == {
        2023: 150,
        2024: 180,
        2025: 140,
    }
    assert current_version() != before

    again = OpenAlex(replay(recorded("openalex_works.json"))).sync_citations([paper, unknown])
    assert again.updated == 0


@pytest.mark.django_db
def test_sync_citations_changes_nothing_when_openalex_fails(monkeypatch):
    paper = f.PublicationFactory(doi=FREQUENCY_DOI, citation_count=7)
    bad = json.dumps({"error": "Invalid query"}).encode()
    monkeypatch.setattr(
        "publications.management.commands.sync_citations.OpenAlex",
        lambda: OpenAlex(replay((200, bad))),
    )
    with pytest.raises(CommandError, match=r"no list of results\. No counts were changed"):
        call_command("sync_citations", verbosity=0)
    paper.refresh_from_db()
    assert paper.citation_count == 7
    assert not CitationCount.objects.exists()


@pytest.mark.django_db
def test_an_arxiv_preprint_and_its_published_version_stay_one_paper():
    Importer().run([Arxiv(replay(recorded("arxiv_loss_spikes.xml"))).entry("2506.04805")])
    assert Publication.objects.get().arxiv_id == "2506.04805"


def test_a_time_limit_bounds_every_request_retry_and_wait():
    now, seen, waits = [100.0], [], []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    def slow(request):
        seen.append(request.extensions["timeout"]["read"])
        now[0] += 8  # each attempt takes 8 s before it times out
        raise httpx.ReadTimeout("slow")

    source = Crossref(httpx.MockTransport(slow), sleep=sleep, clock=lambda: now[0]).within(12)

    with pytest.raises(SourceError, match="Crossref did not answer everything within 12 seconds"):
        source.entry("10.1/x")
    assert seen == [10.0, 3.0]  # the second attempt gets what is left after the 1 s wait
    assert waits == [1]
