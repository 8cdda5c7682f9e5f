"""Harvests on the recorded answers: what is filed, what is known already, what is skipped,
and the command that runs them."""

import pytest
from django.core.management import CommandError, call_command

from core.changes import current_version
from inbox.models import Candidate
from inbox.services import candidates_harvest, candidates_reject
from publications.models import Publication
from tests import factories as f
from tests.inbox.clients import ARXIV_ID, OPENALEX_ID, ORCID, recorded_clients

pytestmark = pytest.mark.django_db

EMBEDDING_DOI = "10.4208/csiam-am.SO-2023-0020"


@pytest.fixture
def bai():
    return f.ResearcherFactory(
        full_name="Zhiwei Bai",
        given_name="Zhiwei",
        family_name="Bai",
        is_member=True,
        orcid=ORCID,
        openalex_id=OPENALEX_ID,
        arxiv_author_id=ARXIV_ID,
    )


@pytest.fixture
def on_the_site(bai):
    """The paper all three of ORCID, OpenAlex and Crossref list, on the site already."""
    paper = f.PublicationFactory(
        title="Embedding Principle in Depth for the Loss Landscape Analysis of Deep Neural "
        "Networks",
        year=2024,
        doi=EMBEDDING_DOI,
    )
    f.AuthorshipFactory(publication=paper, researcher=bai, position=1)
    return paper


def harvest(researcher, sources=None, **answers):
    kwargs = {"sources": sources} if sources else {}
    return candidates_harvest(researcher=researcher, clients=recorded_clients(**answers), **kwargs)


def filed(researcher):
    return sorted(
        Candidate.objects.for_researcher(researcher).values_list("source", "source_id", "title")
    )


def test_a_harvest_files_each_work_once_and_none_on_the_site(bai, on_the_site):
    report = harvest(bai)

    assert filed(bai) == [
        (
            "crossref",
            "10.1016/j.neunet.2025.107512",
            "Scalable Complexity Control Facilitates Reasoning Ability of LLMs",
        ),
        ("openalex", "W4411002002", "Adaptive Preconditioners Trigger Loss Spikes in Adam"),
        (
            "openalex",
            "W4416003003",
            "Towards Understanding Adam Convergence on Highly Degenerate Polynomials",
        ),
        (
            "orcid",
            "165501234",
            "Connectivity Shapes Implicit Regularization in Matrix "
            "Factorization Models for Matrix Completion",
        ),
    ]
    # The paper on the site (from ORCID, OpenAlex and Crossref) and two of arXiv's works,
    # filed from OpenAlex just before.
    assert report.known == 5
    assert report.asked == ["ORCID", "OpenAlex", "Crossref", "arXiv"]
    assert len(report.skipped) == 4 and not report.failed
    assert report.summary() == (
        "Zhiwei Bai: asked ORCID, OpenAlex, Crossref, arXiv; 4 new candidates, 5 known "
        "already, 4 records skipped, 0 sources failed."
    )


def test_a_candidate_keeps_what_the_source_said(bai, on_the_site):
    harvest(bai, sources=["openalex"])

    spikes = Candidate.objects.get(source_id="W4411002002")
    assert spikes.status == Candidate.Status.NEW
    assert (spikes.arxiv_id, spikes.doi, spikes.year, spikes.kind) == (
        "2506.04805",
        "",
        2025,
        "preprint",
    )
    assert spikes.normalized_title == "adaptive preconditioners trigger loss spikes in adam"
    assert spikes.authors == ["Zhangchen Zhou", "Bai, Zhiwei", "Zhi-Qin John Xu"]
    assert spikes.author_position == 2
    assert spikes.record["id"] == "https://openalex.org/W4411002002"
    assert spikes.work["arxiv_id"] == "2506.04805"


def test_a_second_harvest_files_nothing_again(bai):
    harvest(bai)
    before = filed(bai)

    report = harvest(bai)

    assert filed(bai) == before and not report.filed
    assert report.known == 9  # every work the four list, none skipped


def test_a_rejected_work_never_comes_back_from_any_source(bai):
    harvest(bai, sources=["openalex"])
    spikes = Candidate.objects.get(source_id="W4411002002")
    candidates_reject(candidates=[spikes], user=None)

    # arXiv lists it under its own id; the rejected candidate's arXiv id keeps it out.
    report = harvest(bai, sources=["arxiv"])

    assert not report.filed and report.known == 2
    spikes.refresh_from_db()
    assert spikes.status == Candidate.Status.REJECTED
    assert Candidate.objects.filter(arxiv_id="2506.04805").count() == 1


