"""A researcher's works as each source lists them, read into ``Found`` works: the importer's
``ParsedWork``, the source's own record of it, and where the researcher stands among its
authors when the source says so by an id.

The clients are the project's own (core.http: timeouts, retries with back-off on 429 and
5xx, Retry-After, the contact address in the User-Agent), with each source's list added:
ORCID's ``/works`` (read by cv.orcid's reader of the works in a whole record), OpenAlex's
works filtered by author id and Crossref's by ORCID iD (both paged by cursor), and the Atom
feed of an arXiv author identifier (three seconds between requests, publications.sources).
A record that cannot be read is skipped with its reason; only an answer that cannot be
read as a whole raises ``SourceError``.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from core.http import SourceError
from core.validators import MAX_YEAR, MIN_YEAR, normalize_arxiv_id, normalize_doi
from cv.orcid import ARXIV_DOI_PREFIX, At, Orcid, Works, checked_orcid
from publications.models import Publication
from publications.records import ParsedWork
from publications.sources import ATOM, Arxiv, Crossref, OpenAlex, arxiv_work, crossref_entry

# Pages of a cursor-paged list read at most: 2,000 works at 200 (OpenAlex) or 1,000 at 100.
MAX_PAGES = 10
OPENALEX_PAGE = 200
CROSSREF_PAGE = 100
OPENALEX_KINDS = {
    "article": Publication.Kind.JOURNAL_ARTICLE,
    "review": Publication.Kind.JOURNAL_ARTICLE,
    "letter": Publication.Kind.JOURNAL_ARTICLE,
    "preprint": Publication.Kind.PREPRINT,
    "book": Publication.Kind.BOOK,
    "book-chapter": Publication.Kind.CHAPTER,
    "dissertation": Publication.Kind.THESIS,
    "report": Publication.Kind.REPORT,
}
# OpenAlex's sources of these types print conference papers.
CONFERENCE_SOURCES = {"conference"}


@dataclass
class Found:
    source_id: str
    work: ParsedWork
    record: dict
    author_position: int | None = None


@dataclass
class Listing:
    works: list[Found] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "record: why"


class OrcidWorks(Orcid):
    def works(self, orcid_id: str, author: str) -> Listing:
        """Every work of the iD's public record; ``author`` is the one name on each, as
        ORCID's work summaries carry no author list."""
        orcid_id = checked_orcid(orcid_id)
        data = self.get_json(f"https://pub.orcid.org/v3.0/{orcid_id}/works")
        if not isinstance(data, dict):
            raise SourceError("ORCID's list of works is not an object.")
        reader = Works(author)
        reader.read(At(data, "works"))
        groups = {}
        for group in data.get("group") or []:
            for summary in (group.get("work-summary") or []) if isinstance(group, dict) else []:
                if isinstance(summary, dict):
                    groups.setdefault(f"orcid-work-{summary.get('put-code')}", group)
        listing = Listing(skipped=[str(notice) for notice in reader.skipped])
        for work in reader.papers:
            listing.works.append(
                Found(
                    source_id=work.key.removeprefix("orcid-work-"),
                    work=work,
                    record=groups.get(work.key, {}),
                    author_position=1 if author else None,
                )
            )
        return listing


class OpenAlexWorks(OpenAlex):
    def works(self, author_id: str) -> Listing:
        listing, cursor, seen = Listing(), "*", 0
        for _ in range(MAX_PAGES):
            data = self.get_json(
                "https://api.openalex.org/works",
                {
                    "filter": f"authorships.author.id:{author_id}",
                    "per_page": OPENALEX_PAGE,
                    "cursor": cursor,
                },
            )
            results = data.get("results") if isinstance(data, dict) else None
            if not isinstance(results, list):
                raise SourceError("OpenAlex's answer has no list of results.")
            for n, record in enumerate(results):
                where = record.get("id") if isinstance(record, dict) else None
                try:
                    work, position = openalex_work(record, author_id)
                except (KeyError, TypeError, ValueError, AttributeError) as error:
                    listing.skipped.append(f"OpenAlex work {where or f'#{n + 1}'}: {error}")
                    continue
                listing.works.append(Found(work.key, work, record, position))
            seen += len(results)
            meta = data.get("meta") or {}
            cursor = meta.get("next_cursor")
            if not cursor or not results or seen >= (meta.get("count") or 0):
                break
        return listing


