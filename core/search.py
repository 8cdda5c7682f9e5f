"""What every search shares: the query typed, as PostgreSQL full-text queries, and the
highlighting of what matched. The site's search across people, papers and talks is
scholarfolio.search; the API's ``q=`` filters are core.filters.
"""

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
# Matches ranked per search, at most: the most recent, read along the list's index. Ranking
# reads every candidate's vector, so a word most papers share would otherwise cost in
# proportion to the site; with the cap a search costs the same at 1,000 papers and 100,000.
MAX_RANKED = 1000

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
    return SearchQuery(text, config="english", search_type="websearch") | SearchQuery(
        text, config="simple", search_type="websearch"
    )


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