def test_a_paper_with_the_same_title_in_another_year_is_the_same_work(bai):
    f.PublicationFactory(
        title="Scalable complexity control facilitates reasoning ability of LLMs.",
        year=2024,
        kind=Publication.Kind.PREPRINT,
    )

    report = harvest(bai, sources=["crossref"])

    assert report.filed == [
        "Crossref: Embedding Principle in Depth for the Loss Landscape Analysis of Deep "
        "Neural Networks"
    ]
    assert report.known == 1


def test_a_source_that_fails_is_reported_and_the_others_file(bai):
    report = harvest(bai, orcid=[(500, b""), (502, b""), (503, b"")])

    assert report.failed == ["ORCID: ORCID answered HTTP 503, 3 attempts; try again later."]
    assert Candidate.objects.filter(source="orcid").count() == 0
    assert Candidate.objects.filter(source="openalex").count() == 3


def test_a_broken_record_is_skipped_with_its_reason(bai):
    report = harvest(bai, sources=["crossref", "arxiv"])

    assert report.skipped == [
        "Crossref: Crossref work 10.4208/jml.240101: list index out of range",
        "arXiv: arXiv entry #3: no publication date",
    ]


def test_a_record_the_model_refuses_is_skipped_and_the_rest_filed(bai, monkeypatch):
    real = recorded_clients()

    def with_a_bad_doi(researcher):
        listing = real["crossref"](researcher)
        listing.works[0].work.doi = "not a doi"
        return listing

    report = candidates_harvest(
        researcher=bai, sources=["crossref"], clients={"crossref": with_a_bad_doi}
    )

    assert len(report.filed) == 1
    assert report.skipped[-1].startswith("Crossref: 10.4208/csiam-am.SO-2023-0020: doi: ")


def test_a_harvest_files_all_or_nothing(bai, monkeypatch):
    saves = []
    original = Candidate.save

    def failing_second(self, *args, **kwargs):
        saves.append(self)
        if len(saves) == 2:
            raise RuntimeError("the database went away")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Candidate, "save", failing_second)
    with pytest.raises(RuntimeError):
        harvest(bai, sources=["openalex"])
    assert Candidate.objects.count() == 0


def test_sources_the_researcher_has_no_id_for_are_not_asked():
    person = f.ResearcherFactory(is_member=True, orcid=ORCID)

    report = harvest(person)

    assert report.asked == ["ORCID", "Crossref"]
    assert report.not_asked == ["OpenAlex: no OpenAlex id", "arXiv: no arXiv author id"]


def test_filing_candidates_changes_no_public_page(bai):
    before = current_version()
    harvest(bai)
    assert Candidate.objects.count() == 5
    assert current_version() == before


def test_the_command_harvests_one_researcher(bai, monkeypatch, capsys):
    monkeypatch.setattr("inbox.services.default_clients", recorded_clients)

    call_command("harvest", "--researcher", bai.slug, "--source", "orcid", verbosity=2)

    out, err = capsys.readouterr()
    assert "new: ORCID: Connectivity Shapes Implicit Regularization" in out
    assert "Zhiwei Bai: asked ORCID; 2 new candidates" in out
    assert "skipped: ORCID: entry orcid-work-171110422: The ORCID record is malformed" in err
    assert Candidate.objects.filter(source="orcid").count() == 2


def test_the_command_harvests_every_member(bai, monkeypatch, capsys):
    f.ResearcherFactory(is_member=False, orcid="0000-0001-5109-3700")  # a co-author only
    monkeypatch.setattr("inbox.services.default_clients", recorded_clients)

    call_command("harvest", "--source", "arxiv")

    assert capsys.readouterr().out.count("asked") == 1
    assert Candidate.objects.filter(researcher=bai).count() == 2


def test_the_command_refuses_an_unknown_researcher():
    with pytest.raises(CommandError, match="No researcher with the slug “nobody”"):
        call_command("harvest", "--researcher", "nobody")


def test_the_command_refuses_an_unknown_source(bai):
    with pytest.raises(CommandError, match="invalid choice: 'scholar'"):
        call_command("harvest", "--source", "scholar")
