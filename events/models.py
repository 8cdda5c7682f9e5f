import zoneinfo

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from core.models import (
    DatePrecision,
    PublicQuerySet,
    PublicTreeQuerySet,
    SlugModel,
    TimeStampedModel,
    VisibilityModel,
    format_partial_date,
    tree_depth_problem,
)
from core.search import CompiledOnce, cjk_characters, folded_vector
from core.validators import MAX_SEARCHED_TEXT
from profiles.models import (
    Organization,
    Researcher,
    end_not_before_start,
    researcher_name_forms,
)


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not a time zone name; use an IANA name such as Asia/Shanghai.",
            code="invalid_timezone",
            params={"value": value},
        )


# The zones the group's talks are in, named as their readers say it ("北京时间"); any other
# zone is shown by its IANA name.
ZONE_NAMES = {
    "Asia/Shanghai": pgettext_lazy("time zone", "Asia/Shanghai"),
    "Asia/Hong_Kong": pgettext_lazy("time zone", "Asia/Hong_Kong"),
    "Asia/Taipei": pgettext_lazy("time zone", "Asia/Taipei"),
    "Asia/Tokyo": pgettext_lazy("time zone", "Asia/Tokyo"),
    "Asia/Singapore": pgettext_lazy("time zone", "Asia/Singapore"),
    "Europe/London": pgettext_lazy("time zone", "Europe/London"),
    "Europe/Paris": pgettext_lazy("time zone", "Europe/Paris"),
    "America/New_York": pgettext_lazy("time zone", "America/New_York"),
    "America/Los_Angeles": pgettext_lazy("time zone", "America/Los_Angeles"),
    "UTC": pgettext_lazy("time zone", "UTC"),
}


def zone_name(zone: str) -> str:
    return str(ZONE_NAMES.get(zone, zone))


def default_timezone() -> str:
    return settings.TIME_ZONE


class Event(SlugModel, VisibilityModel, TimeStampedModel):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        WORKSHOP = "workshop", _("Workshop")
        SEMINAR_SERIES = "seminar_series", _("Seminar series")
        FORUM = "forum", _("Forum")
        SUMMER_SCHOOL = "summer_school", _("Summer school")
        MEETING = "meeting", _("Meeting")
        VISIT = "visit", _("Visit or company talk")

    slug = models.SlugField(max_length=100, unique=True, blank=True)
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=60, blank=True, help_text="e.g. CSML2024.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The series or conference this is part of.",
    )
    organizers = models.ManyToManyField(Organization, blank=True, related_name="events_organized")
    venue_name = models.CharField(
        "place", max_length=200, blank=True, help_text="Building or campus."
    )
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    timezone = models.CharField(
        max_length=50,
        default=default_timezone,
        validators=[validate_timezone],
        help_text="IANA time zone of the event, e.g. Asia/Shanghai.",
    )
    url = models.URLField(blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")

    # public() is the event's own flag, what the admin offers; the site shows published().
    objects = PublicTreeQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            end_not_before_start("start_date", "end_date", "event_end_after_start"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="event_not_own_parent"),
        ]
        indexes = [models.Index(fields=["kind", "start_date"])]

    def clean(self):
        super().clean()
        if self.parent_id is not None and (problem := tree_depth_problem(self)):
            raise ValidationError({"parent": problem})

    def __str__(self):
        return self.name

    def slug_source(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("events:event_detail", kwargs={"slug": self.slug})

    @property
    def full_name(self) -> str:
        """'Student Forum, The 22nd Annual Meeting of ...': a session named with its parent."""
        return f"{self.name}, {self.parent.name}" if self.parent_id else self.name

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.venue_name, self.city, self.country) if part)

    @property
    def when(self) -> str:
        start = format_partial_date(self.start_date, self.date_precision)
        end = format_partial_date(self.end_date, self.date_precision)
        return f"{start} – {end}" if end and end != start else start


