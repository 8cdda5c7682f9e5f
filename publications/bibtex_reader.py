"""BibTeX in: entry text to plain citation data. Pure functions, no ORM.

bibtexparser splits the file into entries; this module expands ``@string`` macros and
``#`` concatenation as BibTeX does (bibtexparser 2.1 resolves a lone macro only), turns
LaTeX accents and escapes (and JATS markup in titles) into Unicode while keeping
``$...$`` math as LaTeX, splits authors (``and others``, corporate names in braces, marks
such as ``Yuan*`` read through a legend), reads months, DOIs, arXiv and PubMed ids
wherever a file puts them, and keeps al-folio's fields and every other field as written.

Reading is lenient (``read_file``): a file is refused only when no entry in it can be
read. A field that cannot be used is kept where it fits (a handle in ``doi`` becomes the
link; anything else that fits no column is kept verbatim in ``extra_fields``) or dropped,
with a notice naming the entry, line and field; an entry that cannot be imported at all
(no title, no year) is skipped with its reason. ``read_bibtex`` is the strict form: any
skipped entry refuses the file.

Hostile input is refused by name rather than allowed to exhaust the process: a value or
macro expanding past ``MAX_VALUE`` characters, macros expanding past ``MAX_EXPANSION`` in
all, braces nested deeper than ``MAX_NESTING`` (pylatexenc recurses per level), blank
author names.
"""

import datetime
import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from core.models import MONTH_NUMBERS
from core.validators import normalize_arxiv_id, normalize_doi
from publications.bibtex import ENTRY_TYPES
from publications.bibtex import VENUE_FIELDS as EXPORT_VENUE_FIELDS
from publications.records import NO_DEADLINE, Deadline, ImportProblem, Notice, ParsedWork

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
VENUE_FIELDS = ("journal", "booktitle", "school", "institution", "howpublished")
# al-folio's typed links, in the order its pages show them.
LINK_FIELDS = ("pdf", "code", "html", "slides", "poster", "website", "video", "supp", "blog")
# Single-valued text fields kept as written (after decoding), ParsedWork attribute by field.
TEXT_FIELDS = {
    "publisher": "publisher",
    "series": "series",
    "abbr": "venue_abbr",
    "award_name": "award_name",
    "preview": "preview",
    "google_scholar_id": "google_scholar_id",
    "altmetric": "altmetric",
    "dimensions": "dimensions",
    "issn": "issn",
    "isbn": "isbn",
}
# Markdown in al-folio (award, annotation, additional_info) is kept raw: it is not LaTeX.
RAW_FIELDS = {"award": "award", "annotation": "annotation", "additional_info": "additional_info"}
# Alternative names for one datum: the first present is read; the name it had is kept so
# that an export writes it back under that name.
ALIASES = {
    "address": ("address", "location"),
    "article_number": ("eid", "articleno"),
    "issue": ("number", "issue"),
}
EQUAL_LISTS = ("cofirst", "co_first", "equal", "equal_contribution")
CORRESPONDING_LISTS = ("corresponding", "co_corresponding")
BOOLEAN_FIELDS = {"selected": "featured", "bibtex_show": "bibtex_show"}
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "1"}, {"false", "no", "0"}
# Fields read into ParsedWork's own attributes; every other field goes to extra_fields.
KNOWN_FIELDS = frozenset(
    {
        "title",
        "author",
        "year",
        "date",
        "month",
        "volume",
        "pages",
        "doi",
        "eprint",
        "archiveprefix",
        "eprinttype",
        "primaryclass",
        "arxiv",
        "pmid",
        "url",
        "abstract",
        "note",
        "keywords",
        "numpages",
        *VENUE_FIELDS,
        *LINK_FIELDS,
        *TEXT_FIELDS,
        *RAW_FIELDS,
        *(name for names in ALIASES.values() for name in names),
        *EQUAL_LISTS,
        *CORRESPONDING_LISTS,
        *BOOLEAN_FIELDS,
    }
)
LATEX_SIGNS = re.compile(r"[\\{}~%&$^_#]|--|``|''")
BARE_SPECIALS = re.compile(r"(?<!\\)([&%])")
MATH = re.compile(r"(?<!\\)\$[^$]*(?<!\\)\$")
ARXIV_IN_TEXT = re.compile(r"arXiv:\s*(\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)$", re.IGNORECASE)
PUBMED_URL = re.compile(
    r"^https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|www\.ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?$",
    re.IGNORECASE,
)
PMID_IN_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b")
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

