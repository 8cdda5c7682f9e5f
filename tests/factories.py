import datetime

import factory
from django.contrib.contenttypes.models import ContentType
from factory.django import DjangoModelFactory

from core.changes import content_changed
from core.models import SeedRecord
from cv.models import Award, ResearchInterest, Service
from events.models import Event, Participation, Talk, TalkHost, TalkSpeaker
from inbox.models import Candidate
from profiles.models import (
    Education,
    MetricsSnapshot,
    Organization,
    Position,
    ProfileSection,
    Project,
    ProjectMember,
    Researcher,
    Teaching,
)
from publications import rendering
from publications.importer import normal_title
from publications.models import Authorship, CitationCount, Publication, Venue


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"University {n}")
    kind = Organization.Kind.UNIVERSITY
    city = "Shanghai"
    country = "China"


class ResearcherFactory(DjangoModelFactory):
    """A name-only co-author by default; pass ``is_member=True`` for a profile."""

    class Meta:
        model = Researcher

    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    full_name = factory.LazyAttribute(lambda o: f"{o.given_name} {o.family_name}")


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    researcher = factory.SubFactory(ResearcherFactory)
    title = "Ph.D. Student"
    organization = factory.SubFactory(OrganizationFactory)
    start_date = datetime.date(2021, 9, 1)


class EducationFactory(DjangoModelFactory):
    class Meta:
        model = Education

    researcher = factory.SubFactory(ResearcherFactory)
    degree = Education.Degree.BACHELORS
    degree_title = "Bachelor of Science"
    field = "Mathematics"
    institution = factory.SubFactory(OrganizationFactory)
    start_date = datetime.date(2017, 9, 1)
    end_date = datetime.date(2021, 6, 1)


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Journal of Examples {n}")
    kind = Venue.Kind.JOURNAL


class PublicationFactory(DjangoModelFactory):
    class Meta:
        model = Publication

    title = factory.Sequence(lambda n: f"On example number {n}")
    kind = Publication.Kind.JOURNAL_ARTICLE
    year = 2024
    venue = factory.SubFactory(VenueFactory)


class AuthorshipFactory(DjangoModelFactory):
    class Meta:
        model = Authorship

    publication = factory.SubFactory(PublicationFactory)
    researcher = factory.SubFactory(ResearcherFactory)
    position = factory.Sequence(lambda n: n + 1)


class CitationCountFactory(DjangoModelFactory):
    class Meta:
        model = CitationCount

    publication = factory.SubFactory(PublicationFactory)
    year = factory.Sequence(lambda n: 2000 + n % 100)
    count = 7


class ResearchInterestFactory(DjangoModelFactory):
    class Meta:
        model = ResearchInterest

    researcher = factory.SubFactory(ResearcherFactory)
    title = factory.Sequence(lambda n: f"Interest {n}")


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Conference on Examples {n}")
    kind = Event.Kind.CONFERENCE
    city = "Beijing"
    country = "China"
    start_date = datetime.date(2024, 6, 1)
    end_date = datetime.date(2024, 6, 3)


class TalkFactory(DjangoModelFactory):
    class Meta:
        model = Talk

    title = factory.Sequence(lambda n: f"A talk about example {n}")
    date = datetime.date(2024, 6, 2)


class TalkSpeakerFactory(DjangoModelFactory):
    class Meta:
        model = TalkSpeaker

    talk = factory.SubFactory(TalkFactory)
    researcher = factory.SubFactory(ResearcherFactory)
    position = factory.Sequence(lambda n: n + 1)


class TalkHostFactory(DjangoModelFactory):
    class Meta:
        model = TalkHost

    talk = factory.SubFactory(TalkFactory)
    researcher = factory.SubFactory(ResearcherFactory)
    role = TalkHost.Role.HOST


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = Participation

    researcher = factory.SubFactory(ResearcherFactory)
    event = factory.SubFactory(EventFactory)
    role = Participation.Role.VOLUNTEER


