"""The API's hand-written representations (the paper list's hot path) give exactly what
their serializers' declared fields give through DRF's generic walk, which the schema
describes."""

import json

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from core.models import Visibility
from profiles.api import ResearcherRefSerializer, researcher_ref
from profiles.models import Researcher
from publications.api import AuthorSerializer, PublicationSerializer
from publications.models import Publication
from tests.factories import AuthorshipFactory, PublicationFactory, ResearcherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_():
    from rest_framework.request import Request

    return Request(APIRequestFactory().get("/api/v1/publications/"))


def generic_researcher(researcher, request):
    if researcher.visibility != Visibility.PUBLIC:
        return None
    serializer = ResearcherRefSerializer(context={"request": request})
    return serializers.ModelSerializer.to_representation(serializer, researcher)


def generic_paper(paper, request):
    """DRF's walk of PublicationSerializer's fields, the authors' and their people's."""
    serializer = PublicationSerializer(context={"request": request})
    data = serializers.ModelSerializer.to_representation(serializer, paper)
    authors = AuthorSerializer(context={"request": request})
    data["authors"] = []
    for authorship in paper.authorships.all():
        author = serializers.ModelSerializer.to_representation(authors, authorship)
        author["researcher"] = authorship.researcher and generic_researcher(
            authorship.researcher, request
        )
        data["authors"].append(author)
    return data


def as_json(data):
    return json.loads(json.dumps(data, default=str))


def odd_papers():
    """What the demo lacks: no venue or date, a hidden co-author, a non-member author
    printed under another name, every optional field filled."""
    hidden = ResearcherFactory(visibility=Visibility.HIDDEN)
    outsider = ResearcherFactory(is_member=False, native_name="白志威", orcid="0000-0002-1825-0097")
    bare = PublicationFactory(venue=None, date=None, abstract="", keywords=[])
    AuthorshipFactory(publication=bare, researcher=hidden, position=1)
    AuthorshipFactory(
        publication=bare, researcher=outsider, position=2, printed_name="Z. Bai", corresponding=True
    )
    full = PublicationFactory(
        doi="10.1000/xyz",
        arxiv_id="2401.00001",
        arxiv_category="cs.LG",
        code_url="https://github.com/example/code",
        url="https://publisher.example/paper",
        keywords=["optimisation", "loss spikes"],
        citation_count=7,
        featured=True,
    )
    AuthorshipFactory(publication=full, researcher=outsider, position=1, equal_contribution=True)


def test_every_paper_is_represented_as_its_fields_say(demo, request_):
    odd_papers()
    papers = list(Publication.objects.public().with_authors())
    assert len(papers) >= 20
    for paper in papers:
        fast = PublicationSerializer(paper, context={"request": request_}).data
        assert as_json(fast) == as_json(generic_paper(paper, request_)), paper.slug


def test_every_person_is_referred_to_as_the_fields_say(demo, request_):
    odd_papers()
    people = list(Researcher.objects.all())
    assert any(person.visibility != Visibility.PUBLIC for person in people)
    assert any(not person.has_profile for person in people)
    for person in people:
        assert researcher_ref(person, request_) == generic_researcher(person, request_)