# The journal macros of AAS styles, which ADS exports use (journal = {\apj}).
JOURNAL_MACROS = {
    "aj": "Astronomical Journal",
    "apj": "Astrophysical Journal",
    "apjl": "Astrophysical Journal Letters",
    "apjs": "Astrophysical Journal Supplement Series",
    "aap": "Astronomy and Astrophysics",
    "aapr": "Astronomy and Astrophysics Reviews",
    "mnras": "Monthly Notices of the Royal Astronomical Society",
    "pasp": "Publications of the Astronomical Society of the Pacific",
    "araa": "Annual Review of Astronomy and Astrophysics",
    "nat": "Nature",
    "prd": "Physical Review D",
    "prl": "Physical Review Letters",
    "jcap": "Journal of Cosmology and Astroparticle Physics",
    "icarus": "Icarus",
    "solphys": "Solar Physics",
    "ssr": "Space Science Reviews",
    "procspie": "Proceedings of the SPIE",
}
# Author marks: legend presets (mark -> flag). al-folio's sample file marks Einstein "*†"
# with "* equal contribution, † corresponding" in its annotation; this site's own bylines
# use # and *.
FLAGS = ("equal", "corresponding")
MARK_PRESETS = {
    "alfolio": {"*": "equal", "†": "corresponding"},
    "hugo": {"*": "equal", "†": "corresponding"},
    "site": {"#": "equal", "*": "corresponding"},
}
DEFAULT_MARKS = "alfolio"
MARK_CHARACTERS = "*†‡#^§¶"
MARK_LATEX = [
    (re.compile(r"\\textsuperscript\s*\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\$\s*\^\s*\{?([^${}]*)\}?\s*\$"), r"\1"),
    (re.compile(r"\\(?:textdaggerdbl|ddagger|ddag)(?![a-zA-Z])\s*(?:\{\})?"), "‡"),
    (re.compile(r"\\(?:textdagger|dagger|dag)(?![a-zA-Z])\s*(?:\{\})?"), "†"),
    (re.compile(r"\\ast(?![a-zA-Z])\s*(?:\{\})?"), "*"),
    (re.compile(r"\\#"), "#"),
    (re.compile(r"∗"), "*"),
]


class TooMany(ImportProblem):
    def __init__(self, count: int, limit: int):
        super().__init__([f"The file has {count:,} entries; {limit:,} at most here."])


def parse_marks(text: str) -> dict[str, str]:
    """'*=equal,†=corresponding' or a preset's name ('alfolio', 'hugo', 'site') -> legend.
    A ValueError names what is wrong."""
    text = text.strip()
    if text.lower() in MARK_PRESETS:
        return dict(MARK_PRESETS[text.lower()])
    legend = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        mark, sep, flag = part.partition("=")
        mark, flag = mark.strip(), flag.strip().lower()
        if not sep or len(mark) != 1 or mark not in MARK_CHARACTERS:
            raise ValueError(
                f"“{part}”: write MARK=FLAG with one of {' '.join(MARK_CHARACTERS)} as the mark"
            )
        if flag not in FLAGS:
            raise ValueError(f"“{part}”: the flag is one of {', '.join(FLAGS)}")
        legend[mark] = flag
    return legend


@dataclass
class Options:
    """How a file is read: the marks' legend, the base URL relative links resolve against."""

    marks: dict[str, str] = field(default_factory=lambda: dict(MARK_PRESETS[DEFAULT_MARKS]))
    base_url: str = ""


@dataclass
class Reading:
    entries: list[ParsedWork]
    skipped: list[Notice]  # entries that cannot be imported, each with its reason
    warnings: list[Notice]  # outside any entry (a bad @string); the entries carry theirs


# --- LaTeX and markup to text ---------------------------------------------------------

