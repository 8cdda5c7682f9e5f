from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Value
from django.urls import path, reverse

from core import roles
from core.admin import (
    OwnerLinkFormSet,
    ScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    ScopedVersionAdmin,
    TimeStampedAdmin,
)
from core.images import PhotoField
from core.models import ArrayToString
from profiles.admin_orcid import orcid_view
from profiles.models import (
    TEACHING_TERM_RANK,
    Award,
    Education,
    MetricsSnapshot,
    Organization,
    Position,
    ProfileSection,
    Project,
    ProjectMember,
    Researcher,
    ResearchInterest,
    Service,
    Teaching,
)
from profiles.orcid import Orcid
from publications.admin_import import CitationSyncMixin
from publications.models import Publication

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


# Inlines of the researcher form. Every foreign key uses autocomplete, so a form with many
# rows does not render (and query) a full <select> per row.


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


class EducationInline(ScopedStackedInline):
    model = Education
    fields = [
        ("order", "degree", "degree_title", "field"),
        ("institution", "partner_institutions"),
        ("start_date", "end_date", "date_precision"),
        "advisors",
        ("honours_programme", "thesis_title", "rank_note"),
        "description",
        "visibility",
    ]
    autocomplete_fields = ["institution", "partner_institutions", "advisors"]
    formfield_overrides = SMALL_TEXT
    ordering = ["order"]
    extra = 0


class ResearchInterestInline(ScopedTabularInline):
    model = ResearchInterest
    fields = ["order", "parent", "title", "description", "publications", "visibility"]
    autocomplete_fields = ["parent", "publications"]
    formfield_overrides = SMALL_TEXT
    ordering = ["order"]
    extra = 0


class AwardInline(ScopedStackedInline):
    model = Award
    fields = [
        ("order", "kind", "title"),
        ("issuer", "date", "date_precision"),
        ("amount", "currency", "distinction"),
        ("publication", "talk", "event"),
        "visibility",
    ]
    autocomplete_fields = ["issuer", "publication", "talk", "event"]
    ordering = ["order", "-date"]
    extra = 0


class ServiceInline(ScopedStackedInline):
    model = Service
    fields = [
        ("order", "kind", "role"),
        ("venue", "event", "organization"),
        ("start_date", "end_date", "date_precision"),
        "description",
        "visibility",
    ]
    autocomplete_fields = ["venue", "event", "organization"]
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


class ProfileSectionInline(ScopedStackedInline):
    model = ProfileSection
    fields = [("order", "title", "visibility"), "body"]
    ordering = ["order"]
    extra = 0


class MetricsSnapshotInline(ScopedStackedInline):
    model = MetricsSnapshot
    fields = [
        "source",
        "source_url",
        "as_of",
        "paper_count",
        "citation_count",
        "h_index",
        "i10_index",
        "extra",
    ]
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


