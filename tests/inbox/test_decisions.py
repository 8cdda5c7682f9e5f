"""Accepting a candidate makes it a paper through the importer; rejecting one is final."""

import pytest

from inbox.models import Candidate
from inbox.services import candidates_accept, candidates_harvest, candidates_reject
from profiles.models import Researcher
from publications.models import ImportRecord, Publication
from tests import factories as f
from tests.inbox.clients import ARXIV_ID, OPENALEX_ID, ORCID, recorded_clients

pytestmark = pytest.mark.django_db


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
def xu():
    return f.ResearcherFactory(
        full_name="Zhi-Qin John Xu", given_name="Zhi-Qin John", family_name="Xu", is_member=True
    )


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(username="editor", is_staff=True)


def harvested(researcher, source, source_id):
    candidates_harvest(researcher=researcher, sources=[source], clients=recorded_clients())
    return Candidate.objects.get(researcher=researcher, source=source, source_id=source_id)


def test_accepting_makes_a_paper_with_its_authors_matched(bai, xu, editor):
    candidate = harvested(bai, "crossref", "10.1016/j.neunet.2025.107512")

    decision = candidates_accept(candidates=[candidate], user=editor)

    assert decision.accepted == [str(candidate)] and not decision.skipped
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.ACCEPTED
    assert candidate.decided_by == editor and candidate.decided is not None
    paper = candidate.publication
    assert (paper.title, paper.doi, paper.year, paper.venue.name) == (
        "Scalable Complexity Control Facilitates Reasoning Ability of LLMs",
        "10.1016/j.neunet.2025.107512",
        2025,
        "Neural Networks",
    )
    authors = [(a.position, a.researcher) for a in paper.authorships.order_by("position")]
    assert authors[2:] == [(3, bai), (4, xu)]
    assert ImportRecord.objects.get(publication=paper).source == "crossref"


def test_the_researcher_takes_the_place_the_source_named_by_id(bai, editor):
    # OpenAlex prints "Bai, Zhiwei" second, and says by the author id that it is Bai.
    candidate = harvested(bai, "openalex", "W4411002002")

    decision = candidates_accept(candidates=[candidate], user=editor)

    candidate.refresh_from_db()
    authorships = candidate.publication.authorships.order_by("position")
    assert [a.researcher.full_name for a in authorships] == [
        "Zhangchen Zhou",
        "Zhiwei Bai",
        "Zhi-Qin John Xu",
    ]
    assert authorships[1].researcher == bai and authorships[1].printed_name == "Bai, Zhiwei"
    # No name-only "Bai, Zhiwei" is left behind.
    assert not Researcher.objects.filter(full_name="Bai, Zhiwei").exists()
    assert not decision.warnings


def test_a_work_already_on_the_site_is_linked_not_copied(bai, editor):
    candidate = f.CandidateFactory(
        researcher=bai,
        title="Adaptive Preconditioners Trigger Loss Spikes in Adam",
        arxiv_id="2506.04805",
        kind=Publication.Kind.PREPRINT,
    )
    paper = f.PublicationFactory(title="Adaptive preconditioners", arxiv_id="2506.04805")
    f.AuthorshipFactory(publication=paper, researcher=bai, position=1)

    candidates_accept(candidates=[candidate], user=editor)

    candidate.refresh_from_db()
    assert candidate.publication == paper
    assert Publication.objects.count() == 1


def test_a_candidate_the_importer_refuses_stays_new(bai, editor):
    candidate = f.CandidateFactory(researcher=bai)
    candidate.work = {**candidate.work, "title": "x" * 600}
    candidate.save()

    decision = candidates_accept(candidates=[candidate], user=editor)

    assert decision.skipped and "title cannot be stored" in decision.skipped[0]
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.NEW
    assert Publication.objects.count() == 0


def test_rejecting_is_final(bai, editor):
    candidate = f.CandidateFactory(researcher=bai)

    rejected = candidates_reject(candidates=[candidate], user=editor)
    accepted = candidates_accept(candidates=[candidate], user=editor)

    assert rejected.rejected == [str(candidate)]
    assert accepted.not_new == [str(candidate)] and not accepted.accepted
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.REJECTED and candidate.decided_by == editor
    assert Publication.objects.count() == 0


def test_an_accepted_candidate_cannot_be_rejected(bai, editor):
    candidate = f.CandidateFactory(researcher=bai)
    candidates_accept(candidates=[candidate], user=editor)

    decision = candidates_reject(candidates=[candidate], user=editor)

    assert decision.not_new == [str(candidate)]
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.ACCEPTED


def test_several_candidates_are_accepted_in_one_go(bai, editor):
    candidates_harvest(researcher=bai, clients=recorded_clients())

    decision = candidates_accept(candidates=Candidate.objects.all(), user=editor)

    assert len(decision.accepted) == 5 and not decision.skipped
    assert Publication.objects.count() == 5
    assert set(Publication.objects.filter(authorships__researcher=bai)) == set(
        Publication.objects.all()
    )