_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
_LETTERS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
}
_SYMBOL_ACCENT = r"['`^\"~=.]"
_LETTER_ACCENT = r"[uvHckrdb]"
_BASE = r"(?:\\[ij](?![a-zA-Z])|[a-zA-Z])"
# \'e \'{e} {\'e} \'{\i} \v{s} \v s, each optionally braced as a whole.
_FAST_ACCENT = re.compile(
    r"\{?\\(?:(" + _SYMBOL_ACCENT + r")\s*|(" + _LETTER_ACCENT + r")(?:\s+|(?=\{)))"
    r"(?:\{(" + _BASE + r")\}|(" + _BASE + r"))\}?"
)
_FAST_LETTER = re.compile(r"\{?\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![a-zA-Z])(?:\{\}|\s*)\}?")
_FAST_ESCAPE = re.compile(r"\\([&%$#_{}])")
_FAST_STYLE = re.compile(
    r"\\(?:emph|textit|textbf|textsc|texttt|textrm|textsf|textup|textsl|mbox|text)\s*(?=\{)"
)
_URL_MACRO = re.compile(r"\\url\s*\{([^{}]*)\}")
_HREF_MACRO = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_PLACEHOLDER = re.compile("[\ue000-\uf8ff]")
_JATS_TAG = re.compile(
    r"</?(?:jats:|mml:)?(?:inline-formula|tex-math|math|italic|bold|sub|sup|sc|scp|p|title|"
    r"i|b|em|strong|u|underline|monospace|break|named-content|alternatives|span|"
    r"inline-graphic|styled-content|mi|mo|mn|mrow|msub|msup|mfrac|mtext|semantics|"
    r"annotation|mover|munder|msqrt|mspace)\b[^>]*>",
    re.IGNORECASE,
)
_TEX_MATH = re.compile(
    r"<(?:jats:|mml:)?inline-formula\b[^>]*>.*?<(?:jats:)?tex-math\b[^>]*>(.*?)"
    r"</(?:jats:)?tex-math>.*?</(?:jats:|mml:)?inline-formula>",
    re.IGNORECASE | re.DOTALL,
)
_BARE_TEX_MATH = re.compile(
    r"<(?:jats:)?tex-math\b[^>]*>(.*?)</(?:jats:)?tex-math>", re.IGNORECASE | re.DOTALL
)
_MATHML = re.compile(r"<(?:mml:)?math\b([^>]*)>(.*?)</(?:mml:)?math>", re.IGNORECASE | re.DOTALL)
_ALTTEXT = re.compile(r'alttext\s*=\s*"([^"]*)"', re.IGNORECASE)


def _tex_math(content: str) -> str:
    """The math of a JATS <tex-math>: CDATA, a whole LaTeX document around it and its own
    dollars taken off, as $...$."""
    content = re.sub(r"^\s*<!\[CDATA\[(.*)\]\]>\s*$", r"\1", content, flags=re.DOTALL)
    if "\\begin{document}" in content:
        content = content.split("\\begin{document}", 1)[1].split("\\end{document}", 1)[0]
    content = html.unescape(content).strip()
    content = re.sub(r"^\$+|\$+$", "", content).strip()
    content = re.sub(r"^\\\(|\\\)$", "", content).strip()
    return f"${content}$" if content else ""


def _mathml(match: re.Match) -> str:
    if alt := _ALTTEXT.search(match.group(1)):
        return _tex_math(alt.group(1))
    return re.sub(r"<[^>]+>", "", match.group(2))


def strip_markup(text: str) -> str:
    """JATS/MathML inline markup (as Crossref and publishers put into titles) to text, with
    <tex-math> as $...$ math; text without such tags is returned as it is."""
    if "<" not in text or not _JATS_TAG.search(text):
        return text
    text = _TEX_MATH.sub(lambda m: _tex_math(m.group(1)), text)
    text = _BARE_TEX_MATH.sub(lambda m: _tex_math(m.group(1)), text)
    text = _MATHML.sub(_mathml, text)
    text = _JATS_TAG.sub("", text)
    return html.unescape(text)


def latex_to_unicode(text: str) -> str:
    """Accents, escapes and braces to Unicode; ``$...$`` math kept as written; ``\\url``
    and ``\\href`` to their address (and text)."""
    urls: list[str] = []

    def keep(url: str) -> str:
        urls.append(url.strip())
        return chr(0xE000 + len(urls) - 1)

    if "\\url" in text or "\\href" in text:
        text = _PLACEHOLDER.sub("", text)
        text = _URL_MACRO.sub(lambda m: keep(m.group(1)), text)

        def href(match: re.Match) -> str:
            url, label = match.group(1).strip(), match.group(2).strip()
            if not label or label.strip("{}") in url:
                return keep(url)
            return f"{match.group(2)} ({keep(url)})"

        text = _HREF_MACRO.sub(href, text)
        text = text.replace("\\href", "").replace("\\url", "")
    parts, last = [], 0
    for match in MATH.finditer(text):
        parts.append(_decode(text[last : match.start()]))
        parts.append(match.group())
        last = match.end()
    parts.append(_decode(text[last:]))
    decoded_text = re.sub(r"\s+", " ", "".join(parts)).strip()
    if urls:
        decoded_text = _PLACEHOLDER.sub(
            lambda m: urls[ord(m.group()) - 0xE000] if ord(m.group()) - 0xE000 < len(urls) else "",
            decoded_text,
        )
    return decoded_text


