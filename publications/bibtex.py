"""BibTeX out: plain citation data to entry text. Pure functions, no ORM.

bibtexparser lays the entry out (field order, alignment, braces); this module decides the
entry type, the key and the escaping, and keeps `$...$` math as LaTeX. An entry is
al-folio-ready: al-folio's own fields (abbr, selected, links, award, preview...), the
fields an import kept verbatim, and the author flags written back as marks by a legend
(``MARKS``, al-folio's by default), so that the file reads back to the same papers.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import bibtexparser
from bibtexparser import Library
from bibtexparser.model import Entry, Field

# Keys are Publication.Kind values.
ENTRY_TYPES = {
    "article": "article",
    "conference": "inproceedings",
    "workshop": "inproceedings",
    "preprint": "misc",
    "thesis": "phdthesis",
    "book": "book",
    "chapter": "incollection",
    "report": "techreport",
}
# The field that names the venue, per entry type.
VENUE_FIELDS = {
    "article": "journal",
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "phdthesis": "school",
    "techreport": "institution",
    "misc": "howpublished",
}
# Words skipped when a key takes the first significant word of the title.
KEY_STOPWORDS = frozenset({
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
    "to", "toward", "towards", "via", "with",
})  # fmt: skip

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_TABLE = str.maketrans(_SPECIAL)
_MATH = re.compile(r"(?<!\\)(\$(?:\\.|[^\\$])+\$)")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\$&%#_{}~^])")


# Flag -> mark written after the family name; the reader's default legend, inverted.
MARKS = {"equal": "*", "corresponding": "†"}
# Publication.links kinds, in al-folio's order.
LINK_KINDS = ("pdf", "code", "html", "slides", "poster", "website", "video", "supp", "blog")
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Person:
    family: str
    given: str = ""
    equal: bool = False
    corresponding: bool = False
    other_marks: str = ""

    def marks(self, legend: dict[str, str]) -> str:
        flags = (("equal", self.equal), ("corresponding", self.corresponding))
        return "".join(legend[flag] for flag, on in flags if on and flag in legend) + (
            self.other_marks
        )


@dataclass(frozen=True)
class Citation:
    """What a BibTeX entry says about one publication."""

    kind: str
    title: str
    authors: tuple[Person, ...]
    year: int
    venue: str = ""
    publisher: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    article_number: str = ""
    doi: str = ""
    arxiv_id: str = ""
    arxiv_category: str = ""
    url: str = ""
    note: str = ""
    # The entry's key when the caller has one (publications.citekeys); else citation_key's.
    key: str = ""
    et_al: bool = False
    month: int | None = None
    date: str = ""
    series: str = ""
    address: str = ""
    issn: str = ""
    isbn: str = ""
    page_count: int | None = None
    pmid: str = ""
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    venue_abbr: str = ""
    featured: bool = False
    bibtex_show: bool = False
    award: str = ""
    award_name: str = ""
    preview: str = ""
    annotation: str = ""
    additional_info: str = ""
    google_scholar_id: str = ""
    altmetric: str = ""
    dimensions: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (kind, URL or path)
    # Fields an import kept verbatim: (name, value); "_names" and "_type" among them say
    # which BibTeX names and entry type the file used where there is a choice.
    extra: tuple[tuple[str, object], ...] = ()


def ascii_fold(text: str) -> str:
    """'Zhāng' -> 'zhang': lower-case ASCII letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def citation_key(citation: Citation) -> str:
    """'bai2024connectivity': first author's family name, year, first significant title word.

    Keys repeat for a family name's papers of one year on one subject; a caller writing
    several entries passes its keys through ``deduplicate_keys``.
    """
    family = ascii_fold(citation.authors[0].family) if citation.authors else ""
    words = (ascii_fold(word) for word in _MATH.sub(" ", citation.title).split())
    word = next((w for w in words if w and w not in KEY_STOPWORDS), "")
    return f"{family or 'anon'}{citation.year}{word}"


def deduplicate_keys(keys: list[str]) -> list[str]:
    """['x', 'y', 'x'] -> ['xa', 'y', 'xb']: every key that repeats gets a letter."""
    totals = Counter(keys)
    seen: Counter[str] = Counter()
    result = []
    for key in keys:
        if totals[key] == 1:
            result.append(key)
            continue
        result.append(key + _suffix(seen[key]))
        seen[key] += 1
    return result


def stable_keys(keys: list[str]) -> list[str]:
    """['x', 'y', 'x'] -> ['x', 'y', 'xb']: for keys in the order their papers were added,
    the first keeps its key and later ones get b, c, ..., so a new paper never changes the
    key of an earlier one."""
    seen: Counter[str] = Counter()
    result = []
    for key in keys:
        result.append(key + _suffix(seen[key]) if seen[key] else key)
        seen[key] += 1
    return result


