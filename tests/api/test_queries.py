"""No N+1: every list endpoint makes as many queries for 500 rows as for 5."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.changes import content_changed
from cv.models import Award, ResearchInterest
from events.models import Event, Talk, TalkHost, TalkSpeaker
from profiles.models import Organization, Position, Researcher
from publications import rendering
from publications.models import Authorship, Publication, Venue

pytestmark = pytest.mark.django_db


def bulk_write(add):
    """Bulk writes send no signals; like gendata, they count as a change themselves."""

    def write(start, count):
        add(start, count)
        content_changed()

    return write


@bulk_write
def add_people(start, count):
    org = Organization.objects.get_or_create(slug="org", defaults={"name": "Org"})[0]
    people = Researcher.objects.bulk_create(
        Researcher(slug=f"p{n}", full_name=f"Person {n}", is_member=True)
        for n in range(start, start + count)
    )
    Position.objects.bulk_create(Position(researcher=p, organization=org) for p in people)


@bulk_write
def add_papers(start, count):
    venue = Venue.objects.get_or_create(slug="v", defaults={"name": "V", "kind": "journal"})[0]
    ann = Researcher.objects.get_or_create(
        slug="ann", defaults={"full_name": "Ann", "is_member": True}
    )[0]
    papers = Publication.objects.bulk_create(
        Publication(slug=f"paper-{n}", title=f"Paper {n}", kind="article", year=2020, venue=venue)
        for n in range(start, start + count)
    )
    coauthors = Researcher.objects.bulk_create(
        Researcher(slug=f"co-{n}", full_name=f"Co Author {n}") for n in range(start, start + count)
    )
    Authorship.objects.bulk_create(
        [Authorship(publication=p, researcher=ann, position=1) for p in papers]
        + [
            Authorship(publication=p, researcher=c, position=2)
            for p, c in zip(papers, coauthors, strict=True)
        ]
    )
    rendering.written_in_bulk(p.pk for p in papers)


@bulk_write
def add_talks(start, count):
    ann = Researcher.objects.get_or_create(
        slug="ann", defaults={"full_name": "Ann", "is_member": True}
    )[0]
    series = Event.objects.get_or_create(
        slug="series", defaults={"name": "Series", "kind": "seminar_series"}
    )[0]
    talks = Talk.objects.bulk_create(
        Talk(slug=f"talk-{n}", title=f"Talk {n}", date=datetime.date(2024, 1, 1), event=series)
        for n in range(start, start + count)
    )
    TalkSpeaker.objects.bulk_create(TalkSpeaker(talk=t, researcher=ann) for t in talks)
    TalkHost.objects.bulk_create(TalkHost(talk=t, researcher=ann) for t in talks)


@bulk_write
def add_events(start, count):
    parent = Event.objects.get_or_create(
        slug="conf", defaults={"name": "Conf", "kind": "conference"}
    )[0]
    Event.objects.bulk_create(
        Event(slug=f"event-{n}", name=f"Event {n}", kind="workshop", parent=parent)
        for n in range(start, start + count)
    )


@bulk_write
def add_venues(start, count):
    Venue.objects.bulk_create(
        Venue(slug=f"venue-{n}", name=f"Venue {n}", kind="journal")
        for n in range(start, start + count)
    )


@bulk_write
def add_organizations(start, count):
    parent = Organization.objects.get_or_create(slug="uni", defaults={"name": "Uni"})[0]
    Organization.objects.bulk_create(
        Organization(slug=f"org-{n}", name=f"Org {n}", parent=parent)
        for n in range(start, start + count)
    )


# The content version, (the researcher,) the total, the page, then one query per prefetch;
# a paper's JSON, BibTeX and CSL-JSON are stored on the page's rows, and the papers'
# totals among the stored facet counts (publications.rendering).
ENDPOINTS = [
    ("/api/v1/researchers/", 3, add_people),
    ("/api/v1/publications/", 3, add_papers),
    ("/api/v1/publications/?format=bibtex", 3, add_papers),
    ("/api/v1/publications/?format=ris", 4, add_papers),
    ("/api/v1/publications/?format=csljson", 3, add_papers),
    ("/api/v1/researchers/ann/publications/", 4, add_papers),
    ("/api/v1/talks/", 6, add_talks),
    ("/api/v1/talks/?format=ics", 6, add_talks),
    ("/api/v1/researchers/ann/talks/", 7, add_talks),
    ("/api/v1/events/", 4, add_events),
    ("/api/v1/venues/", 3, add_venues),
    ("/api/v1/organizations/", 3, add_organizations),
]


@pytest.mark.parametrize("path, expected, add", ENDPOINTS)
def test_queries_do_not_grow_with_rows(client, path, expected, add):
    url = f"{path}{'&' if '?' in path else '?'}page_size=100"

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), int(response["X-Total-Count"])

    add(0, 5)
    few, rows = count_queries()
    assert rows >= 5
    add(5, 495)
    many, rows = count_queries()
    assert rows >= 500
    assert few == many == expected


def test_researcher_detail_queries_do_not_grow(client):
    """The nested profile: one query per kind of entry, however many entries and papers."""
    add_papers(0, 5)
    url = "/api/v1/researchers/ann/"

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add_entries(count):
        ann = Researcher.objects.get(slug="ann")
        org = Organization.objects.get_or_create(slug="org", defaults={"name": "Org"})[0]
        Position.objects.bulk_create(
            Position(researcher=ann, organization=org, title=f"Role {n}") for n in range(count)
        )
        Award.objects.bulk_create(
            Award(researcher=ann, title=f"Prize {n}", issuer=org) for n in range(count)
        )
        for n in range(count):
            interest = ResearchInterest.objects.create(researcher=ann, title=f"Topic {n}")
            interest.publications.set(Publication.objects.all()[:3])

    add_entries(2)
    few = count_queries()
    add_papers(5, 295)
    add_entries(20)
    assert count_queries() == few