def _accent(match: re.Match) -> str:
    accent = _ACCENTS[match.group(1) or match.group(2)]
    base = match.group(3) or match.group(4)
    if base.startswith("\\"):  # \'{\i}: the dotless i takes the accent as a plain i would
        base = base[1]
    return unicodedata.normalize("NFC", base + accent)


def _fast(text: str) -> str | None:
    """The common LaTeX of names and titles (accents, escaped specials, dashes, quotes,
    braces, text styles) without pylatexenc, which is some 50 times slower; None when
    anything else is left, for pylatexenc to read."""
    if "%" in text or "&" in text.replace("\\&", ""):
        return None
    text = _FAST_ACCENT.sub(_accent, text)
    text = _FAST_LETTER.sub(lambda m: _LETTERS[m.group(1)], text)
    text = _FAST_STYLE.sub("", text)
    text = _FAST_ESCAPE.sub(
        lambda m: (
            "\ue000" if m.group(1) == "{" else ("\ue001" if m.group(1) == "}" else m.group(1))
        ),
        text,
    )
    if "\\" in text or "^" in text or "_" in text or "#" in text:
        return None
    text = text.replace("{", "").replace("}", "").replace("\ue000", "{").replace("\ue001", "}")
    text = text.replace("---", "—").replace("--", "–").replace("~", " ")
    return text.replace("``", "“").replace("''", "”")


@lru_cache(maxsize=20_000)  # names, venues and publishers repeat throughout a file
def _decode(text: str) -> str:
    # Most titles and abstracts hold no LaTeX at all; pylatexenc is slow, so skip it then.
    if not LATEX_SIGNS.search(text):
        return text
    if "\ue000" not in text and "\ue001" not in text and (fast := _fast(text)) is not None:
        return fast
    # A bare & or % in a BibTeX field means the character, not a LaTeX column or comment.
    try:
        return _latex.latex_to_text(BARE_SPECIALS.sub(r"\\\1", text))
    except RecursionError:
        raise
    except Exception:  # pylatexenc fails on some input (IndexError on odd macros): plain text
        return re.sub(r"\\[a-zA-Z]+\s*|\\(.)|[{}]", lambda m: m.group(1) or "", text)


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


# --- Names ----------------------------------------------------------------------------


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


def take_marks(raw: str) -> tuple[str, str]:
    """'Yuan*, Zhihang' -> ('Yuan, Zhihang', '*'): the marks after (or around) a name's
    words at brace level 0, in LaTeX too ($^*$, \\textsuperscript{\\dag}); an escaped
    accent (\\^o) is no mark."""
    if not any(c in raw for c in MARK_CHARACTERS + "\\$∗"):
        return raw, ""
    for pattern, replacement in MARK_LATEX:
        raw = pattern.sub(replacement, raw)
    kept, marks, depth = [], [], 0
    for pos, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if depth == 0 and char in MARK_CHARACTERS and (pos == 0 or raw[pos - 1] != "\\"):
            marks.append(char)
            continue
        kept.append(char)
    name = re.sub(r"\s+,", ",", "".join(kept))
    return re.sub(r"\s+", " ", name).strip(" ,") if marks else name, "".join(marks)


@lru_cache(maxsize=20_000)
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


_DELIMITER = re.compile(r'(?<!\\)[{}"]')


def closing(raw: str, start: int, what: str) -> int:
    """Where the brace or quote opening at ``start`` closes (a quote at brace level 0)."""
    depth = 0
    braced = raw[start] == "{"
    # bibtexparser's splitter reads \{ and \" as text
    for match in _DELIMITER.finditer(raw, start + 1):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and braced:
                return match.start()
            depth -= 1
        elif depth == 0 and not braced:
            return match.start()
    raise ValueError(f"{what} cannot be read: a brace or quote is not closed")