def _suffix(index: int) -> str:
    """0 -> 'a', 25 -> 'z', 26 -> 'aa'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _braces_balance(latex: str) -> bool:
    depth = 0
    for match in re.finditer(r"\\.|[{}]", latex):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _escape_plain(text: str) -> str:
    # A Markdown escape (\$, \_) in the stored text stands for the character itself.
    return _MARKDOWN_ESCAPE.sub(r"\1", text).translate(_SPECIAL_TABLE)


def escape(text: str) -> str:
    """Text for a braced BibTeX value: specials escaped, `$...$` math kept as written.

    Math with unbalanced braces would end the value early, so it is escaped as text.
    """
    parts = _MATH.split(text)
    return "".join(
        part if index % 2 and _braces_balance(part) else _escape_plain(part)
        for index, part in enumerate(parts)
    )


def format_authors(
    authors: tuple[Person, ...], et_al: bool = False, legend: dict[str, str] | None = None
) -> str:
    """'Bai*, Zhiwei and de la Cruz, Ana': the comma form keeps many-word family names
    whole; a flag's mark follows the family name, as al-folio writes them."""
    legend = MARKS if legend is None else legend
    names = [
        f"{escape(person.family)}{person.marks(legend)}, {escape(person.given)}"
        if person.given
        else f"{escape(person.family)}{person.marks(legend)}"
        for person in authors
    ]
    return " and ".join([*names, "others"] if et_al else names)


def format_pages(pages: str) -> str:
    """'350-389' -> '350--389', the range dash BibTeX styles expect."""
    return re.sub(r"\s*[-–—]+\s*", "--", pages.strip())


def _raw(text: str) -> str:
    """A value kept as written (a URL, al-folio's Markdown, a field an import kept): as it
    was, unless its braces would end the value early."""
    return text if _braces_balance(text) else _escape_plain(text)


def to_entry(citation: Citation, key: str, legend: dict[str, str] | None = None) -> Entry:
    extra = dict(citation.extra)
    names = extra.pop("_names", None) or {}
    entry_type = extra.pop("_type", "") or ENTRY_TYPES.get(citation.kind, "misc")
    venue_field = names.get("venue") or VENUE_FIELDS.get(entry_type, "")
    links = dict(citation.links)
    fields = [
        ("abbr", escape(citation.venue_abbr)),
        ("bibtex_show", "true" if citation.bibtex_show else ""),
        ("author", format_authors(citation.authors, citation.et_al, legend)),
        ("title", escape(citation.title)),
        (venue_field, escape(citation.venue)),
        ("publisher", escape(citation.publisher)),
        ("series", escape(citation.series)),
        (names.get("address", "address"), escape(citation.address)),
        ("year", str(citation.year)),
        ("month", MONTH_NAMES[citation.month - 1] if citation.month else ""),
        ("date", citation.date),
        ("volume", escape(citation.volume)),
        (names.get("issue", "number"), escape(citation.issue)),
        ("pages", escape(format_pages(citation.pages))),
        # biblatex's field for an article number; classic styles ignore it harmlessly.
        (names.get("article_number", "eid"), escape(citation.article_number)),
        ("numpages", str(citation.page_count or "")),
        ("issn", escape(citation.issn)),
        ("isbn", escape(citation.isbn)),
        ("doi", citation.doi),
        ("eprint", citation.arxiv_id),
        ("archivePrefix", "arXiv" if citation.arxiv_id else ""),
        ("primaryClass", citation.arxiv_category if citation.arxiv_id else ""),
        ("pmid", citation.pmid),
        ("url", _raw(citation.url)),
        ("note", escape(citation.note)),
        ("abstract", escape(citation.abstract)),
        ("keywords", escape(", ".join(citation.keywords))),
        *((kind, _raw(links.pop(kind, ""))) for kind in LINK_KINDS),
        *((kind, _raw(url)) for kind, url in links.items()),
        ("award_name", escape(citation.award_name)),
        ("award", _raw(citation.award)),
        ("preview", _raw(citation.preview)),
        ("annotation", _raw(citation.annotation)),
        ("additional_info", _raw(citation.additional_info)),
        ("google_scholar_id", escape(citation.google_scholar_id)),
        ("altmetric", escape(citation.altmetric)),
        ("dimensions", escape(citation.dimensions)),
        ("selected", "true" if citation.featured else ""),
    ]
    fields = [(name, value) for name, value in fields if name and value]
    written = {name.lower() for name, _ in fields}
    fields += [
        (name, _raw(str(value)))
        for name, value in extra.items()
        if name.lower() not in written and not name.startswith("_") and str(value)
    ]
    return Entry(entry_type, key, [Field(name, value) for name, value in fields])


_LAYOUT = bibtexparser.BibtexFormat()
_LAYOUT.indent = "  "
_LAYOUT.value_column = "auto"
_LAYOUT.trailing_comma = True
_LAYOUT.block_separator = "\n"


def format_entries(citations: list[Citation], legend: dict[str, str] | None = None) -> str:
    """Entries for a .bib file, with keys made unique in the order given; ``legend``:
    flag -> mark (``MARKS`` by default)."""
    keys = deduplicate_keys([c.key or citation_key(c) for c in citations])
    library = Library([to_entry(c, key, legend) for c, key in zip(citations, keys, strict=True)])
    return bibtexparser.write_string(library, bibtex_format=_LAYOUT).strip() + "\n"


def format_entry(
    citation: Citation, key: str | None = None, legend: dict[str, str] | None = None
) -> str:
    library = Library([to_entry(citation, key or citation.key or citation_key(citation), legend)])
    return bibtexparser.write_string(library, bibtex_format=_LAYOUT).strip() + "\n"
