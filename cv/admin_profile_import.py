"""The admin's CV import: upload or paste a JSON Resume, al-folio cv.yml or RenderCV file,
preview the import as a dry run, import on confirmation. The text waits in the editor's
session meanwhile (publications.admin_import.keep_preview), so the import is exactly the
preview."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from cv.profile_formats import read_profile
from cv.profile_import import import_profile
from profiles.models import Researcher
from publications.admin_import import (
    BIBTEX_MAX_BYTES,
    IMPORT_SECONDS,
    LIMITS,
    editor_context,
    keep_preview,
    take_preview,
)
from publications.importer import ImportBusy
from publications.records import Deadline, ImportProblem

MAX_BYTES = BIBTEX_MAX_BYTES


class ProfileForm(forms.Form):
    file = forms.FileField(
        required=False,
        label="CV file",
        help_text="resume.json (JSON Resume), al-folio's _data/cv.yml or a RenderCV .yaml, in "
        f"UTF-8, at most {MAX_BYTES // 2**20} MB. {LIMITS}",
    )
    text = forms.CharField(
        required=False,
        label="Or paste it",
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        max_length=MAX_BYTES,
    )
    researcher = forms.ModelChoiceField(
        Researcher.objects.all(),
        required=False,
        help_text="Whose CV this is; by default the one with the file's ORCID iD, e-mail or "
        "name, else a new member.",
    )
    strict = forms.BooleanField(
        required=False, help_text="Import nothing if any field or entry cannot be imported."
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload and upload.size > MAX_BYTES:
            self.add_error("file", f"The file has {upload.size:,} bytes; 1 MB at most here.")
            return data
        if upload:
            data["content"] = upload.read()
        elif data.get("text", "").strip():
            data["content"] = data["text"].encode()
        elif not self.errors:
            raise forms.ValidationError("Choose a file or paste its text.")
        return data


def profile_import_view(model_admin, request):
    context = editor_context(model_admin, request, "Import a CV (JSON Resume, al-folio, RenderCV)")
    context["other_imports"] = [*context["other_imports"], (request.path, "CV file")]
    if request.method == "POST" and "confirm" in request.POST:
        return confirm(request)
    posted = request.method == "POST"
    form = ProfileForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        options = form.cleaned_data
        try:
            profile = read_profile(options["content"])
            report = import_profile(
                profile,
                researcher=options["researcher"],
                strict=options["strict"],
                dry_run=True,
                deadline=Deadline(IMPORT_SECONDS),
            )
        except ImportProblem as error:
            context["problems"] = error.problems
        except ImportBusy as error:
            context["problems"] = [str(error)]
        else:
            researcher = options["researcher"]
            payload = {
                "text": options["content"].decode("utf-8", "replace"),
                "researcher": researcher.pk if researcher else None,
                "strict": options["strict"],
            }
            context |= {"report": report, "confirm": keep_preview(request, payload)}
    context["form"] = form
    return TemplateResponse(request, "admin/profiles/researcher/import_profile.html", context)


def confirm(request):
    try:
        payload = take_preview(request)
        report = import_profile(
            read_profile(payload["text"]),
            researcher=Researcher.objects.filter(pk=payload["researcher"]).first(),
            strict=payload["strict"],
            deadline=Deadline(IMPORT_SECONDS),
        )
    except ValidationError as error:
        messages.error(request, f"Nothing was imported: {' '.join(error.messages)}.")
    except ImportProblem as error:
        messages.error(request, "Nothing was imported: " + "; ".join(error.problems))
    except ImportBusy as error:
        messages.error(request, f"Nothing was imported: {error}")
    else:
        messages.success(request, report.summary())
        return redirect(reverse("admin:profiles_researcher_change", args=[report.researcher_pk]))
    return redirect(reverse("admin:profiles_researcher_changelist"))
