"""The admin's BibTeX import: upload, preview (a dry run), then import on confirmation."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from core import roles
from profiles.models import Researcher
from publications.bibtex_reader import BibtexError, read_bibtex
from publications.importer import Importer

MAX_BYTES = 5 * 2**20


class UploadForm(forms.Form):
    file = forms.FileField(label="BibTeX file", help_text="A .bib file in UTF-8, at most 5 MB.")
    researcher = forms.ModelChoiceField(
        Researcher.objects.members(),
        required=False,
        help_text="Whose papers these are: their name is matched first.",
    )
    overwrite = forms.BooleanField(
        required=False, help_text="Also replace fields an editor has changed since the last import."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file has {upload.size:,} bytes; 5 MB at most.")
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(f"Not UTF-8 text (byte {error.start}).") from None


class ConfirmForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    researcher = forms.ModelChoiceField(
        Researcher.objects.members(), required=False, widget=forms.HiddenInput
    )
    overwrite = forms.BooleanField(required=False, widget=forms.HiddenInput)


def import_view(model_admin, request):
    # The import creates papers and people for anyone: an editor's tool, not a member's.
    if not model_admin.has_add_permission(request) or roles.is_scoped(request.user):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import BibTeX",
    }
    if request.method == "POST" and "confirm" in request.POST:
        form = ConfirmForm(request.POST)
        if form.is_valid():
            return run_import(request, form.cleaned_data, dry_run=False) or redirect(
                reverse("admin:publications_publication_changelist")
            )
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "text": form.cleaned_data["file"]}
        outcome = run_import(request, data, dry_run=True)
        if isinstance(outcome, dict):
            context |= outcome
            context["confirm"] = ConfirmForm(
                initial={
                    "text": data["text"],
                    "researcher": data["researcher"],
                    "overwrite": data["overwrite"],
                }
            )
        else:
            context["problems"] = outcome
    context["form"] = form
    return TemplateResponse(request, "admin/publications/publication/import_bibtex.html", context)


def run_import(request, data, dry_run):
    """The preview's context, the problems of a refused file, or None once imported."""
    try:
        entries = read_bibtex(data["text"])
        report = Importer(data["researcher"], overwrite=data["overwrite"]).run(
            entries, dry_run=dry_run
        )
    except BibtexError as error:
        if dry_run:
            return error.problems
        messages.error(request, "Nothing was imported: " + "; ".join(error.problems))
        return None
    if dry_run:
        return {"report": report, "entries": len(entries)}
    messages.success(request, report.summary())
    return None
