"""BibTeX in: entry text to plain citation data. Pure functions, no ORM.

bibtexparser splits the file into entries (resolving ``@string`` macros and braces);
this module turns LaTeX accents and escapes into Unicode while keeping ``$...$`` math as
LaTeX, splits authors (``and others``, corporate names in braces), reads months, DOIs
written as URLs and arXiv ids with versions, and checks every entry. A file with any bad
entry is refused whole, with each problem's entry key and line.
"""

import re
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from core.validators import normalize_arxiv_id, normalize_doi

MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# Entry type -> Publication.Kind; a misc or article with an arXiv eprint and no journal is a
# preprint.
KINDS = {
    "article": "article",
    "inproceedings": "conference",
    "conference": "conference",
    "proceedings": "conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "techreport": "report",
    "report": "report",
    "misc": "preprint",
    "unpublished": "preprint",
    "online": "preprint",
}
VENUE_FIELDS = ("journal", "booktitle", "school", "institution", "howpublished", "publisher")
LATEX_SIGNS = re.compile(r"[\\{}~%&$^_#]|--|``|''")
BARE_SPECIALS = re.compile(r"(?<!\\)([&%])")
MATH = re.compile(r"(?<!\\)\$[^$]*(?<!\\)\$")
ARXIV_IN_TEXT = re.compile(r"arXiv:\s*(\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
KEY_IN_RAW = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s]+)")
# pylatexenc reads \textasciicircum as U+02C6; LaTeX prints the ASCII ^ that bibtex.escape
# wrote it for, so a written file reads back as it was.
_context = get_default_latex_context_db().filter_context()
_context.add_context_category(
    "ascii-circumflex", prepend=True, macros=[MacroTextSpec("textasciicircum", "^")]
)
_latex = LatexNodes2Text(latex_context=_context, math_mode="verbatim", keep_braced_groups=False)


class BibtexError(ValueError):
    """The file cannot be imported; ``problems`` names each bad entry's key and line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class ParsedEntry:
    key: str
    line: int
    kind: str
    title: str
    year: int
    authors: list[str] = field(default_factory=list)
    et_al: bool = False
    venue: str = ""
    month: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    arxiv_id: str = ""
    arxiv_category: str = ""
    url: str = ""
    abstract: str = ""
    note: str = ""
    keywords: list[str] = field(default_factory=list)


def latex_to_unicode(text: str) -> str:
    """Accents, escapes and braces to Unicode; ``$...$`` math kept as written."""
    parts, last = [], 0
    for match in MATH.finditer(text):
        parts.append(_decode(text[last : match.start()]))
        parts.append(match.group())
        last = match.end()
    parts.append(_decode(text[last:]))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _decode(text: str) -> str:
    # Most titles and abstracts hold no LaTeX at all; pylatexenc is slow, so skip it then.
    if not LATEX_SIGNS.search(text):
        return text
    # A bare & or % in a BibTeX field means the character, not a LaTeX column or comment.
    return _latex.latex_to_text(BARE_SPECIALS.sub(r"\\\1", text))


def person_name(raw: str) -> str:
    """'Xu, Zhi-Qin John' -> 'Zhi-Qin John Xu'; '{Google DeepMind}' stays whole."""
    parts = parse_single_name_into_parts(raw, strict=False)
    words = [*parts.first, *parts.von, *parts.last]
    name = " ".join(words)
    if parts.jr:
        name += ", " + " ".join(parts.jr)
    return latex_to_unicode(name)


def read_bibtex(text: str) -> list[ParsedEntry]:
    library = bibtexparser.parse_string(text)
    problems = []
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.append(f"line {line}, entry {block.key}: the key is used twice")
        elif isinstance(block, ParsingFailedBlock):
            key = KEY_IN_RAW.match(block.raw or "")
            name = key.group(1) if key else "?"
            reason = getattr(block.error, "abort_reason", "") or str(block.error)
            problems.append(f"line {line}, entry {name}: cannot be read: {reason.strip()}")
    entries = []
    for entry in library.entries:
        try:
            entries.append(read_entry(entry))
        except ValueError as error:
            problems.append(f"line {entry.start_line + 1}, entry {entry.key}: {error}")
    if problems:
        raise BibtexError(problems)
    return entries


def read_entry(entry: Entry) -> ParsedEntry:
    values = {name.lower(): str(f.value).strip() for name, f in entry.fields_dict.items()}
    title = latex_to_unicode(values.get("title", ""))
    if not title:
        raise ValueError("no title")
    year_text = values.get("year", "") or values.get("date", "")[:4]
    if not re.fullmatch(r"\d{4}", year_text):
        raise ValueError(
            f"the year “{year_text}” is not a four-digit year" if year_text else "no year"
        )
    year = int(year_text)
    if not 1000 <= year <= 2100:
        raise ValueError(f"the year {year} is out of range")
    month_text = values.get("month", "").strip().lower().rstrip(".")
    month = MONTHS.get(month_text) or (int(month_text) if month_text.isdigit() else None)
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"the month “{values['month']}” is not a month")

    names = split_multiple_persons_names(values.get("author", "")) if values.get("author") else []
    et_al = bool(names) and names[-1].strip().lower() == "others"
    authors = [person_name(name) for name in names if name.strip().lower() != "others"]

    arxiv_id = ""
    if values.get("archiveprefix", "arxiv").lower() == "arxiv" and values.get("eprint"):
        arxiv_id = normalize_arxiv_id(values["eprint"])
    elif found := ARXIV_IN_TEXT.search(" ".join(values.get(f, "") for f in VENUE_FIELDS)):
        arxiv_id = normalize_arxiv_id(found.group(1))
    doi = normalize_doi(values.get("doi", ""))
    url = values.get("url", "")
    if not doi and "doi.org/" in url:
        doi = normalize_doi(url)
    if not arxiv_id and (found := ARXIV_URL.search(url)):
        arxiv_id = normalize_arxiv_id(found.group(1))
    # A link that only repeats the DOI or the arXiv id is derived from them on our pages.
    if (doi and url.lower().endswith(doi.lower())) or (arxiv_id and ARXIV_URL.search(url)):
        url = ""

    entry_type = entry.entry_type.lower()
    venue = next((latex_to_unicode(values[f]) for f in VENUE_FIELDS if values.get(f)), "")
    if ARXIV_IN_TEXT.search(venue) or venue.lower().startswith("arxiv"):
        venue = ""
    kind = KINDS.get(entry_type, "preprint")
    if kind == "article" and not venue and arxiv_id:
        kind = "preprint"
    keywords = [k.strip() for k in re.split(r"[;,]", values.get("keywords", "")) if k.strip()]
    return ParsedEntry(
        key=entry.key,
        line=entry.start_line + 1,
        kind=kind,
        title=title,
        year=year,
        authors=authors,
        et_al=et_al,
        venue=venue,
        month=month,
        volume=values.get("volume", ""),
        issue=values.get("number", "") or values.get("issue", ""),
        pages=values.get("pages", "").replace("--", "-"),
        doi=doi,
        arxiv_id=arxiv_id,
        arxiv_category=values.get("primaryclass", ""),
        url=url,
        abstract=latex_to_unicode(values.get("abstract", "")),
        note=latex_to_unicode(values.get("note", "")),
        keywords=[latex_to_unicode(k) for k in keywords],
    )