# --- The file -------------------------------------------------------------------------


def read_file(
    text: str,
    options: Options | None = None,
    deadline: Deadline = NO_DEADLINE,
    max_entries: int | None = None,
) -> Reading:
    """Every entry that can be imported, and why the others cannot. Raises ImportProblem
    only when the text holds entries of which none can be read, TooMany past
    ``max_entries`` and TooSlow past the deadline."""
    options = options or Options()
    # No middleware: Macros expands and unquotes the values.
    library = bibtexparser.parse_string(text, parse_stack=[])
    count = len(library.entries) + sum(
        isinstance(b, DuplicateFieldKeyBlock) for b in library.failed_blocks
    )
    if max_entries is not None and count > max_entries:
        raise TooMany(count, max_entries)
    skipped, warnings, repeated, recovered = [], [], {}, []
    failed = 0
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, DuplicateFieldKeyBlock):
            entry = _first_values(block)
            if entry is not None:
                repeated[id(entry)] = block.duplicate_keys
                recovered.append(entry)
                continue
        key = getattr(block, "key", None) or _raw_key(block.raw)
        if isinstance(block, DuplicateBlockKeyBlock):
            skipped.append(Notice(key, line, "the key is used twice; this entry was skipped"))
            continue
        failed += 1
        reason = getattr(getattr(block, "error", None), "abort_reason", "") or ""
        reason = re.sub(r"`([^`]*)`", r"“\1”", reason.strip()) or "not BibTeX"
        skipped.append(Notice(key, line, f"cannot be read: {reason}"))
    macros = Macros()
    # In file order, each on those before it, as BibTeX reads them; entries may also use
    # macros defined after them, as bibtexparser allowed.
    for string in library.strings:
        try:
            macros.define(string.key, string.value)
        except ValueError as error:
            warnings.append(Notice(f"@string {string.key}", string.start_line + 1, str(error)))
    entries, keys = [], set()
    for entry in sorted([*library.entries, *recovered], key=lambda e: e.start_line):
        deadline.check()
        if entry.key in keys:
            skipped.append(
                Notice(entry.key, entry.start_line + 1, "the key is used twice; skipped")
            )
            continue
        keys.add(entry.key)
        reader = EntryReader(entry, macros, options)
        for name in repeated.get(id(entry), ()):
            reader.warn(name, "given more than once; the first value is kept")
        try:
            entries.append(reader.read())
        except ValueError as error:
            skipped.append(Notice(entry.key, entry.start_line + 1, str(error)))
    if failed and not entries and not library.strings:
        raise ImportProblem(
            [str(n) for n in skipped] + ["No entry in the file can be read: is it BibTeX?"]
        )
    skipped.sort(key=lambda n: n.line)
    return Reading(entries, skipped, warnings)


def read_bibtex(
    text: str,
    deadline: Deadline = NO_DEADLINE,
    max_entries: int | None = None,
    options: Options | None = None,
) -> list[ParsedWork]:
    """The strict read: every entry, or an ImportProblem naming each that cannot be
    imported (and each bad @string); field warnings ride on the entries."""
    reading = read_file(text, options, deadline=deadline, max_entries=max_entries)
    problems = sorted([*reading.skipped, *reading.warnings], key=lambda n: n.line)
    if problems:
        raise ImportProblem([str(n) for n in problems])
    return reading.entries


def _raw_key(raw: str | None) -> str:
    key = KEY_IN_RAW.match((raw or "").lstrip())
    return key.group(1).rstrip(",") if key else "?"


def _first_values(block: DuplicateFieldKeyBlock) -> Entry | None:
    """The entry of a block that repeats a field (Jekyll takes such files), with the first
    value of each repeated field: later occurrences are renamed away and parsed again."""
    seen: dict[str, int] = {}

    def rename(match: re.Match) -> str:
        name = match.group(2).lower()
        if name not in block.duplicate_keys:
            return match.group(0)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 1:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}__repeated{seen[name]}{match.group(3)}"

    raw = re.sub(r"([,{(]\s*)([A-Za-z][\w:.+-]*)(\s*=)", rename, block.raw)
    reparsed = bibtexparser.parse_string(raw, parse_stack=[])
    if len(reparsed.entries) != 1:
        return None
    entry = reparsed.entries[0]
    entry.fields = [f for f in entry.fields if "__repeated" not in f.key]
    entry._start_line_in_file = block.start_line  # bibtexparser's Block has no setter
    return entry


