"""Bad data against the constraints not covered by the per-app model tests, and a check
that every database constraint of the project is exercised by some test."""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from events.models import Event
from profiles.models import ProfileSection, ResearcherCard
from tests.factories import (
    AwardFactory,
    CitationCountFactory,
    EventFactory,
    GrantFactory,
    GrantInvestigatorFactory,
    MembershipFactory,
    MetricsSnapshotFactory,
    ParticipationFactory,
    ProfileSectionFactory,
    ProjectMemberFactory,
    PublicationFactory,
    ResearcherFactory,
    TalkHostFactory,
    TalkSpeakerFactory,
)

TESTS = Path(__file__).resolve().parent
PROJECT_APPS = ["core", "profiles", "publications", "events", "cv", "inbox"]


def duplicate_of(factory, *fields):
    def violate():
        first = factory()
        factory(**{field: getattr(first, field) for field in fields})

    return violate


def event_inside_itself():
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(parent=event)


def section_titled_alike(language):
    """Two sections of one researcher whose titles differ except in ``language``'s copy
    (django-modeltranslation's per-language columns carry their own unique constraint)."""

    def violate():
        first = ProfileSectionFactory(title="Research")
        second = ProfileSectionFactory(researcher=first.researcher, title="Teaching")
        field = f"title_{language}"
        ProfileSection.objects.filter(pk__in=[first.pk, second.pk]).update(**{field: "研究"})

    return violate


def same_award_other_case():
    GrantFactory(funder_name="NSFC", award_number="12371234")
    GrantFactory(funder_name="nsfc", award_number="12371234")


VIOLATIONS = {
    "researcher_unique_openalex": lambda: [
        ResearcherFactory(openalex_id="A5023888391") for _ in range(2)
    ],
    "project_member_unique": duplicate_of(ProjectMemberFactory, "project", "researcher"),
    "profile_section_unique_title": duplicate_of(ProfileSectionFactory, "researcher", "title"),
    "metrics_snapshot_unique": duplicate_of(
        MetricsSnapshotFactory, "researcher", "source", "as_of"
    ),
    "citation_count_unique_year": duplicate_of(CitationCountFactory, "publication", "year"),
    "citation_count_sane_year": lambda: CitationCountFactory(year=3024),
    "event_not_own_parent": event_inside_itself,
    "talk_speaker_unique": duplicate_of(TalkSpeakerFactory, "talk", "researcher"),
    "talk_host_unique": duplicate_of(TalkHostFactory, "talk", "researcher", "role"),
    "participation_unique": duplicate_of(ParticipationFactory, "researcher", "event", "role"),
    "grant_amount_has_currency": lambda: GrantFactory(amount=100_000, currency=""),
    "grant_end_after_start": lambda: GrantFactory(
        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2023, 12, 31)
    ),
    "grant_unique_award": same_award_other_case,
    "grant_investigator_unique": duplicate_of(GrantInvestigatorFactory, "grant", "researcher"),
    "membership_end_after_start": lambda: MembershipFactory(
        start_date=datetime.date(2021, 9, 1), end_date=datetime.date(2021, 8, 31)
    ),
    "membership_sane_start": lambda: MembershipFactory(start_date=datetime.date(1021, 9, 1)),
    "researcher_card_unique_language": lambda: [
        ResearcherCard.objects.create(researcher=person, language="en", html="<li></li>")
        for person in [ResearcherFactory()] * 2
    ],
    "profile_section_unique_title-en": section_titled_alike("en"),
    "profile_section_unique_title-zh-hans": section_titled_alike("zh_hans"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_database_refuses_bad_rows(name):
    with pytest.raises(IntegrityError, match=name):
        VIOLATIONS[name]()


def test_every_constraint_is_exercised_by_a_test():
    names = {
        constraint.name
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
    }
    test_text = "\n".join(path.read_text() for path in TESTS.rglob("test_*.py"))
    untested = sorted(name for name in names if f'"{name}"' not in test_text)
    assert not untested, f"constraints without a bad-data test: {untested}"


@pytest.mark.django_db
def test_negative_amounts_and_page_counts_are_refused_with_field_errors():
    award = AwardFactory.build(researcher=ResearcherFactory(), issuer=None, amount=-1)
    award.currency = "CNY"
    with pytest.raises(ValidationError) as info:
        award.full_clean()
    assert "amount" in info.value.message_dict
    paper = PublicationFactory.build(venue=None, page_count=0, date=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as info:
        paper.full_clean()
    assert "page_count" in info.value.message_dict