@admin.register(Researcher)
class ResearcherAdmin(CitationSyncMixin, ScopedVersionAdmin):
    actions = ["sync_citations"]
    orcid_source = Orcid
    list_display = [
        "full_name",
        "native_name",
        "role",
        "is_member",
        "visibility",
        "paper_count",
        "sort_order",
        "user",
    ]
    list_filter = ["is_member", "role", "visibility"]
    # name_variants_text is an alias added in get_search_results: icontains does not apply to
    # an array, so its elements are searched joined into one string.
    search_fields = [
        "full_name",
        "native_name",
        "given_name",
        "family_name",
        "name_variants_text",
        "=orcid",
        "email",
    ]
    search_help_text = "Any spelling of the name, native name, ORCID iD or e-mail."
    formfield_overrides = {models.ImageField: {"form_class": PhotoField}}
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    # The popup for a co-author typed from the publication form shows the first fieldset
    # only; everything else is for profile pages and stays collapsed.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "full_name",
                    ("given_name", "family_name"),
                    "name_variants",
                    ("is_member", "role"),
                ]
            },
        ),
        (
            "Profile",
            {
                "classes": ["collapse"],
                "fields": [
                    "native_name",
                    "headline",
                    "photo",
                    "bio",
                    "interests_intro",
                    ("email", "homepage"),
                    "office",
                ],
            },
        ),
        (
            "Identifiers",
            {
                "classes": ["collapse"],
                "fields": [
                    ("orcid", "openalex_id"),
                    ("google_scholar_id", "github", "arxiv_author_id"),
                ],
            },
        ),
        (
            "Publishing",
            {"classes": ["collapse"], "fields": ["slug", "visibility", "sort_order", "user"]},
        ),
    ]
    inlines = [
        PositionInline,
        EducationInline,
        ResearchInterestInline,
        AwardInline,
        ServiceInline,
        TeachingInline,
        ProjectMembershipInline,
        ProfileSectionInline,
        MetricsSnapshotInline,
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not roles.is_scoped(request.user):
            return fieldsets
        # Members keep their page current; who they are to the group is an editor's call.
        hidden = roles.EDITOR_ONLY_RESEARCHER_FIELDS
        return [
            (name, {**options, "fields": without(options["fields"], hidden)})
            for name, options in fieldsets
        ]

    def fields_kept_on_revert(self):
        return roles.EDITOR_ONLY_RESEARCHER_FIELDS

    def get_inlines(self, request, obj):
        if IS_POPUP_VAR in request.GET or IS_POPUP_VAR in request.POST:
            return []
        return super().get_inlines(request, obj)

    # Django drops Meta.ordering from GROUP BY queries, which the count annotation makes.
    ordering = Researcher._meta.ordering

    @admin.action(
        description="Update their papers' citation counts from OpenAlex", permissions=["sync"]
    )
    def sync_citations(self, request, queryset):
        self.sync_citations_of(
            request, Publication.objects.filter(authorships__researcher__in=queryset)
        )

    def get_urls(self):
        view = self.admin_site.admin_view(partial(orcid_view, self))
        return [
            path("import-orcid/", view, name="profiles_researcher_import_orcid"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        can_import = self.has_add_permission(request) and not roles.is_scoped(request.user)
        return super().changelist_view(request, {**(extra_context or {}), "can_import": can_import})

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paper_count=Count("authorships"))

    def get_search_results(self, request, queryset, search_term):
        if search_term:
            queryset = queryset.alias(
                name_variants_text=ArrayToString("name_variants", Value("; "))
            )
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="papers", ordering="paper_count")
    def paper_count(self, obj):
        return obj.paper_count

    def view_on_site(self, obj):
        # Only members have a profile page; others appear by name on papers and talks. The
        # admin's redirect, not the page's address: a form with errors holds unsaved values.
        if not obj.is_member or obj.pk is None:
            return None
        content_type = ContentType.objects.get_for_model(obj)
        return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


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


@admin.register(ResearchInterest)
class ResearchInterestAdmin(ResearcherItemAdmin):
    list_display = ["title", "researcher", "parent", "order"]
    list_filter = ["researcher__is_member"]
    search_fields = ["title", "researcher__full_name"]
    autocomplete_fields = ["researcher", "parent", "publications"]
    list_select_related = ["researcher", "parent"]


@admin.register(Award)
class AwardAdmin(ResearcherItemAdmin):
    list_display = ["title", "researcher", "kind", "issuer", "date", "amount", "currency"]
    list_filter = ["kind"]
    search_fields = ["title", "distinction", "researcher__full_name", "issuer__name"]
    autocomplete_fields = ["researcher", "issuer", "publication", "talk", "event"]
    list_select_related = ["researcher", f"issuer{ORGANIZATION_PATH}"]
    ordering = ["researcher__full_name", "order", "-date"]


@admin.register(Service)
class ServiceAdmin(ResearcherItemAdmin):
    list_display = ["role", "researcher", "kind", "venue", "event", "organization", "start_date"]
    list_filter = ["kind"]
    search_fields = [
        "role",
        "researcher__full_name",
        "venue__name",
        "venue__short_name",
        "event__name",
        "organization__name",
    ]
    autocomplete_fields = ["researcher", "venue", "event", "organization"]
    list_select_related = ["researcher", "venue", "event", f"organization{ORGANIZATION_PATH}"]


@admin.register(Teaching)
class TeachingAdmin(ResearcherItemAdmin):
    list_display = ["course", "researcher", "role", "year", "term", "organization", "instructor"]
    list_filter = ["role", "term", "year"]
    search_fields = ["course", "course_code", "programme", "researcher__full_name"]
    autocomplete_fields = ["researcher", "organization", "instructor"]
    list_select_related = ["researcher", f"organization{ORGANIZATION_PATH}", "instructor"]
    ordering = ["researcher__full_name", "-year", "order"]


@admin.register(ProfileSection)
class ProfileSectionAdmin(ResearcherItemAdmin):
    list_display = ["title", "researcher", "visibility", "order"]
    list_filter = ["visibility"]
    search_fields = ["title", "body", "researcher__full_name"]


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
    ]
    list_filter = ["source"]
    search_fields = ["researcher__full_name", "source"]
    autocomplete_fields = ["researcher"]
    list_select_related = ["researcher"]
    date_hierarchy = "as_of"


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
class ProjectAdmin(TimeStampedAdmin):
    list_display = ["title", "kind", "language", "member_count", "visibility"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "description"]
    autocomplete_fields = []
    list_select_related = []
    fields = ["title", "kind", "language", "description", "url", "code_url", "visibility", "slug"]
    inlines = [ProjectMemberInline]

    ordering = Project._meta.ordering  # see ResearcherAdmin.ordering

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(ProjectMember)
class ProjectMemberAdmin(ScopedAdmin):
    list_display = ["project", "researcher", "role", "order"]
    list_filter = ["project__kind"]
    search_fields = ["project__title", "researcher__full_name", "role"]
    autocomplete_fields = ["project", "researcher"]
    list_select_related = ["project", "researcher"]
