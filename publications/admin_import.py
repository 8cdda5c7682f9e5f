"""The admin's imports: a BibTeX upload, or papers by DOI or arXiv id. Each previews the
import as a dry run and imports on confirmation.

What the preview read (the file, or what a source answered) and its options wait in the
editor's session, so the import is exactly the preview: no second fetch, no upload again,
no hidden field to alter.

Each request must end inside gunicorn's worker timeout (60 s, in the Dockerfile): outside
sources answer within FETCH_SECONDS in all, reading and importing stop at IMPORT_SECONDS
with nothing written, and a file is held to MAX_ENTRIES and BIBTEX_MAX_BYTES, which import
in about half that (README, "Importing"). The commands have no such limits.
"""

import secrets
import time
from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from core import roles
from core.http import SourceError
from core.validators import normalize_arxiv_id, normalize_doi, validate_arxiv_id, validate_doi
from profiles.models import Researcher
from publications.bibtex_reader import (
    DEFAULT_MARKS,
    Options,
    TooMany,
    parse_marks,
    read_file,
)
from publications.importer import ImportBusy, Importer
from publications.records import Deadline, ImportProblem, ParsedWork, work_from_row
from publications.sources import Arxiv, Crossref, OpenAlex
from publications.venues import VenuesFileError, read_venues_yml

MAX_BYTES = 5 * 2**20  # a saved ORCID record
BIBTEX_MAX_BYTES = 2**20
MAX_ENTRIES = 500
MAX_IDENTIFIERS = 50
FETCH_SECONDS = 20
IMPORT_SECONDS = 30
LIMITS = (
    f"The preview and the import each stop after {IMPORT_SECONDS} seconds, writing nothing; "
    "larger imports: manage.py import_bibtex, import_doi, import_arxiv or import_orcid."
)
PREVIEW_KEY = "import-preview"
# How long a preview may wait for its confirmation.
CONFIRM_SECONDS = 3600
# Identifier kind -> (label, normaliser, validator, client class).
SOURCES = {
    "doi": ("DOIs, from Crossref", normalize_doi, validate_doi, Crossref),
    "arxiv": ("arXiv ids, from arXiv", normalize_arxiv_id, validate_arxiv_id, Arxiv),
}


class ImportOptions(forms.Form):
    researcher = forms.ModelChoiceField(
        Researcher.objects.members(),
        required=False,
        help_text="Whose papers these are: their name is matched first.",
    )
    overwrite = forms.BooleanField(
        required=False, help_text="Also replace fields an editor has changed since the last import."
    )


class UploadForm(ImportOptions):
    file = forms.FileField(
        label="BibTeX file",
        required=False,
        help_text=f"A .bib file in UTF-8, or the entries pasted below; at most "
        f"{BIBTEX_MAX_BYTES // 2**20} MB and {MAX_ENTRIES} entries. {LIMITS}",
    )
    pasted = forms.CharField(
        label="or paste BibTeX",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "spellcheck": "false"}),
    )
    venues = forms.FileField(
        label="al-folio venues.yml",
        required=False,
        help_text="Optional: al-folio's _data/venues.yml. The venues the entries' abbr names "
        "take that abbreviation as short name and its url, where they have none.",
    )
    marks = forms.CharField(
        initial=DEFAULT_MARKS,
        required=False,
        max_length=100,
        help_text="What author marks mean: alfolio (* equal contribution, † corresponding), "
        "hugo, site (# equal, * corresponding), or a legend such as *=equal,†=corresponding.",
    )
    base_url = forms.URLField(
        required=False,
        label="Base URL",
        help_text="Where relative links are (al-folio's pdf = {paper.pdf}), e.g. "
        "https://example.org/assets/pdf/; without it they are kept as given.",
    )
    strict = forms.BooleanField(
        required=False, help_text="Import nothing when any entry cannot be imported."
    )
    field_order = ["file", "pasted", "venues"]

    def clean_marks(self):
        marks = self.cleaned_data["marks"] or DEFAULT_MARKS
        try:
            parse_marks(marks)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return marks

    def clean_file(self):
        upload = self.cleaned_data["file"]
        return "" if upload is None else _read_upload(upload)

    def clean_pasted(self):
        text = self.cleaned_data["pasted"]
        if len(text.encode()) > BIBTEX_MAX_BYTES:
            raise forms.ValidationError(
                f"The text has {len(text.encode()):,} bytes; {BIBTEX_MAX_BYTES // 2**20} MB at "
                "most here (manage.py import_bibtex takes any size)."
            )
        return text

    def clean_venues(self):
        upload = self.cleaned_data["venues"]
        if upload is None:
            return {}
        try:
            return read_venues_yml(_read_upload(upload))
        except VenuesFileError as error:
            raise forms.ValidationError(f"venues.yml: {error}") from None

    def clean(self):
        data = super().clean()
        file, pasted = data.get("file"), data.get("pasted")
        if "file" in data and "pasted" in data:
            if file and pasted.strip():
                raise forms.ValidationError(
                    "Give a file or pasted text, not both: which one should be imported?"
                )
            if not file and not pasted.strip():
                raise forms.ValidationError("Choose a BibTeX file or paste its entries.")
            data["text"] = file or pasted
        return data


