from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from core.admin import (
    OwnerLinkFormSet,
    ScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    ThroughTableAdmin,
    TimeStampedAdmin,
)
from core.images import PhotoField
from profiles.models import (
    IMPLAUSIBLE,
    TEACHING_TERM_RANK,
    Education,
    Membership,
    MetricsSnapshot,
    Organization,
    Position,
    ProfileSection,
    Project,
    ProjectMember,
    SiteLink,
    SiteSettings,
    Teaching,
)

# Organization.__str__ walks up the parents; three levels cover department, school, university.
ORGANIZATION_PATH = "__parent__parent"
SMALL_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


def without(fields, names):
    """A fieldset's field list without ``names``, also inside (a, b) rows."""
    kept = []
    for field in fields:
        if isinstance(field, tuple | list):
            row = tuple(name for name in field if name not in names)
            if row:
                kept.append(row)
        elif field not in names:
            kept.append(field)
    return kept


# Inlines of the researcher form (cv.admin.ResearcherAdmin). Every foreign key uses
# autocomplete, so a form with many rows does not render (and query) a full <select> per row.


class PositionInline(ScopedTabularInline):
    model = Position
    fields = [
        "order",
        "kind",
        "title",
        "organization",
        "start_date",
        "end_date",
        "date_precision",
        "description",
        "visibility",
    ]
    autocomplete_fields = ["organization"]
    formfield_overrides = SMALL_TEXT
    ordering = ["order"]
    extra = 0


class EducationInline(ScopedTabularInline):
    """One line per degree on the researcher's form; advisors, thesis, honours and the
    rest on the degree's own page (its "change" link), so the form stays short."""

    model = Education
    fields = [
        "order",
        "degree",
        "degree_title",
        "institution",
        "start_date",
        "end_date",
        "date_precision",
        "visibility",
    ]
    show_change_link = True
    autocomplete_fields = ["institution"]
    formfield_overrides = SMALL_TEXT
    ordering = ["order"]
    extra = 0


class TeachingInline(ScopedTabularInline):
    model = Teaching
    fields = [
        "order",
        "course",
        "course_code",
        "role",
        "year",
        "term",
        "organization",
        "programme",
        "instructor",
        "visibility",
    ]
    autocomplete_fields = ["organization", "instructor"]
    fk_name = "researcher"
    ordering = ["-year", TEACHING_TERM_RANK.desc(), "order"]
    extra = 0


class ProjectMembershipInline(ScopedTabularInline):
    model = ProjectMember
    fields = ["project", "role", "order"]
    autocomplete_fields = ["project"]
    verbose_name = "project membership"
    extra = 0


class MembershipInline(ScopedTabularInline):
    """The periods in the group; a member's account reads them (core.roles)."""

    model = Membership
    fields = ["role", "start_date", "end_date", "date_precision"]
    verbose_name = "period in the group"
    verbose_name_plural = "periods in the group"
    ordering = ["start_date"]
    extra = 0


# Translated fields (profiles/translation.py) show once per language, English first.
class ProfileSectionInline(TranslationStackedInline, ScopedStackedInline):
    model = ProfileSection
    fields = [("order", "title", "visibility"), "body"]
    ordering = ["order"]
    extra = 0


@admin.display(description=_("Figures check"))
def figures_check(snapshot: MetricsSnapshot) -> str:
    """What an editor sees of ``MetricsSnapshot.problems``: such a snapshot is not on the
    profile until its figures are corrected."""
    if snapshot.pk is None:
        return "-"
    problems = snapshot.problems
    return "Not shown on the profile: " + " ".join(problems) if problems else "Plausible"


