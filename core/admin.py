from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from core.models import SeedRecord

RECORD_FIELDS = ("created", "updated")


class TimeStampedAdmin(admin.ModelAdmin):
    """Shows ``created`` and ``updated`` read-only, in a collapsed "Record" fieldset last."""

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + tuple(name for name in RECORD_FIELDS if name not in readonly)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in RECORD_FIELDS]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is None:
            return fieldsets
        return [*fieldsets, ("Record", {"classes": ["collapse"], "fields": RECORD_FIELDS})]


@admin.register(SeedRecord)
class SeedRecordAdmin(admin.ModelAdmin):
    """Bookkeeping of ``loaddemo``: editors may look, only the loader writes."""

    list_display = ["key", "content_type", "object_id", "row_link", "loaded"]
    list_filter = ["content_type"]
    search_fields = ["key"]
    autocomplete_fields = []
    list_select_related = ["content_type"]
    readonly_fields = ["key", "content_type", "object_id", "fields", "fingerprint", "loaded"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="row")
    def row_link(self, obj):
        ct = obj.content_type
        try:
            url = reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[obj.object_id])
        except NoReverseMatch:
            return "-"
        return format_html('<a href="{}">open</a>', url)
