"""Papers from Crossref (by DOI) and arXiv (by id), and citation counts from OpenAlex.

Each source turns its answer into a ``ParsedWork`` (publications.records), so a DOI or an
arXiv id goes through the same importer (matching, editor changes, one transaction).
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.html import strip_tags

from core.changes import content_changed
from core.http import Source, SourceError
from core.validators import (
    FUNDER_ID_RE,
    normalize_arxiv_id,
    normalize_doi,
    normalize_funder_id,
)
from publications import rendering
from publications.models import CitationCount, Publication
from publications.records import FundingRef, ParsedWork

CROSSREF_KINDS = {
    "journal-article": "article",
    "proceedings-article": "conference",
    "posted-content": "preprint",
    "book": "book",
    "monograph": "book",
    "book-chapter": "chapter",
    "report": "report",
    "dissertation": "thesis",
}
ATOM = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


class Crossref(Source):
    name = "Crossref"

    def entry(self, doi: str) -> ParsedWork:
        doi = normalize_doi(doi)
        data = self.get_json(f"https://api.crossref.org/works/{doi}")
        try:
            return crossref_entry(data["message"])
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise SourceError(
                f"Crossref's record of {doi} lacks what a paper needs: {error}"
            ) from None


def crossref_entry(work: dict) -> ParsedWork:
    parts = (work.get("published") or work.get("issued") or {}).get("date-parts") or [[None]]
    year = parts[0][0]
    if not isinstance(year, int):
        raise ValueError("no year")
    authors = [
        " ".join(p for p in (a.get("given", ""), a.get("family", "")) if p) or a.get("name", "")
        for a in work.get("author", [])
    ]
    container = work.get("container-title") or [""]
    return ParsedWork(
        key=work["DOI"],
        line=0,
        kind=CROSSREF_KINDS.get(work.get("type", ""), "article"),
        title=" ".join(work["title"][0].split()),
        year=year,
        authors=[a for a in authors if a],
        venue=container[0],
        month=parts[0][1] if len(parts[0]) > 1 else None,
        volume=work.get("volume", ""),
        issue=work.get("issue", ""),
        pages=work.get("page", "").replace("--", "-"),
        doi=normalize_doi(work["DOI"]),
        abstract=" ".join(strip_tags(work.get("abstract", "")).split()),
        funding=crossref_funding(work.get("funder")),
    )


def crossref_funding(funders) -> list[FundingRef]:
    """Crossref's ``funder`` list: each a name, perhaps the funder's DOI under 10.13039 and
    its award numbers, repeated ones given once. An entry that is no object or has no name
    is left out; a DOI that is no Funder Registry DOI is dropped, the name kept."""
    found = []
    for funder in funders if isinstance(funders, list) else []:
        name = funder.get("name") if isinstance(funder, dict) else None
        if not isinstance(name, str) or not name.strip():
            continue
        doi = funder.get("DOI")
        funder_id = normalize_funder_id(doi) if isinstance(doi, str) else ""
        awards = funder.get("award") if isinstance(funder.get("award"), list) else []
        numbers = [" ".join(a.split())[:100] for a in awards if isinstance(a, str) and a.strip()]
        found.append(
            FundingRef(
                funder=" ".join(name.split())[:300],
                funder_id=funder_id if FUNDER_ID_RE.match(funder_id) else "",
                awards=tuple(dict.fromkeys(numbers)),
            )
        )
    return found


class Arxiv(Source):
    name = "arXiv"
    # arXiv's terms of use: no more than one request every three seconds.
    min_interval = 3.0

    def entry(self, arxiv_id: str) -> ParsedWork:
        arxiv_id = normalize_arxiv_id(arxiv_id)
        response = self.get("https://export.arxiv.org/api/query", {"id_list": arxiv_id})
        try:
            return arxiv_entry(response.text)
        except (ET.ParseError, ValueError) as error:
            raise SourceError(f"arXiv's answer for {arxiv_id} cannot be read ({error}).") from None


def arxiv_entry(atom: str) -> ParsedWork:
    entry = ET.fromstring(atom).find("a:entry", ATOM)
    if entry is None or entry.find("a:title", ATOM) is None:
        raise ValueError("no such paper")
    return arxiv_work(entry)


def arxiv_work(entry: ET.Element) -> ParsedWork:
    """One ``<entry>`` of an arXiv Atom feed (the API's answer, or an author's feed)."""

    def text(path: str) -> str:
        found = entry.find(path, ATOM)
        return " ".join((found.text or "").split()) if found is not None else ""

    category = entry.find("arxiv:primary_category", ATOM)
    published = text("a:published")
    if not re.match(r"\d{4}-\d{2}", published):
        raise ValueError("no publication date")
    return ParsedWork(
        key=text("a:id"),
        line=0,
        kind=Publication.Kind.PREPRINT,
        title=text("a:title"),
        year=int(published[:4]),
        month=int(published[5:7]),
        authors=[" ".join((a.text or "").split()) for a in entry.findall("a:author/a:name", ATOM)],
        arxiv_id=normalize_arxiv_id(text("a:id")),
        arxiv_category=category.get("term", "") if category is not None else "",
        doi=normalize_doi(text("arxiv:doi")),
        abstract=text("a:summary"),
    )


@dataclass
class CitationSync:
    papers: int = 0
    updated: int = 0
    not_found: int = 0


class OpenAlex(Source):
    name = "OpenAlex"
    BATCH = 50

    def get(self, url: str, params: dict | None = None):
        """With the site's API key (OpenAlex requires one since February 2026) and its
        contact address, as OpenAlex asks of every request."""
        polite = {"mailto": settings.CONTACT_EMAIL}
        if settings.OPENALEX_API_KEY:
            polite["api_key"] = settings.OPENALEX_API_KEY
        return super().get(url, {**polite, **(params or {})})

    def works(self, dois: list[str]) -> dict[str, dict]:
        """OpenAlex's work for each DOI it knows, keyed by the DOI in lower case."""
        found = {}
        for start in range(0, len(dois), self.BATCH):
            batch = dois[start : start + self.BATCH]
            data = self.get_json(
                "https://api.openalex.org/works",
                {"filter": "doi:" + "|".join(batch), "per-page": self.BATCH},
            )
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise SourceError("OpenAlex's answer has no list of results.")
            for work in data["results"]:
                doi = normalize_doi(work.get("doi") or "").lower()
                if doi:
                    found[doi] = work
        return found

    def sync_citations(self, papers) -> CitationSync:
        """Citation counts, total and per year, for the papers with a DOI, in one transaction."""
        papers = [p for p in papers if p.doi]
        works = self.works([p.doi for p in papers])
        result = CitationSync(papers=len(papers))
        synced = []
        with transaction.atomic():
            for paper in papers:
                work = works.get(paper.doi.lower())
                if work is None:
                    result.not_found += 1
                    continue
                total = int(work.get("cited_by_count") or 0)
                by_year = {
                    int(row["year"]): int(row["cited_by_count"])
                    for row in work.get("counts_by_year") or []
                }
                current = dict(paper.citation_counts.values_list("year", "count"))
                if total == paper.citation_count and by_year == current:
                    continue
                Publication.objects.filter(pk=paper.pk).update(citation_count=total)
                paper.citation_counts.exclude(year__in=by_year).delete()
                for year, count in by_year.items():
                    CitationCount.objects.update_or_create(
                        publication=paper,
                        year=year,
                        defaults={"count": count, "source": "OpenAlex"},
                    )
                result.updated += 1
                synced.append(paper.pk)
            if result.updated:
                # The update() above sends no signal: the stored entries show the count.
                rendering.render_now(synced)
                content_changed()
        return result
