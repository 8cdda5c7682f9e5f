import reversion
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version

from core import roles
from core.models import SeedRecord, Visibility

RECORD_FIELDS = ("created", "updated")


def scoped_form(form_class, user):
    """The admin form class with its choices narrowed to what a scoped account may pick
    (see ScopedChoicesForm); unchanged for editors."""
    if not roles.is_scoped(user):
        return form_class
    return type(form_class.__name__, (ScopedChoicesForm, form_class), {"scope_user": user})


class ScopedChoicesForm(forms.ModelForm):
    """Narrows every related-record field to what the account may pick (core.roles.choices)
    and the field that makes the row someone's to the account's own rows, keeping what the
    row already links to, so a shared paper with a hidden co-author still saves."""

    scope_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner = roles.owner_field(self._meta.model)
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            model = field.queryset.model
            # A row's owner, or a parent row of the same owned model (an interest's broader
            # topic): one's own rows only, never a colleague's public one. A shared model's
            # parent (a conference of a session) is picked like any shared row.
            own_parent = model is self._meta.model and roles.label(model) in roles.OWNER_PATHS
            if name == owner or own_parent:
                allowed = roles.owned(self.scope_user, model)
            else:
                allowed = roles.choices(self.scope_user, model) | model._default_manager.filter(
                    pk__in=self.linked_pks(name)
                )
            field.queryset = field.queryset.filter(pk__in=allowed.values("pk"))

    def linked_pks(self, name):
        instance = self.instance
        if instance.pk is None:
            return []
        field = instance._meta.get_field(name)
        if field.many_to_many:
            return list(getattr(instance, name).values_list("pk", flat=True))
        value = getattr(instance, field.attname)
        return [] if value is None else [value]


def set_visibility(model_admin, request, queryset, visibility: str, done: str) -> None:
    """Sets the selected rows' visibility one save at a time, so each change retires its
    pages, renders and recounts as an edit in the form does, and is in the history."""
    opts = model_admin.model._meta
    changed = 0
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(request.user)
        for obj in queryset.exclude(visibility=visibility):
            if not model_admin.has_change_permission(request, obj):
                continue
            obj.visibility = visibility
            obj.save()
            model_admin.log_change(request, obj, [{"changed": {"fields": ["visibility"]}}])
            changed += 1
    name = opts.verbose_name if changed == 1 else opts.verbose_name_plural
    model_admin.message_user(request, f"{changed} {name} {done}.")


@admin.action(description="Make the selected public")
def make_public(model_admin, request, queryset):
    set_visibility(model_admin, request, queryset, Visibility.PUBLIC, "made public")


@admin.action(description="Hide the selected")
def hide(model_admin, request, queryset):
    set_visibility(model_admin, request, queryset, Visibility.HIDDEN, "hidden")


def has_visibility(model) -> bool:
    try:
        model._meta.get_field("visibility")
    except FieldDoesNotExist:
        return False
    return True


class ThroughTableAdmin:
    """Mixed into the admin of a table that joins two records (an author of a paper, a
    speaker of a talk), which editors fill in the inlines of the records it joins: left
    out of the admin's index, which lists what an editor looks for, but its list and pages
    stay at their addresses (links, bookmarks, autocomplete)."""

    def get_model_perms(self, request):
        return {}