class TalkQuerySet(PublicQuerySet):
    def published(self):
        """Public talks outside any event or in a published one: a draft or hidden event,
        or any event above it, unpublishes its talks everywhere."""
        return self.public().filter(Q(event=None) | Q(event__in=Event.objects.published()))

    def for_researcher(self, researcher):
        """The talks they gave, as a speaker."""
        return self.filter(speaker_links__researcher=researcher)

    def upcoming(self):
        return self.filter(date__gte=timezone.localdate()).order_by("date", "start")

    def past(self):
        return self.filter(date__lt=timezone.localdate()).order_by("-date", "-start")

    def with_people(self):
        return self.select_related("event", "event__parent").prefetch_related(
            models.Prefetch(
                "speaker_links", queryset=TalkSpeaker.objects.select_related("researcher")
            )
        )

    def update_search_vector(self) -> int:
        """Recompute the stored search vector of these rows in one UPDATE."""
        return self.update(search_vector=CompiledOnce(self.search_vector))

    @staticmethod
    def search_vector() -> SearchVector:
        """What a talk's search vector holds: its titles, event, place and speakers, and
        abstracts."""
        event = Event.objects.filter(pk=OuterRef("event_id")).values(
            names=Concat(
                "name",
                Value(" "),
                "short_name",
                Value(" "),
                "parent__name",
                output_field=models.TextField(),
            )
        )
        speakers = (
            TalkSpeaker.objects.filter(talk=OuterRef("pk"))
            .order_by()
            .values("talk")
            .annotate(names=StringAgg(researcher_name_forms("researcher__"), delimiter=" "))
            .values("names")
        )
        return (
            folded_vector("title_en", config="english", weight="A")
            # The Chinese texts a character a token (core.search.cjk_characters).
            + SearchVector(cjk_characters(F("title_zh_hans")), config="simple", weight="A")
            + folded_vector(Subquery(event), config="english", weight="B")
            # Places and people in 'simple', as names on Researcher: no stemming, no stop words.
            + folded_vector("room", "location", Subquery(speakers), config="simple", weight="B")
            + folded_vector("abstract_en", config="english", weight="C")
            + SearchVector(cjk_characters(F("abstract_zh_hans")), config="simple", weight="C")
        )