class MetricsSnapshotInline(ScopedStackedInline):
    model = MetricsSnapshot
    fields = [
        "source",
        "source_url",
        "as_of",
        ("paper_count", "citation_count", "h_index", "i10_index"),
        figures_check,
        "extra",
    ]
    readonly_fields = [figures_check]
    formfield_overrides = {models.JSONField: {"widget": forms.Textarea(attrs={"rows": 2})}}
    classes = ["collapse"]
    ordering = ["-as_of"]
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(TimeStampedAdmin):
    list_display = ["name", "short_name", "kind", "parent", "city", "country", "ror_id"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name", "city", "=ror_id"]
    autocomplete_fields = ["parent"]
    list_select_related = [f"parent{ORGANIZATION_PATH}"]
    fields = ["name", "short_name", "kind", "parent", "city", "country", "ror_id", "url", "slug"]


class ResearcherItemAdmin(TimeStampedAdmin):
    """Entries listed on a profile; usually edited inline on the researcher."""

    list_select_related = ["researcher"]
    autocomplete_fields = ["researcher"]
    ordering = ["researcher__full_name", "order"]

    def get_fields(self, request, obj=None):
        # Visibility is inherited from core's base, which Django lists first; it belongs
        # last, as on the inline rows.
        fields = [name for name in super().get_fields(request, obj) if name != "visibility"]
        return [*fields, "visibility"]


@admin.register(Position)
class PositionAdmin(ResearcherItemAdmin):
    list_display = ["title", "researcher", "organization", "kind", "start_date", "end_date"]
    list_filter = ["kind", "organization__kind"]
    search_fields = ["title", "researcher__full_name", "organization__name"]
    autocomplete_fields = ["researcher", "organization"]
    list_select_related = ["researcher", f"organization{ORGANIZATION_PATH}"]


@admin.register(Education)
class EducationAdmin(ResearcherItemAdmin):
    list_display = ["degree_title", "researcher", "institution", "degree", "start_date", "end_date"]
    list_filter = ["degree"]
    search_fields = [
        "degree_title",
        "field",
        "researcher__full_name",
        "institution__name",
        "thesis_title",
    ]
    autocomplete_fields = ["researcher", "institution", "partner_institutions", "advisors"]
    list_select_related = ["researcher", f"institution{ORGANIZATION_PATH}"]


@admin.register(Teaching)
class TeachingAdmin(ResearcherItemAdmin):
    list_display = ["course", "researcher", "role", "year", "term", "organization", "instructor"]
    list_filter = ["role", "term", "year"]
    search_fields = ["course", "course_code", "programme", "researcher__full_name"]
    autocomplete_fields = ["researcher", "organization", "instructor"]
    list_select_related = ["researcher", f"organization{ORGANIZATION_PATH}", "instructor"]
    ordering = ["researcher__full_name", "-year", "order"]


@admin.register(ProfileSection)
class ProfileSectionAdmin(TranslationAdmin, ResearcherItemAdmin):
    # Declared, as modeltranslation's form would otherwise follow the model's field order.
    fields = ["researcher", "order", "title", "body", "resume_key", "resume_items", "visibility"]
    list_display = ["title", "researcher", "visibility", "order"]
    list_filter = ["visibility"]
    # Both languages' columns: "title" alone would search the editor's language only.
    search_fields = [
        "title_en",
        "title_zh_hans",
        "body_en",
        "body_zh_hans",
        "researcher__full_name",
    ]


class PlausibleFilter(admin.SimpleListFilter):
    title = "figures"
    parameter_name = "figures"

    def lookups(self, request, model_admin):
        return [("implausible", "Impossible together"), ("plausible", "Plausible")]

    def queryset(self, request, queryset):
        if self.value() == "implausible":
            return queryset.filter(IMPLAUSIBLE)
        if self.value() == "plausible":
            return queryset.exclude(IMPLAUSIBLE)
        return queryset


@admin.register(MetricsSnapshot)
class MetricsSnapshotAdmin(TimeStampedAdmin):
    list_display = [
        "researcher",
        "source",
        "as_of",
        "paper_count",
        "citation_count",
        "h_index",
        "i10_index",
        figures_check,
    ]
    list_filter = [PlausibleFilter, "source"]
    readonly_fields = [figures_check]
    search_fields = ["researcher__full_name", "source"]
    autocomplete_fields = ["researcher"]
    list_select_related = ["researcher"]
    date_hierarchy = "as_of"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if problems := obj.problems:
            messages.warning(
                request,
                f"Saved, but these figures cannot all be true, so the profile does not show "
                f"them: {' '.join(problems)}",
            )


class ProjectMemberFormSet(OwnerLinkFormSet):
    owner_missing = "Keep yourself among the members: members edit only their own projects."


class ProjectMemberInline(ScopedTabularInline):
    model = ProjectMember
    formset = ProjectMemberFormSet
    fields = ["order", "researcher", "role"]
    autocomplete_fields = ["researcher"]
    ordering = ["order"]
    extra = 1


@admin.register(Project)
class ProjectAdmin(TranslationAdmin, TimeStampedAdmin):
    list_display = ["title", "kind", "language", "member_count", "visibility"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title_en", "title_zh_hans", "description_en", "description_zh_hans"]
    autocomplete_fields = []
    list_select_related = []
    fields = ["title", "kind", "language", "description", "url", "code_url", "visibility", "slug"]
    inlines = [ProjectMemberInline]

    # Django drops Meta.ordering from GROUP BY queries, which the count annotation makes.
    ordering = Project._meta.ordering

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(ProjectMember)
class ProjectMemberAdmin(ThroughTableAdmin, ScopedAdmin):
    list_display = ["project", "researcher", "role", "order"]
    list_filter = ["project__kind"]
    search_fields = ["project__title_en", "project__title_zh_hans", "researcher__full_name", "role"]
    autocomplete_fields = ["project", "researcher"]
    list_select_related = ["project", "researcher"]


class SiteLinkInline(admin.TabularInline):
    model = SiteLink
    fields = ["label", "url", "order"]
    extra = 0


@admin.register(SiteSettings)
class SiteSettingsAdmin(TimeStampedAdmin):
    """The one record of the group's name, logo and front page: added once, never deleted."""

    list_display = ["display_name", "contact_email", "updated"]
    list_filter = []
    search_fields = []
    list_select_related = []
    autocomplete_fields = []
    formfield_overrides = {models.ImageField: {"form_class": PhotoField}}
    fields = ["name", "logo", "introduction", "address", "contact_email"]
    inlines = [SiteLinkInline]

    @admin.display(description=_("group name"))
    def display_name(self, obj):
        return obj.display_name

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