def _read_upload(upload) -> str:
    if upload.size > BIBTEX_MAX_BYTES:
        raise forms.ValidationError(
            f"The file has {upload.size:,} bytes; {BIBTEX_MAX_BYTES // 2**20} MB at most "
            "here (manage.py import_bibtex takes any size)."
        )
    try:
        return upload.read().decode("utf-8")
    except UnicodeDecodeError as error:
        raise forms.ValidationError(f"Not UTF-8 text (byte {error.start}).") from None


class SourceForm(ImportOptions):
    source = forms.ChoiceField(choices=[(key, value[0]) for key, value in SOURCES.items()])
    identifiers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"One per line, at most {MAX_IDENTIFIERS}; DOIs may be written as URLs, "
        f"arXiv ids with a version. The source must answer within {FETCH_SECONDS} seconds in "
        f"all. {LIMITS}",
    )
    field_order = ["source", "identifiers"]

    def clean(self):
        data = super().clean()
        if "source" not in data or "identifiers" not in data:
            return data
        _, normalise, validate, _ = SOURCES[data["source"]]
        lines = [line.strip() for line in data["identifiers"].splitlines() if line.strip()]
        if len(lines) > MAX_IDENTIFIERS:
            self.add_error("identifiers", f"{len(lines)} lines; {MAX_IDENTIFIERS} at most.")
            return data
        identifiers, problems = [], []
        for line in lines:
            identifier = normalise(line)
            try:
                validate(identifier)
            except ValidationError as error:
                problems.append(f"{line}: {' '.join(error.messages)}")
            identifiers.append(identifier)
        if problems:
            self.add_error("identifiers", problems)
        data["identifiers"] = list(dict.fromkeys(identifiers))
        return data


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


def keep_preview(request, payload: dict) -> ConfirmForm:
    """Keeps what a preview imported (and rolled back) in the editor's session; the form
    that confirms it carries a token alone, so a file of any size allowed, and nothing an
    editor's browser could alter, travels back. One preview is kept at a time."""
    token = secrets.token_urlsafe(16)
    request.session[PREVIEW_KEY] = {"token": token, "at": time.time(), "payload": payload}
    return ConfirmForm(initial={"token": token})


def take_preview(request) -> dict:
    """The payload the confirmed preview kept, or a ValidationError saying why not."""
    kept = request.session.pop(PREVIEW_KEY, None)
    if kept is None or kept["token"] != request.POST.get("token"):
        raise ValidationError("this preview is no longer kept (another came after it)")
    if time.time() - kept["at"] > CONFIRM_SECONDS:
        raise ValidationError("the preview is over an hour old")
    return kept["payload"]


def editor_context(model_admin, request, title: str) -> dict:
    # An import creates papers and people for anyone: an editor's tool, not a member's.
    if not model_admin.has_add_permission(request) or roles.is_scoped(request.user):
        raise PermissionDenied
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "other_imports": [
            (reverse(f"admin:{name}"), label)
            for name, label in (
                ("publications_publication_import", "BibTeX file"),
                ("publications_publication_import_source", "DOIs or arXiv ids"),
                ("profiles_researcher_import_orcid", "ORCID record"),
            )
        ],
    }


def import_view(model_admin, request):
    """Upload a .bib file, preview, import."""
    context = editor_context(model_admin, request, "Import BibTeX")
    if confirmed := confirm(request):
        return confirmed
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        deadline = Deadline(IMPORT_SECONDS)
        data = form.cleaned_data
        text = data["text"]
        field = "file" if data["file"] else "pasted"
        try:
            reading = read_file(text, _options(data), deadline=deadline, max_entries=MAX_ENTRIES)
        except TooMany as error:
            form.add_error(field, f"{error} manage.py import_bibtex takes any number.")
        except ImportProblem as error:
            context["problems"] = error.problems
        else:
            refused = [*reading.skipped, *reading.warnings]
            if data["strict"] and refused:
                context["problems"] = [str(notice) for notice in refused]
            else:
                context |= preview(
                    request,
                    data,
                    reading.entries,
                    deadline,
                    skipped=reading.skipped,
                    text=text,
                    marks=data["marks"],
                    base_url=data["base_url"],
                    strict=data["strict"],
                    venue_urls=data["venues"],
                )
    return render(request, context, form)


def _options(data: dict) -> Options:
    return Options(marks=parse_marks(data["marks"]), base_url=data.get("base_url") or "")


