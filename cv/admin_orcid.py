"""The admin's ORCID import: fetch a record (or upload a saved one), preview the import as a
dry run, import on confirmation. The record waits in the editor's session meanwhile
(publications.admin_import.keep_preview), so the import is exactly the preview."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from core.http import SourceError
from cv.orcid import checked_orcid, parse_record, read_record
from cv.orcid_import import import_orcid
from profiles.models import Researcher
from publications.admin_import import (
    FETCH_SECONDS,
    IMPORT_SECONDS,
    LIMITS,
    MAX_BYTES,
    MAX_ENTRIES,
    editor_context,
    keep_preview,
    take_preview,
)
from publications.importer import ImportBusy
from publications.records import Deadline


class OrcidForm(forms.Form):
    orcid = forms.CharField(
        label="ORCID iD",
        help_text="e.g. 0000-0002-1825-0097, or the https://orcid.org/ link. ORCID must answer "
        f"within {FETCH_SECONDS} seconds; a record may have {MAX_ENTRIES} works at most. {LIMITS}",
    )
    record = forms.FileField(
        required=False,
        label="Saved record",
        help_text="The record's JSON saved from pub.orcid.org, instead of fetching it; at most "
        f"{MAX_BYTES // 2**20} MB.",
    )
    researcher = forms.ModelChoiceField(
        Researcher.objects.all(),
        required=False,
        help_text="Whom it is for; by default the researcher with this iD, else a new one.",
    )
    overwrite = forms.BooleanField(
        required=False,
        help_text="Also replace paper fields an editor has changed since the last import.",
    )

    def clean_orcid(self):
        try:
            return checked_orcid(self.cleaned_data["orcid"])
        except SourceError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_record(self):
        upload = self.cleaned_data["record"]
        if upload and upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file has {upload.size:,} bytes; 5 MB at most.")
        return upload.read() if upload else None


def orcid_view(model_admin, request):
    context = editor_context(model_admin, request, "Import an ORCID record")
    if request.method == "POST" and "confirm" in request.POST:
        return confirm(request)
    form = OrcidForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        options = form.cleaned_data
        try:
            if options["record"] is not None:
                read_record(options["record"], options["orcid"])  # JSON, and this iD's record
                data = json.loads(options["record"])
            else:
                source = model_admin.orcid_source().within(FETCH_SECONDS)
                data = source.record_data(options["orcid"])
            report = import_orcid(
                checked_size(parse_record(data)),
                researcher=options["researcher"],
                overwrite=options["overwrite"],
                dry_run=True,
                deadline=Deadline(IMPORT_SECONDS),
            )
        except (SourceError, ImportBusy) as error:
            context["problems"] = [f"{error} Nothing was imported."]
        else:
            researcher = options["researcher"]
            payload = {
                "record": data,
                "researcher": researcher.pk if researcher else None,
                "overwrite": options["overwrite"],
            }
            context |= {"report": report, "confirm": keep_preview(request, payload)}
    context["form"] = form
    return TemplateResponse(request, "admin/profiles/researcher/import_orcid.html", context)


def checked_size(record):
    if len(record.works) > MAX_ENTRIES:
        raise SourceError(
            f"The record has {len(record.works):,} works; {MAX_ENTRIES} at most here "
            "(manage.py import_orcid takes any number)."
        )
    return record


def confirm(request):
    try:
        payload = take_preview(request)
        record = parse_record(payload["record"])
        report = import_orcid(
            record,
            researcher=Researcher.objects.filter(pk=payload["researcher"]).first(),
            overwrite=payload["overwrite"],
            deadline=Deadline(IMPORT_SECONDS),
        )
    except ValidationError as error:
        messages.error(request, f"Nothing was imported: {' '.join(error.messages)}.")
    except (SourceError, ImportBusy) as error:
        messages.error(request, f"{error} Nothing was imported.")
    else:
        messages.success(request, report.summary())
        person = Researcher.objects.get(orcid=record.orcid)
        return redirect(reverse("admin:profiles_researcher_change", args=[person.pk]))
    return redirect(reverse("admin:profiles_researcher_changelist"))
