import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from events.models import Talk
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
