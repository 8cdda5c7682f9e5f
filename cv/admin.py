"""The researcher's whole form, with the inlines of every app, and the admin of the entries
that name papers and events."""

from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Value
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core import roles
from core.admin import (
    OwnerLinkFormSet,
    ScopedTabularInline,
    ScopedVersionAdmin,
    TimeStampedAdmin,
)
from core.images import PhotoField
from core.models import ArrayToString
from cv.admin_orcid import orcid_view
from cv.admin_profile_import import profile_import_view
from cv.collaborators import collaborators_file
from cv.merge import MergeError, researchers_merge_all
from cv.models import Award, Grant, GrantInvestigator, ResearchInterest, Service
from cv.orcid import Orcid
from profiles.admin import (
    ORGANIZATION_PATH,
    SMALL_TEXT,
    EducationInline,
    MembershipInline,
    MetricsSnapshotInline,
    PositionInline,
    ProfileSectionInline,
    ProjectMembershipInline,
    ResearcherItemAdmin,
    TeachingInline,
    without,
)
from profiles.models import Researcher
from publications.admin_import import CitationSyncMixin
from publications.models import Publication

# Researchers merged at most at once: the confirmation page previews each as the one kept.
MERGE_AT_ONCE = 5


class ResearchInterestInline(ScopedTabularInline):
    model = ResearchInterest
    fields = ["order", "parent", "title", "description", "publications", "visibility"]
    autocomplete_fields = ["parent", "publications"]
    formfield_overrides = SMALL_TEXT
    ordering = ["order"]
    extra = 0


class AwardInline(ScopedTabularInline):
    """One line per award; its amount, citation and what it was for on its own page."""

    model = Award
    fields = ["order", "kind", "title", "issuer", "date", "date_precision", "visibility"]
    show_change_link = True
    autocomplete_fields = ["issuer"]
    ordering = ["order", "-date"]
    extra = 0


class ServiceInline(ScopedTabularInline):
    """One line per role; the venue, event and description on its own page."""

    model = Service
    fields = [
        "order",
        "kind",
        "role",
        "organization",
        "start_date",
        "end_date",
        "date_precision",
        "visibility",
    ]
    show_change_link = True
    autocomplete_fields = ["organization"]
    formfield_overrides = SMALL_TEXT
    ordering = ["order"]
    extra = 0


class GrantRoleInline(ScopedTabularInline):
    """The researcher's grants; the grant itself is edited on its own page."""

    model = GrantInvestigator
    fields = ["grant", "role", "order"]
    autocomplete_fields = ["grant"]
    verbose_name = "grant"
    verbose_name_plural = "grants"
    extra = 0


# A researcher's change page comes in parts (?part=, tabs above the form), each short
# enough for a screen: the person's own fields, then their entries by kind. A part's
# form holds only its fields and inlines, so saving it leaves the others as they are.
RESEARCHER_PARTS = {
    "": (_("Person"), []),
    "career": (_("Group and career"), [MembershipInline, PositionInline, ServiceInline]),
    "education": (_("Education and teaching"), [EducationInline, TeachingInline]),
    "research": (
        _("Research"),
        [ResearchInterestInline, ProjectMembershipInline, GrantRoleInline],
    ),
    "honours": (_("Honours"), [AwardInline]),
    "page": (_("Page sections and figures"), [ProfileSectionInline, MetricsSnapshotInline]),
}


