import json

from django.contrib import admin, messages
from django.utils.html import format_html

from core.admin import TimeStampedAdmin
from inbox.models import Candidate
from inbox.services import candidates_accept, candidates_reject
from inbox.tasks import harvest_later
from profiles.models import Researcher
from publications.importer import ImportBusy

SHOWN = [
    "title",
    "researcher",
    "status",
    "source",
    "source_id",
    "year",
    "kind",
    "venue",
    "authors_line",
    "doi",
    "arxiv_id",
    "publication",
    "decided",
    "decided_by",
    "raw_record",
]


@admin.register(Candidate)
class CandidateAdmin(TimeStampedAdmin):
    """What the harvests found: read only, decided by the two actions. A member sees and
    decides only their own researcher's candidates (core.roles); a decision is final, so
    nobody deletes a candidate here (a rejected one keeps the work out of later harvests)."""

    list_display = ["title", "researcher", "year", "source", "venue", "status", "publication"]
    list_filter = ["status", "source", ("researcher", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "doi", "arxiv_id", "source_id", "venue"]
    autocomplete_fields = []
    list_select_related = ["researcher", "publication"]
    actions = ["accept", "reject"]
    fields = SHOWN
    readonly_fields = SHOWN

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Every field is read only: no save buttons, only the list's actions decide.
        context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().changeform_view(request, object_id, form_url, context)

    @admin.display(description="authors")
    def authors_line(self, obj):
        return ", ".join(obj.authors)

    @admin.display(description="record as the source gave it")
    def raw_record(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.record, indent=2, ensure_ascii=False))

    @admin.action(description="Accept: add as papers", permissions=["change"])
    def accept(self, request, queryset):
        try:
            decision = candidates_accept(candidates=queryset, user=request.user)
        except ImportBusy as error:
            self.message_user(request, f"Nothing was accepted: {error}", messages.ERROR)
            return
        if decision.accepted:
            self.message_user(
                request,
                f"Accepted {len(decision.accepted)}: {'; '.join(decision.accepted)}.",
                messages.SUCCESS,
            )
        self.report(request, decision)

    @admin.action(description="Reject: never file again", permissions=["change"])
    def reject(self, request, queryset):
        decision = candidates_reject(candidates=queryset, user=request.user)
        if decision.rejected:
            self.message_user(
                request, f"Rejected {len(decision.rejected)} for good.", messages.SUCCESS
            )
        self.report(request, decision)

    def report(self, request, decision):
        if decision.not_new:
            self.message_user(
                request,
                f"Decided before, left as they are: {'; '.join(decision.not_new)}.",
                messages.WARNING,
            )
        for line in decision.skipped:
            self.message_user(request, f"Not accepted, still new: {line}", messages.ERROR)
        for line in decision.warnings:
            self.message_user(request, line, messages.WARNING)


# The researchers' admin is cv's; the inbox stands above it and adds its action to whatever
# class is registered now (a subclass, so the registered class's own actions stay).
ResearcherAdminBase = type(admin.site.get_model_admin(Researcher))


class ResearcherAdmin(ResearcherAdminBase):
    actions = [*ResearcherAdminBase.actions, "harvest_works"]

    @admin.action(
        description="Harvest their works into the works inbox (in the background)",
        permissions=["change"],
    )
    def harvest_works(self, request, queryset):
        queued, already = [], []
        for person in queryset.order_by("full_name"):
            (queued if harvest_later(person) else already).append(person.full_name)
        if queued:
            self.message_user(
                request,
                f"Queued: {', '.join(queued)}. New works appear in the works inbox "
                "when the worker has asked the sources.",
                messages.SUCCESS,
            )
        if already:
            self.message_user(request, f"Queued already: {', '.join(already)}.", messages.WARNING)


admin.site.unregister(Researcher)
admin.site.register(Researcher, ResearcherAdmin)
