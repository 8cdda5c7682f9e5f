"""iCalendar (RFC 5545) files from plain data; the views turn talks into ``CalendarEntry``."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar

from core.models import DatePrecision

PRODID = "-//Scholarfolio//Talks//EN"


@dataclass(frozen=True)
class CalendarEntry:
    """One VEVENT.

    ``start`` is an aware datetime in the zone the talk was announced in, so the file
    names that zone (TZID), or a date for an all-day entry; then ``end`` is the first
    day after it, as RFC 5545 wants.
    """

    uid: str
    summary: str
    start: datetime.datetime | datetime.date
    stamp: datetime.datetime
    end: datetime.datetime | datetime.date | None = None
    location: str = ""
    description: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()


def all_day_end(first_day: datetime.date, precision: str) -> datetime.date:
    """The exclusive end of an all-day entry for a date known to the "day", "month" or
    "year": a talk known only as "Sep 2025" spans September."""
    if precision == DatePrecision.YEAR:
        return first_day.replace(year=first_day.year + 1, month=1, day=1)
    if precision == DatePrecision.MONTH:
        return (first_day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first_day + datetime.timedelta(days=1)


def calendar_bytes(entries: Iterable[CalendarEntry], *, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    # NAME is RFC 7986; Apple and Google calendars read only this older property.
    calendar.add("x-wr-calname", name)
    for entry in entries:
        calendar.add_component(_vevent(entry))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _vevent(entry: CalendarEntry) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", entry.stamp.astimezone(datetime.UTC))
    event.add("summary", entry.summary)
    event.add("dtstart", entry.start)
    if entry.end is not None:
        event.add("dtend", entry.end)
    optional = {"location": entry.location, "description": entry.description, "url": entry.url}
    for key, value in optional.items():
        if value:
            event.add(key, value)
    if entry.categories:
        event.add("categories", list(entry.categories))
    return event
