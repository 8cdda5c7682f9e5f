import zoneinfo

from django import forms
from django.contrib import admin
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin import (
    OwnerLinkFormSet,
    ScopedAdmin,
    ScopedTabularInline,
    ScopedVersionAdmin,
    ThroughTableAdmin,
    TimeStampedAdmin,
)
from events.models import Event, Participation, Talk, TalkHost, TalkSpeaker

TALK_TIMES = ("start", "end")


class ParticipationInline(ScopedTabularInline):
    model = Participation
    fields = ["researcher", "role", "title", "note"]
    autocomplete_fields = ["researcher"]
    ordering = ["role", "researcher__full_name"]
    extra = 0


class TalkInline(ScopedTabularInline):
    """The event's talks for orientation; each is edited on its own page."""

    model = Talk
    fields = ["title", "date", "kind", "visibility"]
    readonly_fields = fields
    ordering = ["date", "start"]
    show_change_link = True
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(TimeStampedAdmin):
    list_display = [
        "name",
        "short_name",
        "kind",
        "start_date",
        "end_date",
        "parent",
        "city",
        "country",
        "talk_count",
        "visibility",
    ]
    list_filter = ["kind", "visibility", "country"]
    search_fields = ["name", "short_name", "city", "country", "parent__name"]
    autocomplete_fields = ["parent", "organizers"]
    list_select_related = ["parent"]
    date_hierarchy = "start_date"
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "parent", "organizers"]}),
        (
            _("When and where"),
            {
                "fields": [
                    ("start_date", "end_date", "date_precision"),
                    "timezone",
                    "venue_name",
                    ("city", "country"),
                ]
            },
        ),
        (_("About"), {"fields": ["url", "description"]}),
        (_("Publishing"), {"fields": ["visibility", "slug"]}),
    ]
    inlines = [ParticipationInline, TalkInline]
    # Django drops Meta.ordering from GROUP BY queries, which the count annotation makes.
    ordering = Event._meta.ordering

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(talk_count=Count("talks"))

    @admin.display(description=_("talks"), ordering="talk_count")
    def talk_count(self, obj):
        return obj.talk_count


class SpeakerListFormSet(OwnerLinkFormSet):
    owner_missing = "Keep yourself among the speakers: members edit only their own talks."


class TalkSpeakerInline(ScopedTabularInline):
    model = TalkSpeaker
    formset = SpeakerListFormSet
    fields = ["position", "researcher", "affiliation"]
    autocomplete_fields = ["researcher"]
    ordering = ["position"]
    extra = 1


class TalkHostInline(ScopedTabularInline):
    model = TalkHost
    fields = ["role", "position", "researcher", "affiliation"]
    autocomplete_fields = ["researcher"]
    ordering = ["role", "position"]
    extra = 0


class TalkAdminForm(forms.ModelForm):
    """Start and end are typed and shown in the talk's own time zone, as its help text
    promises, not in the server's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Talk.save() takes the day from the start time; only a talk without one needs it.
        self.fields["date"].required = False
        if self.instance.pk:
            for name in TALK_TIMES:
                value = getattr(self.instance, name)
                if value is not None:
                    # A naive initial value is shown as is instead of in the server's zone.
                    self.initial[name] = timezone.make_naive(value, self.instance.tz)

    def clean(self):
        cleaned_data = super().clean()
        try:
            zone = zoneinfo.ZoneInfo(cleaned_data.get("timezone") or "")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return cleaned_data  # the model's validator reports the bad name
        for name in TALK_TIMES:
            value = cleaned_data.get(name)
            if value is not None:
                # The field read the wall-clock time in the server's zone; re-read it.
                cleaned_data[name] = timezone.make_aware(timezone.make_naive(value), zone)
        if cleaned_data.get("start") is not None:
            cleaned_data["date"] = cleaned_data["start"].astimezone(zone).date()
        elif cleaned_data.get("date") is None and "date" not in self.errors:
            self.add_error("date", "Give the day of the talk or its start time.")
        return cleaned_data


@admin.register(Talk)
# The title and abstract once per language (events/translation.py), English first.
class TalkAdmin(TranslationAdmin, ScopedVersionAdmin):
    form = TalkAdminForm
    list_display = ["title", "speaker_list", "date", "kind", "event", "visibility"]
    list_filter = ["kind", "visibility", "event__kind"]
    search_fields = [
        "title_en",
        "title_zh_hans",
        "location",
        "event__name",
        "event__short_name",
        "speaker_links__researcher__full_name",
    ]
    search_help_text = "Title, place, event or speaker."
    autocomplete_fields = ["event", "host_organization", "publications"]
    list_select_related = ["event"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["title", "kind", "event", "host_organization"]}),
        (
            _("When and where"),
            {
                "description": "Give a start time, or a date alone when the time is unknown.",
                "fields": [
                    ("date", "date_precision"),
                    "timezone",
                    ("start", "end"),
                    ("room", "location"),
                ],
            },
        ),
        (
            _("Content"),
            {"fields": ["abstract", "publications", "url", ("slides_url", "video_url")]},
        ),
        (_("Publishing"), {"fields": ["visibility", "slug"]}),
    ]
    inlines = [TalkSpeakerInline, TalkHostInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "speaker_links",
                    queryset=TalkSpeaker.objects.select_related("researcher").order_by("position"),
                )
            )
        )

    @admin.display(description=_("speakers"))
    def speaker_list(self, obj):
        return ", ".join(link.researcher.full_name for link in obj.speaker_links.all())


@admin.register(TalkSpeaker)
class TalkSpeakerAdmin(ThroughTableAdmin, ScopedAdmin):
    list_display = ["talk", "position", "researcher", "affiliation"]
    list_filter = ["talk__kind"]
    search_fields = [
        "talk__title_en",
        "talk__title_zh_hans",
        "researcher__full_name",
        "affiliation",
    ]
    autocomplete_fields = ["talk", "researcher"]
    list_select_related = ["talk", "researcher"]


@admin.register(TalkHost)
class TalkHostAdmin(ThroughTableAdmin, ScopedAdmin):
    list_display = ["talk", "role", "position", "researcher", "affiliation"]
    list_filter = ["role"]
    search_fields = [
        "talk__title_en",
        "talk__title_zh_hans",
        "researcher__full_name",
        "affiliation",
    ]
    autocomplete_fields = ["talk", "researcher"]
    list_select_related = ["talk", "researcher"]


@admin.register(Participation)
class ParticipationAdmin(ThroughTableAdmin, ScopedAdmin):
    list_display = ["researcher", "event", "role", "title"]
    list_filter = ["role", "event__kind"]
    search_fields = ["researcher__full_name", "event__name", "event__short_name", "title"]
    autocomplete_fields = ["researcher", "event"]
    list_select_related = ["researcher", "event"]
