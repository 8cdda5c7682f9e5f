"""BibTeX out: plain citation data to entry text. Pure functions, no ORM.

bibtexparser lays the entry out (field order, alignment, braces); this module decides the
entry type, the key and the escaping, and keeps `$...$` math as LaTeX.
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
_MATH = re.compile(r"(?<!\\)(\$(?:\\.|[^\\$])+\$)")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\$&%#_{}~^])")


@dataclass(frozen=True)
class Person:
    family: str
    given: str = ""


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
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    return "".join(_SPECIAL.get(char, char) for char in text)


def escape(text: str) -> str:
    """Text for a braced BibTeX value: specials escaped, `$...$` math kept as written.

    Math with unbalanced braces would end the value early, so it is escaped as text.
    """
    parts = _MATH.split(text)
    return "".join(
        part if index % 2 and _braces_balance(part) else _escape_plain(part)
        for index, part in enumerate(parts)
    )


def format_authors(authors: tuple[Person, ...]) -> str:
    """'Bai, Zhiwei and de la Cruz, Ana': the comma form keeps many-word family names whole."""
    return " and ".join(
        f"{escape(person.family)}, {escape(person.given)}"
        if person.given
        else escape(person.family)
        for person in authors
    )


def format_pages(pages: str) -> str:
    """'350-389' -> '350--389', the range dash BibTeX styles expect."""
    return re.sub(r"\s*[-–—]+\s*", "--", pages.strip())


def to_entry(citation: Citation, key: str) -> Entry:
    entry_type = ENTRY_TYPES.get(citation.kind, "misc")
    fields = [
        ("author", format_authors(citation.authors)),
        ("title", escape(citation.title)),
        (VENUE_FIELDS.get(entry_type, ""), escape(citation.venue)),
        ("publisher", escape(citation.publisher)),
        ("year", str(citation.year)),
        ("volume", escape(citation.volume)),
        ("number", escape(citation.issue)),
        ("pages", escape(format_pages(citation.pages))),
        # biblatex's field for an article number; classic styles ignore it harmlessly.
        ("eid", escape(citation.article_number)),
        ("doi", citation.doi),
        ("eprint", citation.arxiv_id),
        ("archivePrefix", "arXiv" if citation.arxiv_id else ""),
        ("primaryClass", citation.arxiv_category if citation.arxiv_id else ""),
        ("url", citation.url),
        ("note", escape(citation.note)),
    ]
    return Entry(entry_type, key, [Field(name, value) for name, value in fields if name and value])


_LAYOUT = bibtexparser.BibtexFormat()
_LAYOUT.indent = "  "
_LAYOUT.value_column = "auto"
_LAYOUT.trailing_comma = True
_LAYOUT.block_separator = "\n"


def format_entries(citations: list[Citation]) -> str:
    """Entries for a .bib file, with keys made unique in the order given."""
    keys = deduplicate_keys([c.key or citation_key(c) for c in citations])
    library = Library([to_entry(c, key) for c, key in zip(citations, keys, strict=True)])
    return bibtexparser.write_string(library, bibtex_format=_LAYOUT).strip() + "\n"


def format_entry(citation: Citation, key: str | None = None) -> str:
    library = Library([to_entry(citation, key or citation.key or citation_key(citation))])
    return bibtexparser.write_string(library, bibtex_format=_LAYOUT).strip() + "\n"
