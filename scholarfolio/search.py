"""Site search: PostgreSQL full-text search over people, papers and talks.

Researcher, Publication and Talk each store a weighted search vector (their querysets'
``update_search_vector()``, kept current by each app's signal handlers). This module
reads those vectors: ranked matches, highlighted snippets and counts per type.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import F, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from core.models import ArrayToString
from core.search import MAX_RANKED, highlight, in_language, marked, search_query, snippet
from events.models import Talk
from profiles.models import Researcher
from publications.models import Publication

PAGE_SIZE = 20
PREVIEW_SIZE = 5  # per type, when the search is not narrowed to one type


def ranked(matches: QuerySet, query: SearchQuery, order: tuple[str, ...], cap: int | None):
    """Every match's primary key, best first (by rank, then in the list's own ``order``),
    in one query that reads only the columns the ranking needs; with ``cap``, only the
    first ``cap`` in ``order``, read along the list's index."""
    columns = [name.lstrip("-") for name in order if name.lstrip("-") != "pk"]
    rows = (
        matches.annotate(rank=SearchRank(F("search_vector"), query))
        .order_by(*order)
        .values("pk", "rank", *columns)
    )
    if cap is not None:
        rows = rows[:cap]
    connection = connections[rows.db]
    sql, params = rows.query.sql_with_params()
    # The ORM cannot order a sliced query again; the outer query does, in SQL, so ties
    # sort by the database's collation as the lists do.
    again = ", ".join(
        f"{connection.ops.quote_name(name.lstrip('-'))} {'DESC' if name[0] == '-' else 'ASC'}"
        for name in order
    )
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "pk" FROM ({sql}) AS matches ORDER BY "rank" DESC, {again}', params)
        return [pk for (pk,) in cursor.fetchall()]


def rank_people(query: SearchQuery, text: str) -> list[int]:
    """Public members, and public people with a public paper (their stored figures count
    them): the people a visitor can look up, on their profile or in the publication list
    filtered by them."""
    # The parser keeps 白志威 as one word, so part of it ("志威") needs a substring match;
    # only then, as it reads every row.
    native = Q() if text.isascii() else Q(native_name__icontains=text)
    matches = (
        Researcher.objects.public()
        .filter(Q(figures__papers__gt=0) | Q(is_member=True))
        .filter(Q(search_vector=query) | native)
    )
    return ranked(matches, query, ("sort_order", "full_name", "pk"), None)


def people_rows(query: SearchQuery, pks: list[int]) -> QuerySet:
    return (
        Researcher.objects.public()
        .filter(pk__in=pks)
        .defer("search_vector")
        .annotate(
            name_html=marked("full_name", query, "simple"),
            native_name_html=marked("native_name", query, "simple"),
            variants_html=marked(ArrayToString("name_variants", Value(", ")), query, "simple"),
        )
    )


def rank_papers(query: SearchQuery, text: str) -> list[int]:
    matches = Publication.objects.public().filter(search_vector=query)
    return ranked(matches, query, ("-year", "-date", "title", "pk"), MAX_RANKED)


def paper_rows(query: SearchQuery, pks: list[int]) -> QuerySet:
    return (
        Publication.objects.public()
        .filter(pk__in=pks)
        .defer("search_vector")
        .with_authors()
        .annotate(
            title_html=marked("title", query, "english"),
            snippet_html=snippet("abstract", query),
        )
    )


def rank_talks(query: SearchQuery, text: str) -> list[int]:
    matches = Talk.objects.published().filter(search_vector=query)
    return ranked(matches, query, ("-date", "pk"), MAX_RANKED)


def talk_rows(query: SearchQuery, pks: list[int]) -> QuerySet:
    return (
        Talk.objects.published()
        .filter(pk__in=pks)
        .defer("search_vector")
        .with_people()
        .annotate(
            title_html=marked(in_language("title"), query, "english"),
            room_html=marked("room", query, "simple"),
            snippet_html=snippet(in_language("abstract"), query),
        )
    )


@dataclass(frozen=True)
class SearchType:
    key: str
    label: str
    rank: Callable[[SearchQuery, str], list[int]]  # every match's pk, best first
    rows: Callable[[SearchQuery, list[int]], QuerySet]  # the records of one page


SEARCH_TYPES = {
    kind.key: kind
    for kind in [
        SearchType("people", _("People"), rank_people, people_rows),
        SearchType("papers", _("Papers"), rank_papers, paper_rows),
        SearchType("talks", _("Talks"), rank_talks, talk_rows),
    ]
}


@dataclass(frozen=True)
class SearchSection:
    key: str
    label: str
    count: int
    page: Page | None  # None when the search is narrowed to another type

    @property
    def count_label(self) -> str:
        """1000+ where the ranking stopped."""
        return (
            f"{self.count}+"
            if self.count >= MAX_RANKED and self.key != "people"
            else str(self.count)
        )


@dataclass(frozen=True)
class SearchResults:
    text: str
    only: str  # one of SEARCH_TYPES, or "" for all of them
    sections: list[SearchSection]

    @property
    def total(self) -> int:
        return sum(section.count for section in self.sections)

    @property
    def shown(self) -> list[SearchSection]:
        return [section for section in self.sections if section.page is not None]


def _highlighted_page(kind: SearchType, query: SearchQuery, pks: list[int], size: int, number):
    """A page of ``pks`` (a bad number gives the first or last) holding its records, whose
    *_html annotations, headlines with markers, are made safe HTML."""
    page = Paginator(pks, size).get_page(number)
    rows = kind.rows(query, list(page.object_list))
    by_pk = {obj.pk: obj for obj in rows}
    # A record hidden since the ranking query is left out, not shown.
    page.object_list = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    marked = [name for name in rows.query.annotations if name.endswith("_html")]
    for obj in page.object_list:
        for name in marked:
            setattr(obj, name, highlight(getattr(obj, name)))
    return page


def site_search(*, text: str, only: str = "", page=1) -> SearchResults:
    """Matches for ``text``, best first: a first few of every type, or, for ``only``, one
    page of that type and only the counts of the others. Per type, one query ranks every
    match (its length is the count) and one reads the page's records, with their
    prefetches, however many results."""
    if not text:
        return SearchResults(text=text, only=only, sections=[])
    query = search_query(text)
    sections = []
    for kind in SEARCH_TYPES.values():
        pks = kind.rank(query, text)
        shown = only in ("", kind.key)
        size = PAGE_SIZE if only else PREVIEW_SIZE
        sections.append(
            SearchSection(
                key=kind.key,
                label=kind.label,
                count=len(pks),
                page=_highlighted_page(kind, query, pks, size, page if only else 1)
                if shown
                else None,
            )
        )
    return SearchResults(text=text, only=only, sections=sections)


@transaction.atomic
def search_vectors_rebuild() -> dict[str, int]:
    """Recompute every stored search vector; returns how many rows of each type."""
    return {
        "people": Researcher.objects.update_search_vector(),
        "papers": Publication.objects.update_search_vector(),
        "talks": Talk.objects.update_search_vector(),
    }