def openalex_work(record: dict, author_id: str = "") -> tuple[ParsedWork, int | None]:
    """A work of OpenAlex's list, and the place of ``author_id`` among its authors."""
    key = record["id"].rsplit("/", 1)[-1]
    title = " ".join((record.get("title") or record.get("display_name") or "").split())
    if not title:
        raise ValueError("no title")
    year = record.get("publication_year")
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"no publication year a paper may have ({year!r})")
    location = record.get("primary_location") or {}
    source = location.get("source") or {}
    kind = OPENALEX_KINDS.get(record.get("type") or "", Publication.Kind.JOURNAL_ARTICLE)
    if kind == Publication.Kind.JOURNAL_ARTICLE and source.get("type") in CONFERENCE_SOURCES:
        kind = Publication.Kind.CONFERENCE_PAPER
    doi = normalize_doi(record.get("doi") or "")
    arxiv_id = ""
    if doi.lower().startswith(ARXIV_DOI_PREFIX):
        arxiv_id = normalize_arxiv_id(doi[len(ARXIV_DOI_PREFIX) :])
    for place in [location, *(record.get("locations") or [])]:
        url = (place or {}).get("landing_page_url") or ""
        if not arxiv_id and "arxiv.org/abs/" in url:
            arxiv_id = normalize_arxiv_id(url.split("arxiv.org/abs/", 1)[1])
    authors, position = [], None
    for n, authorship in enumerate(record.get("authorships") or [], start=1):
        person = authorship.get("author") or {}
        name = authorship.get("raw_author_name") or person.get("display_name") or ""
        authors.append(" ".join(name.split()))
        if author_id and (person.get("id") or "").rsplit("/", 1)[-1] == author_id:
            position = n
    biblio = record.get("biblio") or {}
    pages = "-".join(p for p in (biblio.get("first_page"), biblio.get("last_page")) if p)
    date = record.get("publication_date") or ""
    work = ParsedWork(
        key=key,
        line=0,
        kind=kind,
        title=title,
        year=year,
        month=int(date[5:7]) if len(date) >= 7 and date[5:7].isdigit() else None,
        authors=[a for a in authors if a],
        # A repository (arXiv, a university's) is where a copy is kept, not a venue.
        venue="" if source.get("type") == "repository" else source.get("display_name") or "",
        volume=biblio.get("volume") or "",
        issue=biblio.get("issue") or "",
        pages=pages,
        doi="" if doi.lower().startswith(ARXIV_DOI_PREFIX) else doi,
        arxiv_id=arxiv_id,
        url=location.get("landing_page_url") or "",
    )
    return work, position


class CrossrefWorks(Crossref):
    def works(self, orcid_id: str) -> Listing:
        orcid_id = checked_orcid(orcid_id)
        listing, cursor, seen = Listing(), "*", 0
        for _ in range(MAX_PAGES):
            data = self.get_json(
                "https://api.crossref.org/works",
                {"filter": f"orcid:{orcid_id}", "rows": CROSSREF_PAGE, "cursor": cursor},
            )
            message = data.get("message") if isinstance(data, dict) else None
            items = message.get("items") if isinstance(message, dict) else None
            if not isinstance(items, list):
                raise SourceError("Crossref's answer has no list of works.")
            for n, record in enumerate(items):
                where = record.get("DOI") if isinstance(record, dict) else None
                try:
                    work = crossref_entry(record)
                    if not MIN_YEAR <= work.year <= MAX_YEAR:
                        raise ValueError(f"published in {work.year}")
                except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
                    listing.skipped.append(f"Crossref work {where or f'#{n + 1}'}: {error}")
                    continue
                listing.works.append(
                    Found(work.doi, work, record, crossref_position(record, orcid_id))
                )
            seen += len(items)
            cursor = message.get("next-cursor")
            if not cursor or not items or seen >= (message.get("total-results") or 0):
                break
        return listing


def crossref_position(record: dict, orcid_id: str) -> int | None:
    """The place of the iD's author, counted as crossref_entry lists the authors."""
    named = [
        a for a in record.get("author", []) if a.get("given") or a.get("family") or a.get("name")
    ]
    for n, author in enumerate(named, start=1):
        if (author.get("ORCID") or "").rstrip("/").endswith(orcid_id):
            return n
    return None


class ArxivAuthor(Arxiv):
    def works(self, author_id: str) -> Listing:
        """The papers of an arXiv author identifier (bai_z_1) or of an ORCID iD that arXiv
        knows, from the identifier's Atom feed."""
        if not author_id or "/" in author_id or "." in author_id:
            raise SourceError(f"“{author_id}” is no arXiv author identifier such as bai_z_1.")
        response = self.get(f"https://export.arxiv.org/a/{author_id}.atom")
        try:
            feed = ET.fromstring(response.content)
        except ET.ParseError as error:
            raise SourceError(f"arXiv's feed of {author_id} cannot be read ({error}).") from None
        listing = Listing()
        for n, entry in enumerate(feed.findall("a:entry", ATOM), start=1):
            try:
                if entry.find("a:title", ATOM) is None:
                    raise ValueError("no title")
                work = arxiv_work(entry)
                if not work.arxiv_id or not work.title:
                    raise ValueError("no arXiv id or no title")
            except ValueError as error:
                listing.skipped.append(f"arXiv entry #{n}: {error}")
                continue
            raw = ET.tostring(entry, encoding="unicode")
            listing.works.append(Found(work.arxiv_id, work, {"entry": raw}))
        return listing