def source_import_view(model_admin, request):
    """Papers by DOI (Crossref) or arXiv id: fetch, preview, import."""
    context = editor_context(model_admin, request, "Import by DOI or arXiv id")
    if confirmed := confirm(request):
        return confirmed
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = SOURCES[form.cleaned_data["source"]][3]().within(FETCH_SECONDS)
        try:
            entries = [source.entry(i) for i in form.cleaned_data["identifiers"]]
        except SourceError as error:
            context["problems"] = [f"{error} Nothing was fetched or imported."]
        else:
            rows = [asdict(entry) for entry in entries]
            context |= preview(
                request, form.cleaned_data, entries, Deadline(IMPORT_SECONDS), rows=rows
            )
    return render(request, context, form)


def preview(
    request,
    options: dict,
    entries: list[ParsedWork],
    deadline: Deadline,
    skipped=(),
    **source,
) -> dict:
    """The dry run's report and the form that confirms it, or the problems found."""
    try:
        report = Importer(
            options["researcher"],
            overwrite=options["overwrite"],
            strict=source.get("strict", False),
            venue_urls=source.get("venue_urls"),
        ).run(entries, dry_run=True, deadline=deadline, skipped=skipped)
    except ImportProblem as error:
        return {"problems": error.problems}
    except ImportBusy as error:
        return {"problems": [str(error)]}
    researcher = options["researcher"]
    payload = {
        "researcher": researcher.pk if researcher else None,
        "overwrite": options["overwrite"],
        **source,
    }
    good = len(report.created) + len(report.updated) + len(report.unchanged)
    return {
        "report": report,
        "entries": len(entries) + len(skipped),
        "rows": preview_rows(report),
        "good": good,
        "confirm": keep_preview(request, payload),
    }


def preview_rows(report) -> list[dict]:
    """Per entry: what happens to it, the fields an update changes, and who each author
    is (a researcher already here, linked to their admin page, or a new person). The new
    people's ids are the dry run's, rolled back, so they get no link."""
    rows = []
    for line, key, outcome, detail in report.entries:
        authors = [
            {
                "name": name,
                "researcher": researcher,
                "url": None if new else reverse("admin:profiles_researcher_change", args=[pk]),
            }
            for name, pk, researcher, new in report.authors.get(key, [])
        ]
        rows.append(
            {
                "line": line,
                "key": key,
                "outcome": outcome,
                "detail": detail,
                "changes": report.changes.get(key, []),
                "authors": authors,
            }
        )
    return rows


def confirm(request):
    """The redirect after a confirmed import, or None when this is not a confirmation."""
    if request.method != "POST" or "confirm" not in request.POST:
        return None
    deadline = Deadline(IMPORT_SECONDS)
    try:
        payload = take_preview(request)
        skipped = []
        if "rows" in payload:
            entries = [work_from_row(row) for row in payload["rows"]]
        else:
            reading = read_file(payload["text"], _options(payload), deadline=deadline)
            entries, skipped = reading.entries, reading.skipped
        researcher = Researcher.objects.filter(pk=payload["researcher"]).first()
        report = Importer(
            researcher,
            overwrite=payload["overwrite"],
            strict=payload.get("strict", False),
            venue_urls=payload.get("venue_urls"),
        ).run(entries, deadline=deadline, skipped=skipped)
    except ValidationError as error:
        messages.error(request, f"Nothing was imported: {' '.join(error.messages)}.")
    except ImportProblem as error:
        messages.error(request, "Nothing was imported: " + "; ".join(error.problems))
    except ImportBusy as error:
        messages.error(request, f"Nothing was imported: {error}")
    else:
        messages.success(request, report.summary())
    return redirect(reverse("admin:publications_publication_changelist"))


def render(request, context: dict, form) -> TemplateResponse:
    context["form"] = form
    context["multipart"] = isinstance(form, UploadForm)
    return TemplateResponse(request, "admin/publications/publication/import.html", context)


class CitationSyncMixin:
    """An admin action copying citation counts from OpenAlex, as `sync_citations` does."""

    citation_source = OpenAlex

    def has_sync_permission(self, request) -> bool:
        return request.user.has_perm("publications.change_publication") and not roles.is_scoped(
            request.user
        )

    def sync_citations_of(self, request, papers) -> None:
        papers = list(papers.exclude(doi="").distinct().order_by("pk"))
        if not papers:
            messages.warning(request, "None of these papers has a DOI: nothing to look up.")
            return
        try:
            result = self.citation_source().within(FETCH_SECONDS).sync_citations(papers)
        except SourceError as error:
            messages.error(request, f"{error} No counts were changed.")
            return
        messages.success(
            request,
            f"{result.papers} papers with a DOI: {result.updated} updated, "
            f"{result.not_found} not known to OpenAlex.",
        )