class ScopedAdmin(admin.ModelAdmin):
    """Per-object edit rights (core.roles): an account without ``roles.EDIT_ANY`` lists,
    opens, changes and deletes only its own rows, on the queryset and on every object
    check, whatever its model permissions say. Every list of rows with a visibility has
    the "make public" and "hide" actions, for whoever may change them."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if has_visibility(self.model) and self.has_change_permission(request):
            for action in (make_public, hide):
                actions[action.__name__] = (
                    action,
                    action.__name__,
                    action.short_description,
                )
        return actions

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not roles.is_scoped(request.user):
            return queryset
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            # Picking a co-author or a venue: public rows as well as one's own.
            allowed = roles.choices(request.user, self.model)
        else:
            allowed = roles.visible(request.user, self.model)
        return queryset.filter(pk__in=allowed.values("pk"))

    def in_scope(self, request, obj):
        return (
            obj is None
            or not roles.is_scoped(request.user)
            or roles.visible(request.user, self.model).filter(pk=obj.pk).exists()
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return scoped_form(super().get_form(request, obj, change, **kwargs), request.user)


class ScopedInline(admin.options.InlineModelAdmin):
    """An inline whose related-record fields are narrowed like ScopedAdmin's form."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not roles.is_scoped(request.user):
            return queryset
        return queryset.filter(pk__in=roles.choices(request.user, self.model).values("pk"))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        attrs = {"form": scoped_form(formset.form, request.user)}
        if issubclass(formset, OwnerLinkFormSet) and roles.is_scoped(request.user):
            attrs["owner"] = request.user
        return type(formset.__name__, (formset,), attrs)


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInline, admin.StackedInline):
    pass


class OwnerLinkFormSet(BaseInlineFormSet):
    """Rows naming researchers (a paper's authors, a talk's speakers): a scoped account must
    keep itself among them, or it would lose the record it is saving."""

    owner = None
    owner_link = "researcher"
    owner_missing = "Keep yourself in this list: you can edit only records you are part of."

    def clean(self):
        super().clean()
        if self.owner is None or any(self.errors):
            return
        for form in self.forms:
            if self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            researcher = form.cleaned_data.get(self.owner_link)
            if researcher is not None and researcher.user_id == self.owner.pk:
                return
        raise ValidationError(self.owner_missing)


class TimeStampedAdmin(ScopedAdmin):
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


class ScopedVersionAdmin(VersionAdmin, TimeStampedAdmin):
    """History (django-reversion) of the rows one may change.

    reversion finds a version by its id and the URL's object id alone, so a version of
    another model whose row shares the pk would open (and revert) through this admin: the
    lookups here keep to this model. A scoped account reverts only a revision whose every
    row is its own, and the fields it may not set (``fields_kept_on_revert``) keep their
    current values. Recovering deleted rows is for editors only: a deleted row is no longer
    anyone's.
    """

    def fields_kept_on_revert(self):
        return ()

    def recoverlist_view(self, request, extra_context=None):
        if roles.is_scoped(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if roles.is_scoped(request.user):
            raise PermissionDenied
        if not Version.objects.get_deleted(self.model).filter(pk=version_id).exists():
            raise Http404
        return super().recover_view(request, version_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object_reference(self.model, obj.pk)
        version = get_object_or_404(versions.select_related("revision"), pk=version_id)
        context = dict(extra_context or {})
        if roles.is_scoped(request.user):
            if not all(
                roles.may_restore(request.user, stored)
                for stored in version.revision.version_set.select_related("content_type")
            ):
                raise PermissionDenied
            context["kept_fields"] = self.current_values(obj, self.fields_kept_on_revert())
        return super().revision_view(request, object_id, version_id, context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        context = dict(extra_context or {})
        kept = context.pop("kept_fields", None)
        if kept:
            # revision_view has just reverted the rows (in its transaction); put back what
            # the account may not set before the form reads the row.
            self.model._default_manager.filter(pk=unquote(object_id)).update(**kept)
        return super().changeform_view(request, object_id, form_url, context)

    def current_values(self, obj, names):
        attnames = [self.model._meta.get_field(name).attname for name in names]
        if not attnames:
            return {}
        return self.model._default_manager.filter(pk=obj.pk).values(*attnames).get()


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" (/admin/r/<content type>/<pk>/), answering 404 for a
    record the account may view neither on the site nor in the admin: Django's own view
    redirects to any record's page, naming a colleague's hidden paper in its address."""
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model_admin = admin.site._registry.get(content_type.model_class())
    if model_admin is None:
        raise Http404
    try:
        obj = model_admin.get_object(request, unquote(object_id))
        public = roles.public_rows(content_type.model_class()).filter(pk=unquote(object_id))
        if not (public.exists() or (obj and model_admin.has_view_permission(request, obj))):
            raise Http404
    except (ValueError, ValidationError) as error:
        raise Http404 from error
    return shortcut(request, content_type_id, object_id)


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