class AwardFactory(DjangoModelFactory):
    class Meta:
        model = Award

    researcher = factory.SubFactory(ResearcherFactory)
    title = factory.Sequence(lambda n: f"Prize {n}")
    issuer = factory.SubFactory(OrganizationFactory)
    date = datetime.date(2023, 1, 1)


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    researcher = factory.SubFactory(ResearcherFactory)
    kind = Service.Kind.REVIEWER
    role = "Reviewer"
    venue = factory.SubFactory(VenueFactory)


class TeachingFactory(DjangoModelFactory):
    class Meta:
        model = Teaching

    researcher = factory.SubFactory(ResearcherFactory)
    course = factory.Sequence(lambda n: f"Analysis {n}")
    year = 2023
    term = Teaching.Term.FALL
    organization = factory.SubFactory(OrganizationFactory)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Project {n}")
    kind = Project.Kind.SOFTWARE


class ProjectMemberFactory(DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    researcher = factory.SubFactory(ResearcherFactory)
    role = "Maintainer"


class ProfileSectionFactory(DjangoModelFactory):
    class Meta:
        model = ProfileSection

    researcher = factory.SubFactory(ResearcherFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    body = "Some *Markdown*."


class MetricsSnapshotFactory(DjangoModelFactory):
    class Meta:
        model = MetricsSnapshot

    researcher = factory.SubFactory(ResearcherFactory)
    source = "Google Scholar"
    as_of = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
    paper_count = 12
    citation_count = 345
    h_index = 8


class SeedRecordFactory(DjangoModelFactory):
    class Meta:
        model = SeedRecord

    class Params:
        target = factory.SubFactory(OrganizationFactory)

    key = factory.Sequence(lambda n: f"demo.row.{n}")
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.target))
    object_id = factory.LazyAttribute(lambda o: o.target.pk)
    fingerprint = "0" * 64


class CandidateFactory(DjangoModelFactory):
    """A harvested work of a member, still new."""

    class Meta:
        model = Candidate

    researcher = factory.SubFactory(ResearcherFactory, is_member=True)
    source = Candidate.Source.OPENALEX
    source_id = factory.Sequence(lambda n: f"W44{n:08d}")
    title = factory.Sequence(lambda n: f"Harvested work {n}")
    doi = ""
    arxiv_id = ""
    normalized_title = factory.LazyAttribute(lambda o: normal_title(o.title))
    year = 2025
    kind = Publication.Kind.JOURNAL_ARTICLE
    authors = factory.LazyAttribute(lambda o: [o.researcher.full_name])
    work = factory.LazyAttribute(
        lambda o: {
            "key": o.source_id,
            "line": 0,
            "kind": o.kind,
            "title": o.title,
            "year": o.year,
            "authors": o.authors,
            "doi": o.doi,
            "arxiv_id": o.arxiv_id,
        }
    )


def author_of_many(researcher, count: int) -> list[Publication]:
    """``count`` public papers by ``researcher`` with a few co-authors, in bulk (fast)."""
    papers = Publication.objects.bulk_create(
        Publication(
            title=f"Bulk paper {number}",
            slug=f"bulk-{researcher.pk}-{number}",
            kind=Publication.Kind.JOURNAL_ARTICLE,
            year=2000 + number % 25,
            citation_count=number % 40,
        )
        for number in range(count)
    )
    coauthors = ResearcherFactory.create_batch(3, is_member=True)
    Authorship.objects.bulk_create(
        [Authorship(publication=p, researcher=researcher, position=1) for p in papers]
        + [
            Authorship(publication=p, researcher=coauthors[n % 3], position=2)
            for n, p in enumerate(papers)
        ]
    )
    # Written past the signals: rendered, and counted as a change, as bulk writers do.
    rendering.written_in_bulk(p.pk for p in papers)
    content_changed()
    return papers
