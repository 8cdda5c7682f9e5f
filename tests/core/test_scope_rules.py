"""The exact scopes that a save bumps, for the rules that read related rows together
(scholarfolio.scopes): a row that moves names where it was and where it is, and the people
a row names are read with the others."""

import pytest

from core import changes
from cv.models import GrantInvestigator
from events.models import Participation
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def bumped(monkeypatch):
    seen = []
    monkeypatch.setattr(changes, "_bump", lambda scopes: seen.append(set(scopes)))
    return seen


def test_a_paper_moved_to_another_venue_names_both(bumped):
    old, new = f.VenueFactory(slug="old-venue"), f.VenueFactory(slug="new-venue")
    paper = f.PublicationFactory(slug="moved", venue=old)
    author = f.ResearcherFactory(slug="ann")
    f.AuthorshipFactory(publication=paper, researcher=author)
    bumped.clear()
    paper.venue = new
    paper.save()
    assert bumped[0] == {
        "publication:moved",
        "venue:old-venue",
        "venue:new-venue",
        "researcher:ann",
        "publications",
        "people",
    }


def test_a_deleted_paper_names_its_venue(bumped):
    paper = f.PublicationFactory(slug="gone", venue=f.VenueFactory(slug="its-venue"))
    bumped.clear()
    paper.delete()
    assert bumped[-1] == {"publication:gone", "venue:its-venue", "publications"}


def test_an_authorship_moved_names_both_papers_and_people(bumped):
    first = f.PublicationFactory(slug="first", venue=None)
    second = f.PublicationFactory(slug="second", venue=None)
    ann, bob = f.ResearcherFactory(slug="ann"), f.ResearcherFactory(slug="bob")
    f.AuthorshipFactory(publication=second, researcher=bob, position=1)
    authorship = f.AuthorshipFactory(publication=first, researcher=ann, position=1)
    assert bumped[-1] == {"publication:first", "researcher:ann", "publications", "people"}
    award = f.AwardFactory(researcher=f.ResearcherFactory(slug="carol"), publication=second)
    bumped.clear()
    authorship.publication = second
    authorship.researcher = award.researcher
    authorship.position = 2
    authorship.save()
    assert bumped[0] == {
        "publication:first",
        "publication:second",
        "researcher:ann",
        "researcher:bob",
        "researcher:carol",
        "publications",
        "people",
    }


def test_a_talk_moved_to_another_event_names_both(bumped):
    old = f.EventFactory(slug="old-event", parent=f.EventFactory(slug="series"))
    new = f.EventFactory(slug="new-event")
    talk = f.TalkFactory(slug="moved-talk", event=old)
    f.TalkSpeakerFactory(talk=talk, researcher=f.ResearcherFactory(slug="ann"), position=1)
    f.TalkHostFactory(talk=talk, researcher=f.ResearcherFactory(slug="bob"))
    bumped.clear()
    talk.event = new
    talk.save()
    assert bumped[0] == {
        "talk:moved-talk",
        "event:old-event",
        "event:new-event",
        "researcher:ann",
        "researcher:bob",
        "events",
    }
    bumped.clear()
    talk.delete()
    assert bumped[-1] == {"talk:moved-talk", "event:new-event", "events"}


def test_a_speaker_names_the_talk_its_people_and_themselves(bumped):
    talk = f.TalkFactory(slug="a-talk", event=f.EventFactory(slug="an-event"))
    f.TalkSpeakerFactory(talk=talk, researcher=f.ResearcherFactory(slug="ann"), position=1)
    speaker = f.TalkSpeakerFactory(
        talk=talk, researcher=f.ResearcherFactory(slug="bob"), position=2
    )
    assert bumped[-1] == {
        "talk:a-talk",
        "event:an-event",
        "researcher:ann",
        "researcher:bob",
        "events",
    }
    bumped.clear()
    speaker.researcher = f.ResearcherFactory(slug="carol")
    speaker.save()
    assert bumped[-1] == {
        "talk:a-talk",
        "event:an-event",
        "researcher:ann",
        "researcher:bob",
        "researcher:carol",
        "events",
    }


def test_a_participation_names_the_events_talks_and_people(bumped):
    event = f.EventFactory(slug="child", parent=f.EventFactory(slug="parent"))
    talk = f.TalkFactory(slug="its-talk", event=event)
    f.TalkSpeakerFactory(talk=talk, researcher=f.ResearcherFactory(slug="speaker"))
    f.ParticipationFactory(event=event, researcher=f.ResearcherFactory(slug="ann"))
    bumped.clear()
    f.ParticipationFactory(event=event, researcher=f.ResearcherFactory(slug="bob"))
    assert bumped[-1] == {
        "event:child",
        "event:parent",
        "talk:its-talk",
        "researcher:speaker",
        "researcher:ann",
        "researcher:bob",
        "events",
    }
    bumped.clear()
    Participation.objects.get(researcher__slug="bob").delete()
    assert bumped[-1] == {
        "event:child",
        "event:parent",
        "talk:its-talk",
        "researcher:speaker",
        "researcher:ann",
        "researcher:bob",
        "events",
    }


def test_courses_degrees_and_grants_name_everyone_on_them(bumped):
    ann, bob = f.ResearcherFactory(slug="ann"), f.ResearcherFactory(slug="bob")
    bumped.clear()
    f.TeachingFactory(researcher=ann, instructor=bob)
    assert bumped[-1] == {"researcher:ann", "researcher:bob", "people"}
    degree = f.EducationFactory(researcher=ann)
    degree.advisors.add(bob)
    bumped.clear()
    degree.save()
    assert bumped[-1] == {"researcher:ann", "researcher:bob", "people"}
    grant = f.GrantFactory()
    paper = f.PublicationFactory(slug="funded", venue=None)
    grant.publications.add(paper)
    f.GrantInvestigatorFactory(grant=grant, researcher=ann)
    bumped.clear()
    f.GrantInvestigatorFactory(
        grant=grant, researcher=bob, role=GrantInvestigator.Role.CO_INVESTIGATOR
    )
    assert bumped[-1] == {
        "researcher:ann",
        "researcher:bob",
        "publication:funded",
        f"grant:{grant.pk}",
        "grants",
    }


def test_a_renamed_researcher_names_their_students_and_courses(bumped):
    teacher = f.ResearcherFactory(slug="teacher")
    f.TeachingFactory(researcher=f.ResearcherFactory(slug="assistant"), instructor=teacher)
    degree = f.EducationFactory(researcher=f.ResearcherFactory(slug="student"))
    degree.advisors.add(teacher)
    bumped.clear()
    teacher.full_name = "A New Name"
    teacher.save()
    named = {scope for scope in bumped[0] if scope.startswith("researcher:")}
    assert named == {"researcher:teacher", "researcher:assistant", "researcher:student"}