@admin.register(Researcher)
# The headline, bio and interests' introduction once per language (profiles/translation.py).
class ResearcherAdmin(CitationSyncMixin, TranslationAdmin, ScopedVersionAdmin):
    actions = ["sync_citations", "merge_researchers"]
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
            _("Profile"),
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
            _("Identifiers and links"),
            {
                "classes": ["collapse"],
                "fields": [
                    ("orcid", "openalex_id"),
                    ("google_scholar_id", "github", "arxiv_author_id"),
                    ("linkedin", "bluesky"),
                    ("mastodon", "x"),
                ],
            },
        ),
        (
            _("Publishing"),
            {"classes": ["collapse"], "fields": ["slug", "visibility", "sort_order", "user"]},
        ),
    ]
    inlines = [
        MembershipInline,
        PositionInline,
        EducationInline,
        ResearchInterestInline,
        AwardInline,
        ServiceInline,
        TeachingInline,
        ProjectMembershipInline,
        GrantRoleInline,
        ProfileSectionInline,
        MetricsSnapshotInline,
    ]

    def part(self, request, obj) -> str:
        """The part of the change page asked for; the whole form on the add page and on
        history's revision and recover pages, which restore every part at once."""
        match = request.resolver_match
        view = match.url_name if match else ""
        if obj is None or view.endswith(("_revision", "_recover")):
            return "all"
        name = request.GET.get("part", "")
        return name if name in RESEARCHER_PARTS else ""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.part(request, obj) not in ("", "all"):
            return []
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
        part = self.part(request, obj)
        if part == "all":
            return super().get_inlines(request, obj)
        return RESEARCHER_PARTS[part][1]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and IS_POPUP_VAR not in request.GET:
            current = self.part(request, obj)
            context["parts"] = [
                (name, label, name == current)
                for name, (label, _inlines) in RESEARCHER_PARTS.items()
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        # "Save and continue" comes back to the part it was saved from.
        part = self.part(request, obj)
        if "_continue" in request.POST and part and response.status_code == 302:
            response["Location"] += ("&" if "?" in response["Location"] else "?") + f"part={part}"
        return response

    # Django drops Meta.ordering from GROUP BY queries, which the count annotation makes.
    ordering = Researcher._meta.ordering

    @admin.action(
        description=_("Update their papers' citation counts from OpenAlex"), permissions=["sync"]
    )
    def sync_citations(self, request, queryset):
        self.sync_citations_of(
            request, Publication.objects.filter(authorships__researcher__in=queryset)
        )

    def has_merge_permission(self, request) -> bool:
        # Merging deletes researchers and rewrites others' papers and talks: editors only.
        return self.has_delete_permission(request) and not roles.is_scoped(request.user)

    @admin.action(
        description=_("Merge the selected researchers (one person)"), permissions=["merge"]
    )
    def merge_researchers(self, request, queryset):
        """A confirmation page listing each selected researcher and, for each as the one
        kept, what moves to them (a dry run of the merge); then the merge, in one
        transaction (cv.merge)."""
        people = list(queryset.order_by("full_name", "pk"))
        if not 2 <= len(people) <= MERGE_AT_ONCE:
            self.message_user(
                request,
                f"Select from 2 to {MERGE_AT_ONCE} researchers to merge.",
                messages.WARNING,
            )
            return None
        chosen = request.POST.get("kept", "")
        if "confirm" in request.POST:
            kept = next((p for p in people if str(p.pk) == chosen), None)
            if kept is None:
                self.message_user(request, _("Choose the researcher to keep."), messages.ERROR)
            else:
                try:
                    reports = researchers_merge_all(
                        kept=kept, merged=[p for p in people if p != kept]
                    )
                except MergeError as error:
                    self.message_user(request, f"Nothing was merged: {error}", messages.ERROR)
                    return None
                for report in reports:
                    self.message_user(request, report.summary(), messages.SUCCESS)
                return redirect(reverse("admin:profiles_researcher_change", args=[kept.pk]))
        choices = [
            (
                person,
                researchers_merge_all(
                    kept=person, merged=[p for p in people if p != person], dry_run=True
                ),
            )
            for person in people
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge researchers",
            "opts": self.model._meta,
            "choices": choices,
            "chosen": chosen,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/profiles/researcher/merge.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view(partial(orcid_view, self))
        return [
            path("import-orcid/", view, name="profiles_researcher_import_orcid"),
            path(
                "<path:object_id>/collaborators.<str:fmt>",
                self.admin_site.admin_view(self.collaborators_view),
                name="profiles_researcher_collaborators",
            ),
            path(
                "import-profile/",
                self.admin_site.admin_view(partial(profile_import_view, self)),
                name="profiles_researcher_import_profile",
            ),
            *super().get_urls(),
        ]

    def collaborators_view(self, request, object_id, fmt):
        """The NSF collaborators table (cv.collaborators) of a researcher this user may see
        here, public profile or not; what it lists is public all the same."""
        researcher = self.get_object(request, object_id)
        if researcher is None:
            raise Http404("No such researcher.")
        if not self.has_view_permission(request, researcher):
            raise PermissionDenied
        return collaborators_file(researcher, fmt)

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

    @admin.display(description=_("papers"), ordering="paper_count")
    def paper_count(self, obj):
        return obj.paper_count

    def view_on_site(self, obj):
        # Only members have a profile page; others appear by name on papers and talks. The
        # admin's redirect, not the page's address: a form with errors holds unsaved values.
        if not obj.is_member or obj.pk is None:
            return None
        content_type = ContentType.objects.get_for_model(obj)
        return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


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


class GrantInvestigatorFormSet(OwnerLinkFormSet):
    owner_missing = "Keep yourself among the investigators: members edit only their own grants."


class GrantInvestigatorInline(ScopedTabularInline):
    model = GrantInvestigator
    formset = GrantInvestigatorFormSet
    fields = ["order", "researcher", "role"]
    autocomplete_fields = ["researcher"]
    ordering = ["order"]
    extra = 1


@admin.register(Grant)
class GrantAdmin(TimeStampedAdmin):
    list_display = ["__str__", "kind", "start_date", "end_date", "amount", "currency", "visibility"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "funder_name", "award_number", "=funder_id", "=funder_ror_id"]
    search_help_text = "Title, funder, award number, or the funder's exact ROR or Funder ID."
    autocomplete_fields = ["publications", "projects"]
    list_select_related = []
    fieldsets = [
        (None, {"fields": [("kind", "title"), ("award_number", "url")]}),
        (_("Funder"), {"fields": ["funder_name", ("funder_ror_id", "funder_id")]}),
        (
            None,
            {
                "fields": [
                    ("start_date", "end_date", "date_precision"),
                    ("amount", "currency"),
                    "description",
                    "publications",
                    "projects",
                    "visibility",
                ]
            },
        ),
    ]
    inlines = [GrantInvestigatorInline]