class Talk(SlugModel, VisibilityModel, TimeStampedModel):
    class Kind(models.TextChoices):
        TALK = "talk", _("Talk")
        INVITED = "invited", _("Invited talk")
        ORAL = "oral", _("Oral presentation")
        POSTER = "poster", _("Poster")
        SEMINAR = "seminar", _("Seminar")
        KEYNOTE = "keynote", _("Keynote")
        LECTURE = "lecture", _("Lecture")

    slug = models.SlugField(max_length=100, unique=True, blank=True)
    title = models.CharField(max_length=500, help_text="$...$ for math.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TALK)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="talks"
    )
    host_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="talks_hosted",
        help_text="For a talk given at a company or institution rather than an event.",
    )
    date = models.DateField(
        help_text="Day of the talk; set from the start time when one is given. "
        "For a talk known only by month, its 1st with month precision."
    )
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    timezone = models.CharField(
        max_length=50,
        default=default_timezone,
        validators=[validate_timezone],
        help_text="Times are entered and shown in this zone, e.g. Asia/Shanghai.",
    )
    room = models.CharField(
        max_length=200, blank=True, help_text="e.g. Rm 1801, Guanghua East Tower."
    )
    location = models.CharField(max_length=200, blank=True, help_text="City, country.")
    abstract = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(MAX_SEARCHED_TEXT)],
        help_text=f"Markdown; $...$ for math. At most {MAX_SEARCHED_TEXT:,} characters.",
    )
    speakers = models.ManyToManyField(Researcher, through="TalkSpeaker", related_name="talks")
    hosts = models.ManyToManyField(
        Researcher, through="TalkHost", related_name="talks_hosted", blank=True
    )
    publications = models.ManyToManyField(
        "publications.Publication", blank=True, related_name="talks"
    )
    url = models.URLField(blank=True)
    slides_url = models.URLField("slides URL", blank=True)
    video_url = models.URLField("video URL", blank=True)
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Derived by update_search_vector(); not typed in."
    )

    objects = TalkQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-start"]
        constraints = [
            end_not_before_start("start", "end", "talk_end_after_start"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=False),
                name="talk_end_needs_start",
                violation_error_message="An end time needs a start time.",
            ),
        ]
        indexes = [
            models.Index(fields=["visibility", "date"]),
            GinIndex(fields=["search_vector"], name="talk_search_vector"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.start is not None:
            self.date = self.start.astimezone(zoneinfo.ZoneInfo(self.timezone)).date()
            self.date_precision = DatePrecision.DAY
        super().save(*args, **kwargs)

    def slug_source(self) -> str:
        # The year, after save() has set the date from the start time.
        return f"{self.title} {str(self.date)[:4]}"

    def get_absolute_url(self):
        return reverse("events:talk_detail", kwargs={"slug": self.slug})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def local_start(self):
        return self.start.astimezone(self.tz) if self.start else None

    @property
    def local_end(self):
        return self.end.astimezone(self.tz) if self.end else None

    @property
    def when(self) -> str:
        if self.start is None:
            return format_partial_date(self.date, self.date_precision)
        # "2025-10-16, 16:10 to 17:00 (Asia/Shanghai)", or as the page's language writes it.
        text = dateformat.format(self.local_start, pgettext("talk's start", "Y-m-d, H:i"))
        if self.end:
            text = pgettext("talk's start and end time", "%(start)s to %(end)s") % {
                "start": text,
                "end": f"{self.local_end:%H:%M}",
            }
        return pgettext("talk's time in its zone", "%(time)s (%(zone)s)") % {
            "time": text,
            "zone": zone_name(self.timezone),
        }


class TalkSpeaker(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="speaker_links")
    researcher = models.ForeignKey(
        Researcher, on_delete=models.PROTECT, related_name="speaker_links"
    )
    position = models.PositiveSmallIntegerField(default=1)
    affiliation = models.CharField(
        max_length=200, blank=True, help_text="As announced, e.g. Shanghai Jiao Tong University."
    )

    class Meta:
        ordering = ["talk", "position"]
        constraints = [
            models.UniqueConstraint(fields=["talk", "position"], name="talk_speaker_position"),
            models.UniqueConstraint(fields=["talk", "researcher"], name="talk_speaker_unique"),
        ]

    def __str__(self):
        return f"{self.researcher} at {self.talk}"


class TalkHost(models.Model):
    class Role(models.TextChoices):
        HOST = "host", _("Host")
        ADVISOR = "advisor", _("Advisor")
        CHAIR = "chair", _("Chair")

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="host_links")
    researcher = models.ForeignKey(Researcher, on_delete=models.PROTECT, related_name="host_links")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.HOST)
    position = models.PositiveSmallIntegerField(default=1)
    affiliation = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["talk", "role", "position"]
        constraints = [
            models.UniqueConstraint(fields=["talk", "researcher", "role"], name="talk_host_unique"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.researcher} at {self.talk}"


class Participation(models.Model):
    class Role(models.TextChoices):
        ATTENDEE = "attendee", _("Attendee")
        ORGANIZER = "organizer", _("Organizer")
        VOLUNTEER = "volunteer", _("Volunteer")
        CHAIR = "chair", _("Chair")

    researcher = models.ForeignKey(
        Researcher, on_delete=models.CASCADE, related_name="participations"
    )
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ATTENDEE)
    title = models.CharField(
        max_length=200, blank=True, help_text="As printed, e.g. Volunteer Manager."
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["researcher", "-event__start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "event", "role"], name="participation_unique"
            )
        ]

    def __str__(self):
        return f"{self.researcher}: {self.title or self.get_role_display()}, {self.event}"
