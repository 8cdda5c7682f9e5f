import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.models import Visibility
from cv.models import ResearchInterest, with_profile_entries
from profiles.models import Organization, Researcher, researcher_name_forms
from tests.factories import (
    AuthorshipFactory,
    AwardFactory,
    EducationFactory,
    EventFactory,
    OrganizationFactory,
    PositionFactory,
    PublicationFactory,
    ResearcherFactory,
    ResearchInterestFactory,
    ServiceFactory,
    TalkFactory,
    TalkSpeakerFactory,
    TeachingFactory,
)

pytestmark = pytest.mark.django_db


def test_orcid_url_is_stored_as_the_bare_id():
    researcher = ResearcherFactory(orcid="https://orcid.org/0000-0002-1825-0097")
    researcher.refresh_from_db()
    assert researcher.orcid == "0000-0002-1825-0097"


def test_orcid_with_a_typo_fails_full_clean_with_the_reason():
    researcher = ResearcherFactory.build(orcid="0000-0002-1825-0098")
    with pytest.raises(ValidationError) as info:
        researcher.full_clean()
    assert "wrong check digit" in info.value.message_dict["orcid"][0]


def test_orcid_is_unique_but_blank_is_allowed_many_times():
    ResearcherFactory(orcid="0000-0002-1825-0097")
    ResearcherFactory(orcid="")
    ResearcherFactory(orcid="")
    with pytest.raises(IntegrityError, match="researcher_unique_orcid"):
        ResearcherFactory(orcid="0000-0002-1825-0097")


def test_researcher_slug_is_unique_and_from_the_name():
    first = ResearcherFactory(full_name="Lei Wu", slug="")
    second = ResearcherFactory(full_name="Lei Wu", slug="")
    assert (first.slug, second.slug) == ("lei-wu", "lei-wu-2")
    with pytest.raises(IntegrityError):
        Researcher.objects.filter(pk=second.pk).update(slug="lei-wu")


def test_researcher_str_shows_the_native_name():
    assert str(ResearcherFactory.build(full_name="Zhiwei Bai", native_name="白志威")) == (
        "Zhiwei Bai (白志威)"
    )


def test_bad_links_are_rejected_with_field_errors():
    researcher = ResearcherFactory.build(
        homepage="not a url", github="-bad-", google_scholar_id="short", openalex_id="5023"
    )
    with pytest.raises(ValidationError) as info:
        researcher.full_clean()
    assert {"homepage", "github", "google_scholar_id", "openalex_id"} <= set(
        info.value.message_dict
    )


@pytest.mark.parametrize(
    ("factory", "name"),
    [
        (PositionFactory, "position_end_after_start"),
        (EducationFactory, "education_end_after_start"),
        (ServiceFactory, "service_end_after_start"),
    ],
)
def test_end_before_start_is_refused(factory, name):
    with pytest.raises(IntegrityError, match=name):
        factory(start_date=datetime.date(2022, 9, 1), end_date=datetime.date(2021, 9, 1))


def test_end_before_start_is_reported_by_full_clean():
    position = PositionFactory.build(
        researcher=ResearcherFactory(),
        organization=OrganizationFactory(),
        start_date=datetime.date(2022, 9, 1),
        end_date=datetime.date(2021, 9, 1),
    )
    with pytest.raises(ValidationError, match="The end cannot be before the start"):
        position.full_clean()


def test_open_ended_position_is_current_and_shows_present():
    position = PositionFactory(start_date=datetime.date(2021, 9, 1), end_date=None)
    assert position.is_current
    assert position.period == "Sep 2021 – present"


def test_teaching_term_is_listed_once():
    course = TeachingFactory(course="Calculus (B)", year=2022, term="fall")
    with pytest.raises(IntegrityError, match="teaching_unique_term"):
        TeachingFactory(
            researcher=course.researcher,
            course="Calculus (B)",
            year=2022,
            term="fall",
            organization=course.organization,
        )


def test_teaching_year_must_be_sane():
    with pytest.raises(IntegrityError, match="teaching_sane_year"):
        TeachingFactory(year=20)


def test_award_amount_needs_a_currency():
    with pytest.raises(IntegrityError, match="award_amount_has_currency"):
        AwardFactory(amount=Decimal("110000"), currency="")


def test_award_currency_must_be_an_iso_code():
    award = AwardFactory.build(
        researcher=ResearcherFactory(), issuer=None, amount=Decimal(30000), currency="RMB!"
    )
    with pytest.raises(ValidationError) as info:
        award.full_clean()
    assert "ISO 4217" in info.value.message_dict["currency"][0]


def test_award_date_must_be_sane():
    with pytest.raises(IntegrityError, match="award_sane_year"):
        AwardFactory(date=datetime.date(1066, 10, 14))


def test_organization_cannot_be_its_own_parent():
    organization = OrganizationFactory()
    with pytest.raises(IntegrityError, match="organization_not_own_parent"):
        Organization.objects.filter(pk=organization.pk).update(parent=organization)


def test_organization_cycle_is_reported_by_clean():
    university = OrganizationFactory()
    school = OrganizationFactory(parent=university)
    university.parent = school
    with pytest.raises(ValidationError, match="cannot be inside itself"):
        university.full_clean()


def test_organization_ror_id_is_validated_and_unique():
    OrganizationFactory(ror_id="0220qvk04")
    with transaction.atomic(), pytest.raises(IntegrityError, match="organization_unique_ror"):
        OrganizationFactory(ror_id="0220qvk04")
    with pytest.raises(ValidationError):
        OrganizationFactory.build(ror_id="ror.org/0220qvk04").full_clean()


