"""RIS out: the tagged format EndNote, Zotero, Mendeley and library catalogues exchange.

Reads publications fetched ``with_authors()``, so it makes no query. Tags follow the RIS
specification (Clarivate, 2011) as Zotero reads them: lines are ``TY  - JOUR`` and end in
CRLF, a record opens with TY and closes with ER. Math stays as TeX in ``$...$``.
"""

import re

from publications.citation import page_range, person, venue_name
from publications.models import Publication

# Keys are Publication.Kind values.
RIS_TYPES = {
    "article": "JOUR",
    "conference": "CPAPER",
    "workshop": "CPAPER",
    "preprint": "UNPB",
    "thesis": "THES",
    "book": "BOOK",
    "chapter": "CHAP",
    "report": "RPRT",
}
# Types whose venue is the awarding university or the issuing institution, written as PB.
VENUE_AS_PUBLISHER = {"THES", "RPRT"}
NEWLINE = "\r\n"
_SPACE = re.compile(r"\s+")


def _line(tag: str, value: str) -> str:
    # A value is one line: a line break could start what a reader takes for another tag.
    return f"{tag}  - {_SPACE.sub(' ', value).strip()}"


def _author(authorship) -> str:
    name = person(authorship)
    return f"{name.family}, {name.given}" if name.given else name.family


def format_record(publication: Publication) -> str:
    ris_type = RIS_TYPES[publication.kind]
    venue = venue_name(publication)
    publisher = publication.venue.publisher if publication.venue else ""
    if ris_type in VENUE_AS_PUBLISHER:
        venue, publisher = "", venue
    is_journal = ris_type == "JOUR"
    date = publication.date
    first_page, last_page = page_range(publication.pages)
    tags = [
        ("TY", ris_type),
        *(("AU", _author(a)) for a in publication.authorships.all()),
        ("TI", publication.title),
        ("T2", venue),
        # JF is the full journal name for readers of the older tag set; JO there is an
        # abbreviation, and Zotero reads it as one.
        ("JF", venue if is_journal else ""),
        ("PB", publisher),
        ("PY", str(publication.year)),
        ("DA", f"{date:%Y/%m/%d}" if date else ""),
        ("VL", publication.volume),
        ("IS", publication.issue),
        ("SP", first_page),
        ("EP", last_page),
        ("C7", publication.article_number),
        ("SN", publication.venue.issn if is_journal and publication.venue else ""),
        ("DO", publication.doi),
        ("UR", publication.url or publication.arxiv_url),
        ("DB", "arXiv" if publication.arxiv_id else ""),
        ("AN", f"arXiv:{publication.arxiv_id}" if publication.arxiv_id else ""),
        ("AB", publication.abstract),
        *(("KW", keyword) for keyword in publication.keywords),
        ("N1", publication.note),
    ]
    lines = [_line(tag, value) for tag, value in tags if value.strip()]
    return NEWLINE.join([*lines, "ER  - ", ""])


def format_records(publications) -> str:
    """A .ris file: the records one after another, a blank line between two."""
    return NEWLINE.join(format_record(publication) for publication in publications)
