"""What every search shares: the query typed, as PostgreSQL full-text queries, and the
highlighting of what matched. The site's search across people, papers and talks is
scholarfolio.search; the API's ``q=`` filters are core.filters.
"""

import re
import unicodedata

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchVector,
    SearchVectorField,
)
from django.db.models import Expression, F, Func, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

MAX_QUERY_LENGTH = 200
# CJK Unified Ideographs with Extension A, and the compatibility ideographs.
CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{CJK_RANGES}]")
CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
# Matches ranked per search, at most: the most recent, read along the list's index. Ranking
# reads every candidate's vector, so a word most papers share would otherwise cost in
# proportion to the site; with the cap a search costs the same at 1,000 papers and 100,000.
MAX_RANKED = 1000


def _folding() -> dict[str, str]:
    """Each accented Latin letter (Latin-1 to Latin Extended-B, Latin Extended Additional)
    with the letters it is written without: é → e, ő → o, ǆ → dz; and the letters Unicode
    does not decompose: ø, ł, đ, ß, æ, œ, þ."""
    table = {}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        letter = chr(code)
        parts = unicodedata.normalize("NFKD", letter)
        base = "".join(part for part in parts if not unicodedata.combining(part))
        if base != letter and base.isascii() and base.isalpha():
            table[letter] = base
    extra = "ø o Ø O ł l Ł L đ d Đ D ħ h Ħ H ŧ t Ŧ T ı i ð d Ð D ß ss æ ae Æ AE œ oe Œ OE þ th Þ TH"
    pairs = extra.split()
    table.update(zip(pairs[::2], pairs[1::2], strict=True))
    return table


# Accents fold on both sides of a search, so Erdos finds Erdős and Schrodinger finds
# Schrödinger: fold() on the query typed, and sf_fold() (the same table in SQL, made by
# migration core/0005) on the texts in the search vectors.
FOLDING = _folding()
_FOLD_TABLE = str.maketrans(FOLDING)


def fold(text: str) -> str:
    return text.translate(_FOLD_TABLE)


def fold_function_sql() -> str:
    """CREATE FUNCTION sf_fold(text), fold() in SQL: translate() for the letters that fold
    to one letter, replace() for the rest. Pure SQL: the embedded PostgreSQL has no
    unaccent extension."""
    single = {letter: base for letter, base in FOLDING.items() if len(base) == 1}
    body = f"translate($1, '{''.join(single)}', '{''.join(single.values())}')"
    for letter, base in FOLDING.items():
        if len(base) > 1:
            body = f"replace({body}, '{letter}', '{base}')"
    # translate() scans its list for every character: plain ASCII (as many bytes as
    # characters), most texts, is returned as it is.
    return (
        "CREATE OR REPLACE FUNCTION sf_fold(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT CASE "
        f"WHEN octet_length($1) = length($1) THEN $1 ELSE {body} END $$"
    )


class Fold(Func):
    """sf_fold(text): the text with its accents folded, as fold() does."""

    function = "sf_fold"
    output_field = TextField()


def folded_vector(*expressions, config: str, weight: str) -> SearchVector:
    """A search vector of ``expressions`` with their accents folded."""
    return SearchVector(
        *(Fold(expression) for expression in expressions), config=config, weight=weight
    )


class CompiledOnce(Expression):
    """``build()``, a model's search vector expression, compiled to SQL once per process and
    database: resolving and compiling one costs ~10 ms, several times the UPDATE it sets,
    on every save. So its SQL must depend on nothing but the model: ``build`` takes no
    argument, the rows are reached through OuterRef alone, and translated fields are named
    by their columns (title_en), which neither the active language nor
    django-modeltranslation's rewriting changes (tests/core/test_vector_sql.py)."""

    output_field = SearchVectorField()
    _compiled: dict[tuple, tuple[str, tuple]] = {}

    def __init__(self, build):
        super().__init__()
        self.build = build

    def as_sql(self, compiler, connection):
        key = (self.build, connection.alias)
        if (compiled := self._compiled.get(key)) is None:
            expression = self.build().resolve_expression(
                compiler.query, allow_joins=False, for_save=True
            )
            sql, params = compiler.compile(expression)
            compiled = self._compiled[key] = (sql, tuple(params))
        return compiled


# Private-use characters, which no one types: ts_headline wraps matches in them, and only
# after the text around them is escaped do they become <mark> tags.
START_SEL, STOP_SEL = "\ue000", "\ue001"


def clean_query(text: str) -> str:
    """The words to search for: control characters (NUL breaks the database driver)
    blanked, whitespace collapsed, length capped."""
    printable = "".join(char if char.isprintable() else " " for char in text)
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


def search_query(text: str) -> SearchQuery:
    # Prose is indexed in 'english' (stemmed) and names in 'simple' (as written): asking in
    # both finds "spikes" in a title and the surname "He", an English stop word.
    folded = fold(text)
    query = SearchQuery(folded, config="english", search_type="websearch") | SearchQuery(
        folded, config="simple", search_type="websearch"
    )
    if folded != text:
        # As typed too: the headlines, made from the texts themselves, then mark Erdős, and
        # vectors stored before folding (until update_search_vectors) still match.
        query |= SearchQuery(text, config="english", search_type="websearch") | SearchQuery(
            text, config="simple", search_type="websearch"
        )
    if CJK.search(text):
        # Chinese texts are indexed a character a token (cjk_characters): a run of Chinese
        # characters typed is asked as a phrase of them, so 深度学习 finds 深度学习现象导论.
        phrases = CJK_RUN.sub(lambda run: f' "{" ".join(run.group())}" ', text)
        query |= SearchQuery(phrases, config="simple", search_type="websearch")
    return query


def cjk_characters(expression) -> Func:
    """A text with a space around each Chinese, Japanese or Korean ideograph: PostgreSQL's
    parsers split words at spaces and punctuation, which Chinese does not write, so 'simple'
    would index a whole sentence as one token. Each character a token, with its position,
    lets a phrase query find any word in it (a character n-gram index, n = 1, matched in
    order); English words in the same text stay whole."""
    return Func(
        Coalesce(expression, Value("")),
        Value(f"([{CJK_RANGES}])"),
        Value(r" \1 "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def in_language(field: str) -> Coalesce:
    """A translated field (profiles/translation.py, events/translation.py) in the active
    language, its English where that is empty: what the model's attribute reads, for SQL
    (headlines), where django-modeltranslation would read the active language's column
    alone. ``field`` may be a path (``talk__title``)."""
    default = build_localized_fieldname(field, settings.LANGUAGE_CODE)
    local = build_localized_fieldname(field, get_language() or settings.LANGUAGE_CODE)
    if local == default:
        return Coalesce(F(default), Value(""))
    return Coalesce(NullIf(F(local), Value("")), F(default), Value(""))


def highlight(marked: str) -> SafeString:
    """A headline as HTML: all of it escaped, then only our markers turned into <mark>."""
    return mark_safe(escape(marked).replace(START_SEL, "<mark>").replace(STOP_SEL, "</mark>"))


def marked(expression, query: SearchQuery, config: str) -> SearchHeadline:
    """The whole text with every match marked, for short fields (names, titles, rooms)."""
    return SearchHeadline(
        expression,
        query,
        config=config,
        start_sel=START_SEL,
        stop_sel=STOP_SEL,
        highlight_all=True,
    )


def snippet(expression, query: SearchQuery) -> SearchHeadline:
    """Up to two fragments of a long text around its matches, for abstracts."""
    return SearchHeadline(
        expression,
        query,
        config="english",
        start_sel=START_SEL,
        stop_sel=STOP_SEL,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