def test_interest_cannot_be_its_own_parent():
    interest = ResearchInterestFactory()
    interest.parent_id = interest.pk
    with pytest.raises(IntegrityError, match="interest_not_own_parent"):
        interest.save()


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.DRAFT])
def test_hiding_a_topic_hides_every_subtopic_below_it(visibility):
    topic = ResearchInterestFactory(visibility=visibility)
    child = ResearchInterestFactory(researcher=topic.researcher, parent=topic)
    ResearchInterestFactory(researcher=topic.researcher, parent=child)
    assert list(ResearchInterest.objects.public()) == []


def test_subtopics_of_public_topics_all_the_way_up_are_public():
    topic = ResearchInterestFactory()
    child = ResearchInterestFactory(researcher=topic.researcher, parent=topic)
    grandchild = ResearchInterestFactory(researcher=topic.researcher, parent=child)
    ResearchInterestFactory(researcher=topic.researcher, parent=child, visibility="draft")
    assert set(ResearchInterest.objects.public()) == {topic, child, grandchild}


def profile(researcher) -> Researcher:
    return with_profile_entries(Researcher.objects).get(pk=researcher.pk)


def test_profile_entries_name_no_event_below_an_unpublished_one():
    person = ResearcherFactory(is_member=True)
    session = EventFactory(parent=EventFactory(visibility=Visibility.HIDDEN))
    workshop = EventFactory(parent=session)
    talk = TalkFactory(event=session)
    AwardFactory(researcher=person, event=workshop, talk=talk)
    ServiceFactory(researcher=person, venue=None, event=workshop)
    fetched = profile(person)
    award, service = fetched.awards.get(), fetched.services.get()
    assert (award.event, award.talk, service.event) == (None, None, None)
    assert str(service) == "Reviewer"


def test_profile_entries_name_published_events_talks_and_papers():
    person = ResearcherFactory(is_member=True)
    workshop = EventFactory(parent=EventFactory(parent=EventFactory()))
    talk, paper = TalkFactory(event=workshop), PublicationFactory()
    AwardFactory(researcher=person, event=workshop, talk=talk, publication=paper)
    ServiceFactory(researcher=person, venue=None, event=workshop)
    fetched = profile(person)
    award = fetched.awards.get()
    assert (award.event, award.talk, award.publication) == (workshop, talk, paper)
    assert fetched.services.get().event == workshop


def test_profile_entries_name_no_hidden_paper_or_talk_of_an_award():
    person = ResearcherFactory(is_member=True)
    AwardFactory(
        researcher=person,
        talk=TalkFactory(visibility=Visibility.DRAFT),
        publication=PublicationFactory(visibility=Visibility.HIDDEN),
    )
    award = profile(person).awards.get()
    assert (award.talk, award.publication) == (None, None)


def test_profile_entries_leave_hidden_advisors_and_instructors_out():
    person = ResearcherFactory(is_member=True)
    shown = ResearcherFactory()
    education = EducationFactory(researcher=person)
    education.advisors.add(shown, ResearcherFactory(visibility=Visibility.HIDDEN))
    hidden = ResearcherFactory(visibility=Visibility.DRAFT)
    TeachingFactory(researcher=person, year=2024, instructor=hidden)
    TeachingFactory(researcher=person, year=2023, instructor=shown)
    fetched = profile(person)
    assert list(fetched.education.get().advisors.all()) == [shown]
    assert [course.instructor for course in fetched.teaching.all()] == [None, shown]


def test_a_hidden_researchers_name_forms_are_only_the_full_name():
    ResearcherFactory(
        full_name="Shy Person",
        native_name="害羞",
        name_variants=["S. Person"],
        visibility=Visibility.HIDDEN,
    )
    ResearcherFactory(
        full_name="Open Person",
        given_name="Open",
        family_name="Person",
        native_name="公开",
        name_variants=["O. Person"],
    )
    forms = Researcher.objects.annotate(forms=researcher_name_forms()).order_by("full_name")
    assert [" ".join(text.split()) for text in forms.values_list("forms", flat=True)] == [
        "Open Person Open Person 公开 O. Person",
        "Shy Person",
    ]


@pytest.fixture
def author():
    person = ResearcherFactory(full_name="Ada Lovelace")
    AuthorshipFactory(researcher=person)
    TalkSpeakerFactory(researcher=person)
    return Researcher.objects.get(pk=person.pk)


def tables_updated_by_saving(researcher) -> set[str]:
    with CaptureQueriesContext(connection) as saved:
        researcher.save()
    return {q["sql"].split()[1].strip('"') for q in saved if q["sql"].startswith("UPDATE")}


def test_a_new_headline_leaves_their_papers_and_talks_search_text_alone(author):
    author.headline = "Countess of Lovelace"
    assert tables_updated_by_saving(author) == {"profiles_researcher"}


@pytest.mark.parametrize(
    "field, value",
    [
        ("full_name", "Ada King"),
        ("native_name", "艾达"),
        ("name_variants", ["A. King"]),
        ("visibility", Visibility.HIDDEN),
    ],
)
def test_a_new_name_rebuilds_their_papers_and_talks_search_text(author, field, value):
    setattr(author, field, value)
    assert tables_updated_by_saving(author) == {
        "profiles_researcher",
        "publications_publication",
        "events_talk",
    }


def test_a_name_variant_added_in_place_is_a_new_name(author):
    author.name_variants.append("A. King")
    assert "publications_publication" in tables_updated_by_saving(author)
    assert "publications_publication" not in tables_updated_by_saving(author)
