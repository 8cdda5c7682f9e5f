import datetime
import zoneinfo

import icalendar
import pytest

from events.ical import CalendarEntry, all_day_end, calendar_bytes
from events.models import Talk
from tests.factories import EventFactory, TalkFactory, TalkSpeakerFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
STAMP = datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC)
SEMINAR = "phenomenon-driven-deep-learning-theory"


def parse(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


# The formatter, on plain data ---------------------------------------------------------------


def test_timed_entry_keeps_its_zone_and_the_instant():
    entry = CalendarEntry(
        uid="talk-1@example.org",
        summary="Seminar",
        start=datetime.datetime(2025, 10, 16, 16, 10, tzinfo=SHANGHAI),
        end=datetime.datetime(2025, 10, 16, 17, 0, tzinfo=SHANGHAI),
        stamp=STAMP,
    )
    data = calendar_bytes([entry], name="Talks")
    assert b"DTSTART;TZID=Asia/Shanghai:20251016T161000" in data
    assert b"BEGIN:VTIMEZONE" in data
    [event] = parse(data)
    assert event.start.astimezone(datetime.UTC) == datetime.datetime(
        2025, 10, 16, 8, 10, tzinfo=datetime.UTC
    )
    assert event.end.astimezone(datetime.UTC) == datetime.datetime(
        2025, 10, 16, 9, 0, tzinfo=datetime.UTC
    )


def test_utc_entry_is_written_in_utc_without_a_zone_definition():
    start = datetime.datetime(2025, 1, 2, 9, 0, tzinfo=datetime.UTC)
    data = calendar_bytes([CalendarEntry("u", "Talk", start, STAMP)], name="Talks")
    assert b"DTSTART:20250102T090000Z" in data
    assert b"VTIMEZONE" not in data


def test_all_day_entry_is_a_date_value():
    entry = CalendarEntry(
        "u", "Poster", datetime.date(2024, 12, 1), STAMP, end=datetime.date(2025, 1, 1)
    )
    data = calendar_bytes([entry], name="Talks")
    assert b"DTSTART;VALUE=DATE:20241201" in data
    assert b"DTEND;VALUE=DATE:20250101" in data


def test_text_fields_are_escaped_and_survive_a_round_trip():
    entry = CalendarEntry(
        "u",
        "Loss spikes; Adam, and $\\beta_2$",
        datetime.date(2025, 5, 1),
        STAMP,
        location="Rm 1801, Guanghua East Tower",
        description="Line one\n\nLine two",
        url="https://example.org/talks/x/",
        categories=("Oral presentation",),
    )
    [event] = parse(calendar_bytes([entry], name="Talks"))
    assert str(event["SUMMARY"]) == "Loss spikes; Adam, and $\\beta_2$"
    assert str(event["LOCATION"]) == "Rm 1801, Guanghua East Tower"
    assert str(event["DESCRIPTION"]) == "Line one\n\nLine two"
    assert str(event["URL"]) == "https://example.org/talks/x/"
    assert event.categories == ["Oral presentation"]


@pytest.mark.parametrize(
    ("first_day", "precision", "end"),
    [
        (datetime.date(2025, 10, 16), "day", datetime.date(2025, 10, 17)),
        (datetime.date(2025, 2, 1), "month", datetime.date(2025, 3, 1)),
        (datetime.date(2024, 12, 1), "month", datetime.date(2025, 1, 1)),
        (datetime.date(2023, 1, 1), "year", datetime.date(2024, 1, 1)),
    ],
)
def test_all_day_end_is_the_day_after_the_period(first_day, precision, end):
    assert all_day_end(first_day, precision) == end


# The calendar files served ------------------------------------------------------------------


@pytest.mark.django_db
def test_talk_calendar_has_the_seminar_in_shanghai_time(client, demo):
    response = client.get(f"/talks/{SEMINAR}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    [event] = parse(response.content)
    talk = Talk.objects.get(slug=SEMINAR)
    assert str(event["UID"]) == f"talk-{talk.pk}@testserver"
    assert str(event["SUMMARY"]).startswith("Phenomenon-Driven Deep Learning Theory")
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.start == datetime.datetime(2025, 10, 16, 16, 10, tzinfo=SHANGHAI)
    assert event.start.astimezone(datetime.UTC).time() == datetime.time(8, 10)
    assert event.end.astimezone(datetime.UTC).time() == datetime.time(9, 0)
    assert str(event["LOCATION"]) == "Rm 1801, Guanghua East Tower, Shanghai, China"
    description = str(event["DESCRIPTION"])
    assert description.startswith("Speaker: Zhiwei Bai (Shanghai Jiao Tong University)\n\n")
    assert "the Embedding Principle, which reveals" in description
    assert str(event["URL"]) == f"http://testserver/talks/{SEMINAR}/"


@pytest.mark.django_db
def test_talk_uid_is_the_same_in_every_file(client, demo):
    uid = str(parse(client.get(f"/talks/{SEMINAR}.ics").content)[0]["UID"])
    series = parse(client.get("/events/applied-math-phd-seminar.ics").content)
    site = parse(client.get("/talks.ics").content)
    assert [str(event["UID"]) for event in series] == [uid]
    assert uid in [str(event["UID"]) for event in site]


@pytest.mark.django_db
def test_conference_calendar_has_its_sessions_talks_as_all_day_months(client, demo):
    response = client.get("/events/csiam-2024.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    [event] = parse(response.content)
    assert str(event["URL"]) == "http://testserver/talks/connectivity-csiam-2024-poster/"
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert (event.start, event.end) == (datetime.date(2024, 10, 1), datetime.date(2024, 11, 1))
    assert str(event["LOCATION"]) == "Nanjing, China"


@pytest.mark.django_db
def test_site_calendar_has_every_public_talk(client, demo):
    events = parse(client.get("/talks.ics").content)
    assert len(events) == Talk.objects.public().count() == 10


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_hidden_talks_are_in_no_calendar(client, visibility):
    series = EventFactory(kind="seminar_series")
    shown = TalkFactory(title="Shown talk", event=series)
    hidden = TalkFactory(title="Secret talk", event=series, visibility=visibility)
    TalkSpeakerFactory(talk=hidden)
    for url in ["/talks.ics", f"/events/{series.slug}.ics"]:
        assert [str(e["SUMMARY"]) for e in parse(client.get(url).content)] == [shown.title]
    assert client.get(f"/talks/{hidden.slug}.ics").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_talks_of_a_hidden_event_are_in_no_calendar(client, visibility):
    conference = EventFactory(visibility=visibility)
    talk = TalkFactory(event=EventFactory(parent=conference))
    assert parse(client.get("/talks.ics").content) == []
    assert client.get(f"/talks/{talk.slug}.ics").status_code == 404
    assert client.get(f"/events/{conference.slug}.ics").status_code == 404
    assert client.get(f"/events/{talk.event.slug}.ics").status_code == 404
