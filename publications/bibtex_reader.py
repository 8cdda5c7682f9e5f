"""BibTeX in: entry text to plain citation data. Pure functions, no ORM.

bibtexparser splits the file into entries; this module expands ``@string`` macros and
``#`` concatenation as BibTeX does (bibtexparser 2.1 resolves a lone macro only), turns
LaTeX accents and escapes into Unicode while keeping ``$...$`` math as LaTeX, splits
authors (``and others``, corporate names in braces), reads months, DOIs written as URLs
and arXiv ids with versions, and checks every entry. A file with any bad entry is refused
whole, with each problem's entry key and line.

Hostile input is refused by name rather than allowed to exhaust the process: a value or
macro expanding past ``MAX_VALUE`` characters, macros expanding past ``MAX_EXPANSION`` in
all, braces nested deeper than ``MAX_NESTING`` (pylatexenc recurses per level), blank
author names.
"""

import re

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from core.validators import normalize_arxiv_id, normalize_doi
from publications.records import NO_DEADLINE, Deadline, ImportProblem, ParsedWork

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
# A piece of a BibTeX value: a number or a macro name (BibTeX's identifier characters).
BARE_PIECE = re.compile(r"[^\s\"#%'(),={}]+")
UNESCAPED_BRACE = re.compile(r"(?<!\\)[{}]")
# BibTeX's predefined macros.
MONTH_MACROS = {
    name[:3]: name.capitalize()
    for name in [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
}
# Far above any real field (the longest abstracts are a few thousand characters), far
# below what would take the process's memory or minutes to decode.
MAX_VALUE = 100_000
MAX_EXPANSION = 10_000_000
# Real LaTeX nests braces a few levels; pylatexenc recurses on each level and the
# interpreter's stack ends near 250 (less inside a request).
MAX_NESTING = 50
# pylatexenc reads \textasciicircum as U+02C6; LaTeX prints the ASCII ^ that bibtex.escape
# wrote it for, so a written file reads back as it was.
_context = get_default_latex_context_db().filter_context()
_context.add_context_category(
    "ascii-circumflex", prepend=True, macros=[MacroTextSpec("textasciicircum", "^")]
)
_latex = LatexNodes2Text(latex_context=_context, math_mode="verbatim", keep_braced_groups=False)


class TooMany(ImportProblem):
    def __init__(self, count: int, limit: int):
        super().__init__([f"The file has {count:,} entries; {limit:,} at most here."])


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


def nesting(text: str) -> int:
    depth = deepest = 0
    for brace in UNESCAPED_BRACE.finditer(text):
        depth += 1 if brace.group() == "{" else -1
        deepest = max(deepest, depth)
    return deepest


def decoded(text: str, name: str) -> str:
    """``latex_to_unicode`` of one field, or a ValueError naming it when it nests too deep."""
    if nesting(text) > MAX_NESTING:
        raise ValueError(f"the {name} nests braces more than {MAX_NESTING} levels deep")
    try:
        return latex_to_unicode(text)
    except RecursionError:  # nesting without braces, e.g. \begin{x} inside \begin{x}
        raise ValueError(f"the {name} nests LaTeX too deeply to read") from None


def split_names(text: str) -> list[str]:
    """Names between "and"s at brace level 0, as BibTeX splits them, blanks kept.

    bibtexparser's splitter reads "A and  and B" as "A" and "and B"; a blank name is a
    mistake to show the editor, not a person to create."""
    names, words, word, depth = [], [], "", 0
    for char in text + " ":
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if char.isspace() and depth <= 0:
            if word.lower() == "and":
                names.append(" ".join(words))
                words = []
            elif word:
                words.append(word)
            word = ""
        else:
            word += char
    return [*names, " ".join(words)]


def person_name(raw: str) -> str:
    """'Xu, Zhi-Qin John' -> 'Zhi-Qin John Xu'; '{Google DeepMind}' stays whole."""
    parts = parse_single_name_into_parts(raw, strict=False)
    words = [*parts.first, *parts.von, *parts.last]
    name = " ".join(words)
    if parts.jr:
        name += ", " + " ".join(parts.jr)
    return latex_to_unicode(name)


class Macros:
    """``@string`` macros, and values expanded with them as BibTeX does: pieces in quotes or
    braces, numbers and macro names, joined by ``#``. An unknown macro stays as its name
    (``journal = jmlr`` without a definition reads "jmlr")."""

    def __init__(self):
        self.values = dict(MONTH_MACROS)
        self.expanded = 0

    def define(self, key: str, raw: str) -> None:
        # A refused macro reads as empty afterwards: its problem is reported once, not again
        # for each macro built on it.
        try:
            value = self.expand(raw, f"the macro {key}")
        except ValueError:
            self.values[key.lower()] = ""
            raise
        self.values[key.lower()] = value

    def expand(self, raw: str, what: str) -> str:
        pieces, size, pos, joined = [], 0, 0, True
        while pos < len(raw):
            char = raw[pos]
            if char.isspace():
                pos += 1
                continue
            if not joined:
                if char != "#":
                    raise ValueError(f"{what} cannot be read: a # must join its pieces")
                joined, pos = True, pos + 1
                continue
            if char in '{"':
                end = closing(raw, pos, what)
                piece, pos = raw[pos + 1 : end], end + 1
            else:
                bare = BARE_PIECE.match(raw, pos)
                if bare is None:
                    raise ValueError(f"{what} cannot be read at “{raw[pos : pos + 20]}”")
                name, pos = bare.group(), bare.end()
                piece = self.values.get(name.lower(), name)
                if name.lower() in self.values:
                    self.expanded += len(piece)
                    if self.expanded > MAX_EXPANSION:
                        raise ValueError(
                            f"{what}: macros expand to more than {MAX_EXPANSION:,} characters "
                            "in all"
                        )
            size += len(piece)
            if size > MAX_VALUE:
                raise ValueError(f"{what} expands to more than {MAX_VALUE:,} characters")
            pieces.append(piece)
            joined = False
        if joined and pieces:
            raise ValueError(f"{what} cannot be read: it ends with #")
        return "".join(pieces)


def closing(raw: str, start: int, what: str) -> int:
    """Where the brace or quote opening at ``start`` closes (a quote at brace level 0)."""
    depth = 0
    for pos in range(start + 1, len(raw)):
        char = raw[pos]
        if raw[pos - 1] == "\\":  # bibtexparser's splitter reads \{ and \" as text
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and raw[start] == "{":
                return pos
            depth -= 1
        elif char == '"' and depth == 0 and raw[start] == '"':
            return pos
    raise ValueError(f"{what} cannot be read: a brace or quote is not closed")


def read_bibtex(
    text: str, deadline: Deadline = NO_DEADLINE, max_entries: int | None = None
) -> list[ParsedWork]:
    # No middleware: Macros expands and unquotes the values.
    library = bibtexparser.parse_string(text, parse_stack=[])
    if max_entries is not None and len(library.entries) > max_entries:
        raise TooMany(len(library.entries), max_entries)
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
    macros = Macros()
    # In file order, each on those before it, as BibTeX reads them; entries may also use
    # macros defined after them, as bibtexparser allowed.
    for string in library.strings:
        try:
            macros.define(string.key, string.value)
        except ValueError as error:
            problems.append(f"line {string.start_line + 1}, @string {string.key}: {error}")
    entries = []
    for entry in library.entries:
        deadline.check()
        try:
            entries.append(read_entry(entry, macros))
        except ValueError as error:
            problems.append(f"line {entry.start_line + 1}, entry {entry.key}: {error}")
    if problems:
        raise ImportProblem(problems)
    return entries


def read_entry(entry: Entry, macros: Macros | None = None) -> ParsedWork:
    macros = macros or Macros()
    values = {
        name.lower(): macros.expand(str(f.value), f"the {name.lower()}").strip()
        for name, f in entry.fields_dict.items()
    }
    title = decoded(values.get("title", ""), "title")
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

    names = split_names(values["author"]) if values.get("author") else []
    if names and names[-1].lower() == "others":  # "and others": the rest go unnamed
        names.pop()
    if nesting(values.get("author", "")) > MAX_NESTING:
        raise ValueError(f"the author nests braces more than {MAX_NESTING} levels deep")
    try:
        authors = [person_name(name) for name in names]
    except RecursionError:
        raise ValueError("the author nests LaTeX too deeply to read") from None
    if not any(authors):
        raise ValueError("no authors")
    if blank := [str(n) for n, name in enumerate(authors, start=1) if not name]:
        raise ValueError(
            f"author {', '.join(blank)} of {len(authors)} is blank (“and” twice, or at an end?)"
        )

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
    venue = next((decoded(values[f], f) for f in VENUE_FIELDS if values.get(f)), "")
    if ARXIV_IN_TEXT.search(venue) or venue.lower().startswith("arxiv"):
        venue = ""
    kind = KINDS.get(entry_type, "preprint")
    if kind == "article" and not venue and arxiv_id:
        kind = "preprint"
    keywords = [k.strip() for k in re.split(r"[;,]", values.get("keywords", "")) if k.strip()]
    return ParsedWork(
        key=entry.key,
        line=entry.start_line + 1,
        kind=kind,
        title=title,
        year=year,
        authors=authors,
        venue=venue,
        month=month,
        volume=values.get("volume", ""),
        issue=values.get("number", "") or values.get("issue", ""),
        pages=values.get("pages", "").replace("--", "-"),
        doi=doi,
        arxiv_id=arxiv_id,
        arxiv_category=values.get("primaryclass", ""),
        url=url,
        abstract=decoded(values.get("abstract", ""), "abstract"),
        note=decoded(values.get("note", ""), "note"),
        keywords=[decoded(k, "keywords") for k in keywords],
    )
