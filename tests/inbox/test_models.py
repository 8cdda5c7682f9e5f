"""The candidate's constraints: what keeps a work from being filed twice for a researcher."""

import pytest
from django.db import IntegrityError

from inbox.models import Candidate
from tests import factories as f

pytestmark = pytest.mark.django_db


def second(**same):
    first = f.CandidateFactory(**same)
    return {"researcher": first.researcher, **same}


VIOLATIONS = {
    "candidate_unique_source_id": lambda: f.CandidateFactory(
        **second(source="arxiv", source_id="2506.04805")
    ),
    "candidate_unique_doi": lambda: f.CandidateFactory(
        **{**second(doi="10.4208/cicp.OA-2020-0085"), "doi": "10.4208/CICP.oa-2020-0085"}
    ),
    "candidate_unique_arxiv": lambda: f.CandidateFactory(**second(arxiv_id="2506.04805")),
    "candidate_unique_title": lambda: f.CandidateFactory(
        **second(title="Loss spikes", normalized_title="loss spikes")
    ),
    "candidate_known_status": lambda: f.CandidateFactory(status="maybe"),
}


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_database_refuses_bad_candidates(name):
    with pytest.raises(IntegrityError, match=name):
        VIOLATIONS[name]()


def test_two_researchers_may_each_have_the_same_work():
    for _ in range(2):
        f.CandidateFactory(doi="10.4208/cicp.OA-2020-0085", arxiv_id="2506.04805", title="Same")
    assert Candidate.objects.count() == 2
