"""CSL-JSON out: the citation data citeproc processors (Zotero, Pandoc, citeproc-py) read.

Reads a publication fetched ``with_authors()``, so it makes no query. Math stays as TeX in
``$...$``, as in BibTeX.
"""

from publications.citation import person, venue_name
from publications.models import Publication

# Keys are Publication.Kind values; values are CSL 1.0.2 item types.
CSL_TYPES = {
    "article": "article-journal",
    "conference": "paper-conference",
    "workshop": "paper-conference",
    "preprint": "article",
    "thesis": "thesis",
    "book": "book",
    "chapter": "chapter",
    "report": "report",
}

_NAME = {
    "type": "object",
    "properties": {
        "family": {"type": "string"},
        "given": {"type": "string"},
        "literal": {"type": "string"},
    },
}
_STRING_FIELDS = (
    "title",
    "container-title",
    "publisher",
    "volume",
    "issue",
    "page",
    "number",
    "DOI",
    "URL",
    "abstract",
    "note",
    "keyword",
    "archive",
    "archive_location",
    "status",
)
# The part of the CSL-JSON schema (citation-style-language/schema) this module writes.
CSL_ITEM_SCHEMA = {
    "type": "object",
    "required": ["id", "type", "title", "author", "issued"],
    "properties": {
        "id": {"type": "string"},
        "type": {"type": "string", "enum": sorted(set(CSL_TYPES.values()))},
        "author": {"type": "array", "items": _NAME},
        "issued": {
            "type": "object",
            "properties": {
                "date-parts": {
                    "type": "array",
                    "items": {"type": "array", "items": {"type": "integer"}},
                }
            },
        },
        **{name: {"type": "string"} for name in _STRING_FIELDS},
    },
}


def csl_name(authorship) -> dict:
    name = person(authorship)
    # A name with no given part is an organisation's, or a mononym: print it as written.
    return {"family": name.family, "given": name.given} if name.given else {"literal": name.family}


def csl_item(publication: Publication) -> dict:
    date = publication.date
    parts = [date.year, date.month, date.day] if date else [publication.year]
    item = {
        "id": publication.slug,
        "type": CSL_TYPES[publication.kind],
        "title": publication.title,
        "author": [csl_name(a) for a in publication.authorships.all()],
        "issued": {"date-parts": [parts]},
    }
    optional = {
        "container-title": venue_name(publication),
        "publisher": publication.venue.publisher if publication.venue else "",
        "volume": publication.volume,
        "issue": publication.issue,
        "page": publication.pages,
        "number": publication.article_number,
        "DOI": publication.doi,
        "URL": publication.url or publication.arxiv_url,
        "abstract": publication.abstract,
        "note": publication.note,
        "keyword": ", ".join(publication.keywords),
    }
    if publication.arxiv_id:
        optional |= {"archive": "arXiv", "archive_location": f"arXiv:{publication.arxiv_id}"}
    if publication.status != Publication.Status.PUBLISHED:
        optional["status"] = publication.get_status_display().lower()
    item.update({key: value for key, value in optional.items() if value})
    return item
