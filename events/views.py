from collections.abc import Callable
from urllib.parse import urlsplit

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.utils.translation import gettext
from django.views.generic import DetailView, ListView

from core.cache import reads_query
from core.models import iso_partial_date
from events.ical import CalendarEntry, all_day_end
from events.models import Event, Talk, TalkHost, TalkSpeaker
from publications.models import Publication


def published_talks():
    """Published talks with what every listing shows."""
    return Talk.objects.published().with_people().select_related("host_organization")


def event_talks(event: Event):
    return published_talks().filter(Q(event=event) | Q(event__parent=event))


@reads_query("page")
class TalkListView(ListView):
    """Upcoming talks soonest first, then past talks by year, newest first, in pages."""

    template_name = "events/talk_list.html"
    context_object_name = "past_talks"
    paginate_by = 25

    def get_queryset(self):
        return published_talks().past()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            context["upcoming_talks"] = published_talks().upcoming()
        return context


class TalkDetailView(DetailView):
    template_name = "events/talk_detail.html"
    context_object_name = "talk"

    def get_queryset(self):
        return published_talks().prefetch_related(
            Prefetch("host_links", queryset=TalkHost.objects.select_related("researcher")),
            Prefetch("publications", queryset=Publication.objects.public().with_authors()),
            "event__organizers",
        )

    def get_context_data(self, **kwargs):
        data = talk_schema(self.object, self.request)
        return super().get_context_data(json_ld=data, **kwargs)


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.published().select_related("parent").prefetch_related("organizers")

    def get_context_data(self, **kwargs):
        talks = event_talks(self.object)
        return super().get_context_data(
            sessions=self.object.children.published().order_by("start_date", "name"),
            upcoming_talks=talks.upcoming(),
            past_talks=talks.past(),
            **kwargs,
        )


def calendar_entry(talk: Talk, absolute_url: Callable[[str], str]) -> CalendarEntry:
    """``absolute_url`` turns a path into a full URL; its host names the UID."""
    if talk.start:
        start, end = talk.local_start, talk.local_end
    else:
        start, end = talk.date, all_day_end(talk.date, talk.date_precision)
    speakers = ", ".join(speaker_label(link) for link in talk.speaker_links.all())
    url = absolute_url(talk.get_absolute_url())
    return CalendarEntry(
        # The primary key never changes, so calendars update the entry instead of adding one.
        uid=f"talk-{talk.pk}@{urlsplit(url).hostname}",
        summary=talk.title,
        start=start,
        end=end,
        stamp=talk.updated,
        location=talk_place(talk),
        # Markdown reads as plain text, and $...$ math stays legible as TeX.
        description="\n\n".join(
            part
            for part in (gettext("Speaker: %(names)s") % {"names": speakers}, talk.abstract)
            if part
        ),
        url=url,
        categories=(talk.get_kind_display(),),
    )


def speaker_label(link: TalkSpeaker) -> str:
    name = link.researcher.full_name
    return f"{name} ({link.affiliation})" if link.affiliation else name


def talk_place(talk: Talk) -> str:
    """'Rm 1801, Guanghua East Tower, Shanghai, China': the room, then the talk's own
    city or else the event's place."""
    where = talk.location or (talk.event.place if talk.event else "")
    return ", ".join(part for part in (talk.room, where) if part)


def schema_date(talk: Talk) -> str:
    """ISO 8601 at the precision known: 2025-10-16T16:10:00+08:00, 2025-09 or 2023."""
    if talk.start:
        return talk.local_start.isoformat()
    return iso_partial_date(talk.date, talk.date_precision)


def talk_schema(talk: Talk, request: HttpRequest) -> dict:
    """schema.org Event for search engines."""
    event = talk.event
    address = talk.location or (
        ", ".join(part for part in (event.city, event.country) if part) if event else ""
    )
    place_name = talk.room or (event.venue_name if event else "") or address
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": talk.title,
        "url": request.build_absolute_uri(talk.get_absolute_url()),
        "startDate": schema_date(talk),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "performer": [person_schema(link, request) for link in talk.speaker_links.all()],
    }
    if talk.end:
        data["endDate"] = talk.local_end.isoformat()
    if place_name:
        data["location"] = {"@type": "Place", "name": place_name, "address": address}
    if talk.abstract:
        data["description"] = talk.abstract
    organizers = list(event.organizers.all()) if event else []
    if not organizers and talk.host_organization:
        organizers = [talk.host_organization]
    if organizers:
        data["organizer"] = [
            {"@type": "Organization", "name": org.name, **({"url": org.url} if org.url else {})}
            for org in organizers
        ]
    if event:
        data["superEvent"] = {
            "@type": "EventSeries" if event.kind == Event.Kind.SEMINAR_SERIES else "Event",
            "name": event.full_name,
            "url": request.build_absolute_uri(event.get_absolute_url()),
        }
    return data


def person_schema(link: TalkSpeaker, request: HttpRequest) -> dict:
    researcher = link.researcher
    person = {"@type": "Person", "name": researcher.full_name}
    if researcher.has_profile:
        person["url"] = request.build_absolute_uri(researcher.get_absolute_url())
    if link.affiliation:
        person["affiliation"] = {"@type": "Organization", "name": link.affiliation}
    return person
