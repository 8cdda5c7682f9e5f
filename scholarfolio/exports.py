"""Downloads: which public records a file holds and which formatter writes it.

The site's download links and ``manage.py export`` both call ``export()``, so a file is the
same whichever way it is made. Files are whole, never paged, and hold public records only,
chosen as the pages choose them; the formatters are the ones the API uses.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext

from cv.models import with_profile_entries
from cv.resume import json_resume
from events.ical import calendar_bytes
from events.models import Event
from events.views import calendar_entry, event_talks, published_talks
from profiles.models import Researcher
from publications import rendering, ris
from publications.models import Publication

SCOPES = {
    "site": "the whole site",
    "researcher": "one researcher",
    "event": "one event",
    "publication": "one publication",
    "talk": "one talk",
}
PAPER_SCOPES = ("site", "researcher", "publication")
# Format -> the scopes it is written for.
FORMATS = {
    "bibtex": PAPER_SCOPES,
    "ris": PAPER_SCOPES,
    "csljson": PAPER_SCOPES,
    "resume": ("researcher",),
    "ics": ("site", "researcher", "event", "talk"),
}


class NotFound(LookupError):
    """The slug names no public record of the scope."""


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    filename: str


def _get(records, slug: str, what: str):
    try:
        return records.get(slug=slug)
    except ObjectDoesNotExist:
        raise NotFound(f"No public {what} has the slug “{slug}”.") from None


def _member(slug: str, records=None) -> Researcher:
    if records is None:
        records = Researcher.objects.public_members()
    return _get(records, slug, "researcher profile")


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _papers(scope: str, slug: str, papers) -> tuple[list[Publication], str]:
    """The papers of ``papers`` (public ones, what the format reads of them) in the scope,
    and the file's name, without its extension."""
    if scope == "publication":
        return [_get(papers, slug, "publication")], slug
    if scope == "researcher":
        return list(papers.for_researcher(_member(slug))), f"{slug}-publications"
    return list(papers), "publications"


# Format -> content type, extension, the papers it reads (BibTeX and CSL-JSON are stored
# on the row: publications.rendering) and its writer.
PAPER_WRITERS: dict[str, tuple[str, str, Callable[[], object], Callable[[list], bytes]]] = {
    "bibtex": (
        "application/x-bibtex; charset=utf-8",
        "bib",
        lambda: Publication.objects.public().only("bibtex_key", "bibtex"),
        lambda papers: rendering.bibtex_file(papers).encode(),
    ),
    "ris": (
        "application/x-research-info-systems; charset=utf-8",
        "ris",
        lambda: Publication.objects.public().with_authors().defer(*rendering.STORED_TEXTS),
        lambda papers: ris.format_records(papers).encode(),
    ),
    "csljson": (
        "application/vnd.citationstyles.csl+json",
        "json",
        lambda: Publication.objects.public().only("csl_json"),
        lambda papers: _json(rendering.csl_items(papers)),
    ),
}


def _calendar(scope: str, slug: str, absolute_url: Callable[[str], str]) -> Download:
    talks = published_talks().order_by("date", "start")
    if scope == "talk":
        talk = _get(talks, slug, "talk")
        talks, name, filename = [talk], talk.title, slug
    elif scope == "event":
        event = _get(Event.objects.published().select_related("parent"), slug, "event")
        talks, name, filename = event_talks(event).order_by("date", "start"), event.full_name, slug
    elif scope == "researcher":
        researcher = _member(slug)
        talks = talks.for_researcher(researcher)
        name = gettext("Talks by %(name)s") % {"name": researcher.display_name}
        filename = f"{slug}-talks"
    else:
        name, filename = gettext("%(site)s talks") % {"site": settings.SITE_NAME}, "talks"
    entries = [calendar_entry(talk, absolute_url) for talk in talks]
    return Download(
        calendar_bytes(entries, name=name), "text/calendar; charset=utf-8", f"{filename}.ics"
    )


def export(
    fmt: str, absolute_url: Callable[[str], str], scope: str = "site", slug: str = ""
) -> Download:
    """The ``fmt`` file (a key of FORMATS) of ``scope`` (a key of SCOPES) named by ``slug``;
    ``absolute_url`` turns a path into a full URL. Raises NotFound for a slug that names no
    public record, ValueError for a format not written for the scope."""
    if scope not in FORMATS[fmt]:
        allowed = " or ".join(SCOPES[s] for s in FORMATS[fmt])
        raise ValueError(f"The {fmt} export is for {allowed}, not for {SCOPES[scope]}.")
    if fmt in PAPER_WRITERS:
        content_type, extension, records, write = PAPER_WRITERS[fmt]
        papers, name = _papers(scope, slug, records())
        return Download(write(papers), content_type, f"{name}.{extension}")
    if fmt == "resume":
        researcher = _member(slug, with_profile_entries(Researcher.objects.public_members()))
        resume = json_resume(researcher, absolute_url)
        return Download(_json(resume), "application/json", f"{slug}-resume.json")
    return _calendar(scope, slug, absolute_url)
