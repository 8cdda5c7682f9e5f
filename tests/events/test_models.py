import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from core.models import Visibility
from events.models import Event, Talk
from tests.factories import EventFactory, TalkFactory, TalkSpeakerFactory

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_talk_times_keep_their_zone_and_set_the_local_date():
    # 16:10 in Shanghai is 08:10 UTC; a talk at 00:30 Shanghai time is the previous UTC day.
    talk = TalkFactory(
        timezone="Asia/Shanghai",
        start=datetime.datetime(2025, 10, 17, 0, 30, tzinfo=SHANGHAI),
        end=datetime.datetime(2025, 10, 17, 1, 20, tzinfo=SHANGHAI),
    )
    talk.refresh_from_db()
    assert talk.start.utcoffset() == datetime.timedelta(0)
    assert talk.date == datetime.date(2025, 10, 17)
    assert talk.when == "2025-10-17, 00:30 to 01:20 (Asia/Shanghai)"


def test_talk_end_before_start_is_refused():
    with pytest.raises(IntegrityError, match="talk_end_after_start"):
        TalkFactory(
            start=datetime.datetime(2025, 10, 16, 17, 0, tzinfo=SHANGHAI),
            end=datetime.datetime(2025, 10, 16, 16, 10, tzinfo=SHANGHAI),
        )


def test_talk_end_without_start_is_refused():
    with pytest.raises(IntegrityError, match="talk_end_needs_start"):
        TalkFactory(end=datetime.datetime(2025, 10, 16, 17, 0, tzinfo=SHANGHAI))


def test_unknown_time_zone_is_named_in_the_error():
    talk = TalkFactory.build(timezone="Mars/Olympus")
    with pytest.raises(ValidationError) as info:
        talk.full_clean()
    assert "Mars/Olympus is not a time zone name" in info.value.message_dict["timezone"][0]


def test_event_end_before_start_is_refused():
    with pytest.raises(IntegrityError, match="event_end_after_start"):
        EventFactory(start_date=datetime.date(2024, 6, 3), end_date=datetime.date(2024, 6, 1))


def test_speaker_positions_are_unique_per_talk():
    speaker = TalkSpeakerFactory(position=1)
    with pytest.raises(IntegrityError, match="talk_speaker_position"):
        TalkSpeakerFactory(talk=speaker.talk, position=1)


def test_upcoming_and_past_split_on_the_date():
    today = datetime.date.today()
    future = TalkFactory(date=today + datetime.timedelta(days=3))
    past = TalkFactory(date=today - datetime.timedelta(days=3))
    hidden = TalkFactory(date=today + datetime.timedelta(days=1), visibility="hidden")
    assert list(Talk.objects.public().upcoming()) == [future]
    assert list(Talk.objects.public().past()) == [past]
    assert hidden not in Talk.objects.public()


def test_talk_slug_includes_the_year():
    talk = TalkFactory(title="Connectivity shapes implicit regularization", date="2024-12-01")
    assert talk.slug == "connectivity-shapes-implicit-regularization-2024"
    assert talk.get_absolute_url() == f"/talks/{talk.slug}/"


def event_tree(root_visibility: str) -> list[Event]:
    """A conference, a public session of it, and a public workshop of that session."""
    conference = EventFactory(visibility=root_visibility)
    session = EventFactory(parent=conference)
    return [conference, session, EventFactory(parent=session)]


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.DRAFT])
def test_an_unpublished_event_unpublishes_every_event_below_it(visibility):
    event_tree(visibility)
    assert list(Event.objects.published()) == []


def test_events_under_public_ones_all_the_way_up_are_published():
    tree = event_tree(Visibility.PUBLIC)
    tree.append(EventFactory(parent=tree[-1], visibility=Visibility.DRAFT))
    assert set(Event.objects.published()) == set(tree[:3])


def test_public_is_an_events_own_flag_whatever_is_above_it():
    # What the admin offers members; the site's pages go by published().
    _, session, workshop = event_tree(Visibility.HIDDEN)
    assert set(Event.objects.public()) == {session, workshop}


def test_events_in_a_cycle_of_parents_are_not_published():
    first, second = EventFactory(), EventFactory()
    first.parent, second.parent = second, first
    Event.objects.bulk_update([first, second], ["parent"])
    assert list(Event.objects.published()) == []


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.DRAFT])
def test_a_public_talk_anywhere_under_an_unpublished_event_is_unpublished(visibility):
    for event in event_tree(visibility):
        TalkFactory(event=event)
    assert list(Talk.objects.published()) == []
    assert Talk.objects.public().count() == 3


def test_published_talks_are_public_outside_events_or_in_published_ones():
    workshop = event_tree(Visibility.PUBLIC)[-1]
    shown = [TalkFactory(), TalkFactory(event=workshop)]
    TalkFactory(event=workshop, visibility=Visibility.DRAFT)
    assert set(Talk.objects.published()) == set(shown)
