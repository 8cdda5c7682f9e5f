"""The API's talks and events. A talk endpoint answers in JSON or, with
``Accept: text/calendar`` or ``?format=ics``, as an iCalendar file."""

import django_filters
from django.conf import settings
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import renderers, serializers
from rest_framework.reverse import reverse

from core.api import LinkField, ModelSerializer, PageURLField, ReadOnlyViewSet
from core.filters import (
    BooleanFilter,
    OrderingFilter,
    RankedFilterSet,
    ResearcherFilter,
    SearchFilter,
    YearFilter,
)
from events.ical import calendar_bytes
from events.models import Event, Talk, TalkHost, TalkSpeaker
from events.views import calendar_entry, published_talks, talk_place
from profiles.api import (
    EventRef,
    OrganizationRef,
    PublicationRef,
    ResearcherRecordsViewSet,
    ResearcherRefSerializer,
)
from profiles.models import Researcher
from publications.models import Publication


class CalendarRenderer(renderers.BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"
    pages_in_headers = True

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        entries = data if isinstance(data, list) else [data]
        return calendar_bytes(entries, name=f"{settings.SITE_NAME} talks")

    def body_schema(self, many: bool) -> dict:
        what = "a VEVENT per talk" if many else "the talk as a VEVENT"
        return {"type": "string", "description": f"iCalendar (RFC 5545): {what}."}


class CalendarEntrySerializer(serializers.BaseSerializer):
    def to_representation(self, talk):
        return calendar_entry(talk, self.context["request"].build_absolute_uri)


class SpeakerSerializer(ModelSerializer):
    name = serializers.CharField(source="researcher.full_name")
    researcher = ResearcherRefSerializer(allow_null=True)

    class Meta:
        model = TalkSpeaker
        fields = ["position", "name", "affiliation", "researcher"]


class HostSerializer(SpeakerSerializer):
    class Meta:
        model = TalkHost
        fields = ["role", "name", "affiliation", "researcher"]


LOCAL_TIME = {"type": "string", "format": "date-time", "nullable": True}


class TalkSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:talk-detail", lookup_field="slug")
    html_url = PageURLField()
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    event = EventRef(allow_null=True)
    host_organization = OrganizationRef(allow_null=True)
    speakers = SpeakerSerializer(source="speaker_links", many=True)
    hosts = HostSerializer(source="host_links", many=True)
    publications = PublicationRef(source="public_publications", many=True)
    homepage = LinkField(source="url")

    class Meta:
        model = Talk
        fields = ["slug", "url", "html_url", "title", "kind", "date", "date_precision"]
        fields += ["start", "end", "timezone", "room", "location", "place", "event"]
        fields += ["host_organization", "speakers", "hosts", "abstract", "publications"]
        fields += ["homepage", "slides_url", "video_url"]

    @extend_schema_field(LOCAL_TIME)
    def get_start(self, talk) -> str | None:
        """In the talk's own time zone, as announced."""
        return talk.local_start.isoformat() if talk.start else None

    @extend_schema_field(LOCAL_TIME)
    def get_end(self, talk) -> str | None:
        return talk.local_end.isoformat() if talk.end else None

    @extend_schema_field({"type": "string"})
    def get_place(self, talk) -> str:
        return talk_place(talk)


class TalkFilter(RankedFilterSet):
    year = YearFilter(field_name="date__year")
    kind = django_filters.ChoiceFilter(choices=Talk.Kind.choices)
    event = django_filters.ModelChoiceFilter(
        queryset=Event.objects.published(),
        to_field_name="slug",
        method="filter_event",
        help_text="An event's slug: its talks and its sessions' talks.",
        error_messages={"invalid_choice": "No public event has the slug “%(value)s”."},
    )
    speaker = ResearcherFilter(
        field_name="speaker_links__researcher",
        queryset=Researcher.objects.public(),
        distinct=False,
    )
    upcoming = BooleanFilter(method="filter_upcoming", help_text="true: today or later.")
    q = SearchFilter()
    ordering = OrderingFilter(fields=[("date", "date"), ("title", "title")])

    class Meta:
        model = Talk
        fields = ["year", "kind", "event", "speaker"]

    def filter_event(self, queryset, name, event):
        return queryset.filter(Q(event=event) | Q(event__parent=event))

    def filter_upcoming(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(date__gte=today) if value else queryset.filter(date__lt=today)


class TalkFormats:
    renderer_classes = [renderers.JSONRenderer, CalendarRenderer]
    format_serializers = {"ics": CalendarEntrySerializer}
    serializer_class = TalkSerializer
    filterset_class = TalkFilter

    def records(self):
        return (
            published_talks()
            .defer("search_vector")
            .prefetch_related(
                Prefetch("host_links", queryset=TalkHost.objects.select_related("researcher")),
                Prefetch(
                    "publications",
                    queryset=Publication.objects.public().only("slug", "title"),
                    to_attr="public_publications",
                ),
            )
            .order_by("-date", "-start", "pk")
        )


class TalkViewSet(TalkFormats, ReadOnlyViewSet):
    """Public talks, posters and seminars, newest first."""

    def get_queryset(self):
        return self.records()


class ResearcherTalkViewSet(TalkFormats, ResearcherRecordsViewSet):
    """The public talks one researcher with a profile gave, with the same filters."""

    def of_researcher(self, records, researcher):
        return records.for_researcher(researcher)


class EventSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:event-detail", lookup_field="slug")
    html_url = PageURLField()
    parent = EventRef(allow_null=True)
    organizers = OrganizationRef(many=True)
    place = serializers.CharField(source="venue_name")
    homepage = LinkField(source="url")
    talks = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["slug", "url", "html_url", "name", "short_name", "kind", "parent"]
        fields += ["organizers", "place", "city", "country", "start_date", "end_date"]
        fields += ["date_precision", "timezone", "homepage", "description", "talks"]

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_talks(self, event) -> str:
        """The talks list filtered to this event."""
        url = reverse("api:talk-list", request=self.context["request"])
        return f"{url}?event={event.slug}"


class EventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)
    year = YearFilter(field_name="start_date__year")
    parent = django_filters.ModelChoiceFilter(
        queryset=Event.objects.published(),
        to_field_name="slug",
        help_text="The series or conference's slug: its sessions.",
        error_messages={"invalid_choice": "No public event has the slug “%(value)s”."},
    )
    ordering = OrderingFilter(fields=[("start_date", "start_date"), ("name", "name")])

    class Meta:
        model = Event
        fields = ["kind", "year", "parent"]


class EventViewSet(ReadOnlyViewSet):
    """Conferences, workshops, seminar series and summer schools."""

    serializer_class = EventSerializer
    filterset_class = EventFilter

    def get_queryset(self):
        return (
            Event.objects.published()
            .select_related("parent")
            .prefetch_related("organizers")
            .order_by(F("start_date").desc(nulls_last=True), "name", "pk")
        )
