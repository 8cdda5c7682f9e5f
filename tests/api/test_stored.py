"""The papers' stored JSON (publications.rendering stores what publications.api writes):
the API answers with the very bytes DRF's walk of the serializers' declared fields gives,
in each language and for any host, and every change that the JSON shows stores it again."""

from functools import partial

import pytest
from django.core.management import call_command
from django.utils import translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.models import Visibility
from publications.models import Authorship, Publication
from tests.api.test_representations import generic_paper, odd_papers
from tests.factories import (
    AuthorshipFactory,
    PublicationFactory,
    ResearcherFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/publications/"
# (language, request headers): each language, and another scheme, host and port.
CLIENTS = [
    ("en", {}),
    ("zh-hans", {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}),
    ("en", {"HTTP_HOST": "localhost:8000", "secure": True}),
]


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.PAGE_CACHE_SECONDS = 0


def generic_json(data, path, language, headers, accept=None):
    """``data`` (a function of the request) as DRF's JSONRenderer writes it."""
    request = Request(APIRequestFactory().get(path, **headers))
    with translation.override(language):
        return JSONRenderer().render(data(request), accept)


def generic_page(response, papers, language, headers, accept=None):
    """The answer's page with ``papers`` in DRF's walk of their fields."""
    wrapper = response.json()

    def page(request):
        return {**wrapper, "results": [generic_paper(paper, request) for paper in papers]}

    return generic_json(page, response.request["PATH_INFO"], language, headers, accept)


def generic_one(paper, path, language="en", headers=None, accept=None):
    """The paper in DRF's walk of its fields."""
    return generic_json(partial(generic_paper, paper), path, language, headers or {}, accept)


def public_papers():
    return list(Publication.objects.public().with_authors())


@pytest.mark.parametrize("language, headers", CLIENTS)
def test_the_list_is_the_generic_walk_byte_for_byte(demo, client, language, headers):
    odd_papers()
    papers = public_papers()
    response = client.get(LIST, {"page_size": 100}, **headers)

    assert response["Content-Type"] == "application/json"
    assert response.json()["count"] == len(papers) >= 20
    assert response.content == generic_page(response, papers, language, headers)


@pytest.mark.parametrize("language, headers", CLIENTS)
def test_each_paper_is_the_generic_walk_byte_for_byte(demo, client, language, headers):
    odd_papers()
    for paper in public_papers():
        path = f"{LIST}{paper.slug}/"
        response = client.get(path, **headers)
        assert response.content == generic_one(paper, path, language, headers), paper.slug


def test_an_indented_answer_is_the_generic_walk_indented(demo, client):
    accept = "application/json; indent=2"
    page = client.get(LIST, HTTP_ACCEPT=accept)
    papers = public_papers()[:20]
    paper = papers[0]
    one = client.get(f"{LIST}{paper.slug}/", HTTP_ACCEPT=accept)

    assert page.content.startswith(b'{\n  "count"')
    assert page.content == generic_page(page, papers, "en", {}, accept)
    assert one.content == generic_one(paper, one.request["PATH_INFO"], accept=accept)


def test_links_repeat_a_format_asked_for_by_name(demo, client):
    """DRF's links keep ``?format=``: such an answer is made afresh, not read."""
    response = client.get(LIST, {"format": "json"})
    paper = Publication.objects.public().with_authors().first()
    first = response.json()["results"][0]

    assert first["url"].endswith(f"/api/v1/publications/{paper.slug}/?format=json")
    assert JSONRenderer().render(first) == generic_one(paper, f"{LIST}?format=json")


def test_one_researchers_papers_are_the_generic_walk(demo, client):
    ann = Authorship.objects.filter(researcher__is_member=True).first().researcher
    papers = list(Publication.objects.public().for_researcher(ann).with_authors())
    response = client.get(f"/api/v1/researchers/{ann.slug}/publications/", {"page_size": 100})

    assert response.json()["count"] == len(papers) > 0
    assert response.content == generic_page(response, papers, "en", {})


def test_a_filtered_list_and_a_search_are_the_generic_walk(demo, client):
    paper = Publication.objects.public().exclude(venue=None).first()
    for query in ({"venue": paper.venue.slug, "ordering": "-citations"}, {"q": paper.title}):
        response = client.get(LIST, query)
        slugs = [result["slug"] for result in response.json()["results"]]
        by_slug = {paper.slug: paper for paper in public_papers()}
        assert paper.slug in slugs
        papers = [by_slug[slug] for slug in slugs]
        assert response.content == generic_page(response, papers, "en", {})


# Each change the stored JSON shows, and what it shows afterwards.
def rename_paper(paper):
    paper.title = "A title edited"
    paper.save()
    return "A title edited"


def count_citations(paper):
    paper.citation_count = 4321
    paper.save()
    return '"citation_count":4321'


def rename_author(paper):
    person = paper.authorships.first().researcher
    person.full_name = "Renamed Person"
    person.save()
    return '"name":"Renamed Person"'


def give_native_name(paper):
    person = paper.authorships.first().researcher
    person.native_name = "白志威"
    person.save()
    return '"native_name":"白志威"'


def give_orcid(paper):
    person = paper.authorships.first().researcher
    person.orcid = "0000-0002-1825-0097"
    person.save()
    return '"orcid":"0000-0002-1825-0097"'


def move_author(paper):
    person = paper.authorships.first().researcher
    person.slug = "moved-person"
    person.save()
    return "/people/moved-person/"


def hide_author(paper):
    authorship = paper.authorships.first()
    authorship.researcher.visibility = Visibility.HIDDEN
    authorship.researcher.save()
    return '"researcher":null'


def end_membership(paper):
    person = paper.authorships.first().researcher
    person.is_member = False
    person.save()
    return f'"slug":"{person.slug}","name":"{person.full_name}","native_name":"","orcid":"",' + (
        '"url":null,"html_url":null'
    )


def print_name(paper):
    authorship = paper.authorships.first()
    authorship.printed_name = "A. N. Other"
    authorship.corresponding = True
    authorship.save()
    return '"name":"A. N. Other","equal_contribution":false,"corresponding":true'


def add_author(paper):
    AuthorshipFactory(
        publication=paper, researcher=ResearcherFactory(full_name="New Coauthor"), position=2
    )
    return '"name":"New Coauthor"'


def remove_author(paper):
    paper.authorships.first().delete()
    return '"authors":[]'


def rename_venue(paper):
    paper.venue.name = "Renamed Venue"
    paper.venue.save()
    return '"name":"Renamed Venue"'


def move_venue(paper):
    paper.venue.slug = "moved-venue"
    paper.venue.save()
    return '"slug":"moved-venue"'


def change_venue(paper):
    paper.venue = VenueFactory(name="Other Venue", slug="other-venue")
    paper.save()
    return "/api/v1/venues/other-venue/"


def write_past_the_signals(paper):
    """A bulk write, then the command that renders what bulk writes left out."""
    Publication.objects.filter(pk=paper.pk).update(note="Oral")
    call_command("render_publications", verbosity=0)
    return '"note":"Oral"'


@pytest.mark.parametrize(
    "change",
    [
        rename_paper,
        count_citations,
        rename_author,
        give_native_name,
        give_orcid,
        move_author,
        hide_author,
        end_membership,
        print_name,
        add_author,
        remove_author,
        rename_venue,
        move_venue,
        change_venue,
        write_past_the_signals,
    ],
)
def test_every_change_the_json_shows_is_stored_again(client, change):
    author = ResearcherFactory(is_member=True)
    paper = PublicationFactory()
    AuthorshipFactory(publication=paper, researcher=author, position=1)
    path = f"{LIST}{paper.slug}/"
    before = client.get(path).content

    shown = change(Publication.objects.get(pk=paper.pk))
    after = client.get(path)
    paper = Publication.objects.with_authors().get(pk=paper.pk)

    assert shown in after.content.decode() and after.content != before
    assert after.content == generic_one(paper, path)
    assert client.get(LIST).json()["results"] == [after.json()]


def test_the_stored_totals_follow_papers_added_and_hidden(client):
    author = ResearcherFactory(is_member=True)
    papers = [PublicationFactory() for _ in range(3)]
    for paper in papers:
        AuthorshipFactory(publication=paper, researcher=author, position=1)
    theirs = f"/api/v1/researchers/{author.slug}/publications/"
    assert client.get(LIST).json()["count"] == 3
    assert client.get(theirs)["X-Total-Count"] == "3"

    papers[0].visibility = Visibility.HIDDEN
    papers[0].save()
    PublicationFactory()

    assert client.get(LIST).json()["count"] == Publication.objects.public().count() == 3
    assert client.get(theirs, {"format": "bibtex"})["X-Total-Count"] == "2"
    assert client.get(LIST, {"page": 2}).status_code == 404
    assert client.get(LIST, {"page_size": 2, "page": 2}).json()["previous"] is not None


def test_a_paper_not_rendered_yet_is_answered_from_its_fields(client):
    """Written past the signals and before render_publications: the list and the paper
    answer as DRF's walk of the fields does, not with an error."""
    paper = AuthorshipFactory(researcher__is_member=True).publication
    Publication.objects.filter(pk=paper.pk).update(api_json={})
    for path in (LIST, f"{LIST}{paper.slug}/"):
        response = client.get(path)
        assert response.status_code == 200
        assert paper.title in response.content.decode()