def _link_target(value: str) -> str:
    found = re.fullmatch(r"\s*\\(?:href|url)\s*\{([^{}]*)\}.*", value, re.DOTALL)
    return found.group(1).strip() if found else value.strip()


class EntryReader:
    def __init__(self, entry: Entry, macros: "Macros", options: Options):
        self.entry = entry
        self.macros = macros
        self.options = options
        self.line = entry.start_line + 1
        self.warnings: list[Notice] = []
        self.raw = {name.lower(): f for name, f in entry.fields_dict.items()}
        self.values: dict[str, str] = {}
        self.names: dict[str, str] = {}  # lower-case name -> as written

    def warn(self, name: str, message: str) -> None:
        self.warnings.append(Notice(self.entry.key, self.line, message, field=name))

    def expand(self) -> None:
        for name, f in self.entry.fields_dict.items():
            lowered = name.lower()
            self.names[lowered] = name
            try:
                value = self.macros.expand(str(f.value), f"the {lowered}").strip()
            except ValueError as error:
                if lowered in ("title", "author", "year"):
                    raise
                self.warn(lowered, f"{error}; dropped")
                continue
            self.values[lowered] = value

    def text(self, name: str, required: bool = False) -> str:
        """A field decoded to text; a field too deep to decode is dropped with a warning
        (or, for the title, makes the entry unreadable)."""
        value = self.values.get(name, "")
        if not value:
            return ""
        try:
            return decoded(value, name)
        except ValueError as error:
            if required:
                raise
            self.warn(name, f"{error}; dropped")
            return ""

    def keep(self, name: str, message: str) -> None:
        """The field's value as written into extra_fields, with a warning saying why."""
        self.work.extra_fields[self.names.get(name, name)] = self.values[name]
        self.warn(name, f"{message}; kept as written")

    def read(self) -> ParsedWork:
        self.expand()
        values = self.values
        title = strip_markup(self.text("title", required=True))
        if not title:
            raise ValueError("no title")
        year, month, date = self.when()
        names = split_names(values["author"]) if values.get("author") else []
        et_al = bool(names) and names[-1].strip().lower() == "others"
        if et_al:  # "and others": the rest go unnamed
            names.pop()
        if nesting(values.get("author", "")) > MAX_NESTING:
            raise ValueError(f"the author nests braces more than {MAX_NESTING} levels deep")
        marked = [take_marks(name) for name in names]
        try:
            authors = [person_name(name) for name, _ in marked]
        except RecursionError:
            raise ValueError("the author nests LaTeX too deeply to read") from None
        if not any(authors):
            raise ValueError("no authors")
        if blank := [str(n) for n, name in enumerate(authors, start=1) if not name]:
            raise ValueError(
                f"author {', '.join(blank)} of {len(authors)} is blank (“and” twice, or at an end?)"
            )
        entry_type = self.entry.entry_type.lower()
        self.work = work = ParsedWork(
            key=self.entry.key,
            line=self.line,
            kind=KINDS.get(entry_type, "preprint"),
            title=title,
            year=year,
            month=month,
            date=date,
            authors=authors,
            et_al=et_al,
            warnings=self.warnings,
        )
        self.marks(work, [marks for _, marks in marked])
        venue_field = next((f for f in VENUE_FIELDS if values.get(f)), "")
        raw_venue = values.get(venue_field, "").strip()
        if (macro := JOURNAL_MACROS.get(raw_venue.strip("{}").lstrip("\\"))) and (
            raw_venue.strip("{}").startswith("\\")
        ):
            work.venue = macro
        else:
            work.venue = self.text(venue_field) if venue_field else ""
        self.identifiers(work)
        if ARXIV_IN_TEXT.search(work.venue) or work.venue.lower().startswith("arxiv"):
            work.venue = ""
        if work.kind == "article" and not work.venue and work.arxiv_id:
            work.kind = "preprint"
        work.volume = self.text("volume")
        work.pages = re.sub(r"\s*(?:-+|–|—|\\textendash\s*(?:\{\})?)\s*", "-", self.text("pages"))
        work.abstract = strip_markup(self.text("abstract"))
        note = self.text("note")
        if found := PMID_IN_NOTE.search(note):
            work.pmid = work.pmid or found.group(1)
        work.note = note
        keywords = values.get("keywords", "")
        work.keywords = [
            self.text_of(k.strip(), "keywords") for k in re.split(r"[;,]", keywords) if k.strip()
        ]
        for name, attribute in TEXT_FIELDS.items():
            setattr(work, attribute, self.text(name))
        for name, attribute in RAW_FIELDS.items():
            setattr(work, attribute, values.get(name, ""))
        for attribute, names in ALIASES.items():
            present = [n for n in names if values.get(n)]
            if not present:
                continue
            setattr(work, attribute, self.text(present[0]))
            if present[0] != names[0]:
                work.extra_fields.setdefault("_names", {})[attribute] = present[0]
            for other in present[1:]:
                if self.text(other) != getattr(work, attribute):
                    self.keep(other, f"another value for the {present[0]}")
        # What an export could not tell from the kind: the entry type and venue field.
        exported_type = ENTRY_TYPES.get(work.kind, "misc")
        if entry_type != exported_type:
            work.extra_fields["_type"] = entry_type
        if work.venue and venue_field != EXPORT_VENUE_FIELDS.get(entry_type):
            work.extra_fields.setdefault("_names", {})["venue"] = self.names[venue_field]
        self.page_count(work)
        self.booleans(work)
        self.links(work)
        for name, value in values.items():
            if name not in KNOWN_FIELDS:
                work.extra_fields[self.names[name]] = value
        return work

    def text_of(self, value: str, name: str) -> str:
        try:
            return decoded(value, name)
        except ValueError as error:
            self.warn(name, f"{error}; dropped")
            return ""

    def when(self) -> tuple[int, int | None, str]:
        values = self.values
        date_text = values.get("date", "")
        year_text = values.get("year", "") or date_text[:4]
        if not re.fullmatch(r"\d{4}", year_text):
            found = re.fullmatch(r"\s*\{?(\d{4})[a-z]?\}?\s*", year_text)
            if found is None:
                raise ValueError(
                    f"the year “{year_text}” is not a four-digit year" if year_text else "no year"
                )
            self.warn("year", f"“{year_text}” read as {found.group(1)}")
            year_text = found.group(1)
        year = int(year_text)
        if not 1000 <= year <= 2100:
            raise ValueError(f"the year {year} is out of range")
        month_text = values.get("month", "").strip().lower().rstrip(".")
        month = MONTH_NUMBERS.get(month_text) or (int(month_text) if month_text.isdigit() else None)
        if month_text and (month is None or not 1 <= month <= 12):
            self.warn("month", f"“{values['month']}” is not a month; dropped")
            month = None
        date = ""
        if date_text:
            found = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", date_text.strip())
            if found is None or int(found.group(1)) != year:
                self.warn("date", f"“{date_text}” is not a date of {year}; dropped")
            else:
                y, m, d = (int(g) if g else None for g in found.groups())
                try:
                    datetime.date(y, m, d or 1)
                except ValueError:
                    self.warn("date", f"“{date_text}” is not a date; dropped")
                else:
                    # A whole date stands for itself; a month alone is the month.
                    date = date_text.strip() if d else ""
                    month = month or (None if d else m)
        return year, month, date

    def marks(self, work: ParsedWork, marks: list[str]) -> None:
        legend = self.options.marks
        for position, found in enumerate(marks, start=1):
            other = ""
            for mark in found:
                flag = legend.get(mark)
                if flag == "equal":
                    work.equal_contribution.append(position)
                elif flag == "corresponding":
                    work.corresponding.append(position)
                else:
                    other += mark
            if other:
                work.other_marks[position] = other
        for names, positions in (
            (EQUAL_LISTS, work.equal_contribution),
            (CORRESPONDING_LISTS, work.corresponding),
        ):
            for name in names:
                if not (value := self.values.get(name)):
                    continue
                numbers = re.findall(r"\d+", value)
                if not numbers or re.sub(r"[\d\s,;]", "", value):
                    self.keep(name, "not a list of author positions")
                    continue
                for number in map(int, numbers):
                    if not 1 <= number <= len(work.authors):
                        self.warn(name, f"there is no author {number}; ignored")
                    elif number not in positions:
                        positions.append(number)
        work.equal_contribution.sort()
        work.corresponding.sort()

    def identifiers(self, work: ParsedWork) -> None:
        values = self.values
        prefix_name = "archiveprefix" if "archiveprefix" in values else "eprinttype"
        prefix = values.get(prefix_name, "")
        eprint = values.get("eprint", "")
        if values.get("arxiv"):  # al-folio's field
            work.arxiv_id = self.arxiv("arxiv")
        if eprint and prefix.lower() in ("", "arxiv") and not work.arxiv_id:
            work.arxiv_id = self.arxiv("eprint", quiet=not prefix)
        elif eprint and not work.arxiv_id:  # another archive's id (HAL, JSTOR)
            work.extra_fields[self.names["eprint"]] = eprint
        if prefix and (prefix.lower() != "arxiv" or not work.arxiv_id):
            work.extra_fields[self.names[prefix_name]] = prefix
        if category := values.get("primaryclass", ""):
            if work.arxiv_id:
                work.arxiv_category = category
            else:
                work.extra_fields[self.names["primaryclass"]] = category
        if not work.arxiv_id:
            venues = " ".join(values.get(f, "") for f in (*VENUE_FIELDS, "note"))
            if found := ARXIV_IN_TEXT.search(venues):
                work.arxiv_id = normalize_arxiv_id(found.group(1))
        # INSPIRE writes doi = {\href{https://doi.org/...}{...}}; some write \url{...}.
        doi_text = _link_target(values.get("doi", ""))
        url = _link_target(values.get("url", ""))
        if doi_text:
            doi = normalize_doi(doi_text)
            if DOI_RE.match(doi):
                work.doi = doi
            elif not url and re.match(r"^(https?://|www\.|hdl\.)", doi_text, re.IGNORECASE):
                url = doi_text if doi_text.lower().startswith("http") else "https://" + doi_text
                self.warn("doi", "not a DOI; kept as the paper's link")
            else:
                self.keep("doi", "not a DOI")
        if not work.doi and (found := DOI_URL.match(url)):
            work.doi = found.group(1)
        if not work.arxiv_id and (found := ARXIV_URL.search(url)):
            work.arxiv_id = normalize_arxiv_id(found.group(1))
        if found := PUBMED_URL.match(url):
            work.pmid = found.group(1)
        if pmid := values.get("pmid", "").strip():
            if pmid.isdigit():
                work.pmid = pmid
            else:
                self.keep("pmid", "not a PubMed id")
        # A link that only repeats the DOI, arXiv id or PubMed id is derived from them.
        doi_url = DOI_URL.match(url)
        if (
            (doi_url and doi_url.group(1).lower() == work.doi.lower())
            or (work.arxiv_id and ARXIV_URL.search(url))
            or (work.pmid and PUBMED_URL.match(url))
        ):
            url = ""
        work.url = url

    def arxiv(self, name: str, quiet: bool = False) -> str:
        """The field's arXiv id; else the field kept as written (with a warning unless the
        field may well hold some other archive's id)."""
        identifier = normalize_arxiv_id(self.values[name])
        if ARXIV_ID.fullmatch(identifier):
            return identifier
        if quiet:
            self.work.extra_fields[self.names[name]] = self.values[name]
        else:
            self.keep(name, "not an arXiv id")
        return ""

    def page_count(self, work: ParsedWork) -> None:
        value = self.values.get("numpages", "").strip()
        if not value:
            return
        if value.isdigit() and 0 < int(value) < 32768:
            work.page_count = int(value)
        else:
            self.keep("numpages", "not a page count")

    def booleans(self, work: ParsedWork) -> None:
        for name, attribute in BOOLEAN_FIELDS.items():
            value = self.values.get(name, "").strip().lower()
            if not value:
                continue
            if value in TRUE_WORDS or value in FALSE_WORDS:
                setattr(work, attribute, value in TRUE_WORDS)
            else:
                self.keep(name, "neither true nor false")

    def links(self, work: ParsedWork) -> None:
        base = self.options.base_url
        for name in LINK_FIELDS:
            value = self.values.get(name, "").strip()
            if not value:
                continue
            if base and not re.match(r"^([a-z][a-z0-9+.-]*:|//)", value, re.IGNORECASE):
                value = urljoin(base if base.endswith("/") else base + "/", value.lstrip("/"))
            work.links[name] = value
