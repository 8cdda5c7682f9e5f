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
from django.db.models import F, Prefetch, Q, QuerySet, Value, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from core.models import ArrayToString
from core.search import MAX_RANKED, highlight, in_language, marked, search_query, snippet
from events.models import Talk, TalkSpeaker
from profiles.models import Researcher
from publications.models import Authorship, Publication

PAGE_SIZE = 20
PREVIEW_SIZE = 5  # per type, when the search is not narrowed to one type


def people_matches(query: SearchQuery, text: str) -> QuerySet:
    """Public members, and public people with a public paper (their stored figures count
    them): the people a visitor can look up, on their profile or in the publication list
    filtered by them."""
    # The parser keeps 白志威 as one word, so part of it ("志威") needs a substring match;
    # only then, as it reads every row.
    native = Q() if text.isascii() else Q(native_name__icontains=text)
    return (
        Researcher.objects.public()
        .filter(Q(figures__papers__gt=0) | Q(is_member=True))
        .filter(Q(search_vector=query) | native)
    )


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


def paper_matches(query: SearchQuery, text: str) -> QuerySet:
    return Publication.objects.public().filter(search_vector=query)


# What a paper's result shows (publications/includes/_authors.html and _venue.html): not
# its stored fragments, BibTeX or vector, the largest columns of its row.
PAPER_FIELDS = (
    "slug", "title", "et_al", "venue_detail", "venue__name", "volume", "issue", "pages",
    "article_number", "year",
)  # fmt: skip
AUTHOR_FIELDS = (
    "publication", "position", "printed_name", "equal_contribution", "corresponding",
    "researcher__full_name", "researcher__slug", "researcher__is_member",
    "researcher__visibility",
)  # fmt: skip


def paper_rows(query: SearchQuery, pks: list[int]) -> QuerySet:
    authors = Authorship.objects.select_related("researcher").only(*AUTHOR_FIELDS)
    return (
        Publication.objects.public()
        .filter(pk__in=pks)
        .select_related("venue")
        .only(*PAPER_FIELDS)
        .prefetch_related(Prefetch("authorships", queryset=authors.order_by("position")))
        .order_by()
        .annotate(
            title_html=marked("title", query, "english"),
            snippet_html=snippet("abstract", query),
        )
    )


def talk_matches(query: SearchQuery, text: str) -> QuerySet:
    return Talk.objects.published().filter(search_vector=query)


def talk_rows(query: SearchQuery, pks: list[int]) -> QuerySet:
    # Bylines need names and links, not the speakers' search vectors or bios.
    speakers = TalkSpeaker.objects.select_related("researcher").defer(
        "researcher__search_vector", "researcher__bio"
    )
    return (
        Talk.objects.published()
        .filter(pk__in=pks)
        .defer("search_vector")
        .select_related("event", "event__parent")
        .prefetch_related(Prefetch("speaker_links", queryset=speakers.order_by("position")))
        .order_by()
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
    matches: Callable[[SearchQuery, str], QuerySet]
    order: tuple[str, ...]  # the list's own order, which breaks ties of rank
    capped: bool  # only the first MAX_RANKED matches in ``order`` ranked, read along its index
    rows: Callable[[SearchQuery, list[int]], QuerySet]  # the records of one page

    def ranking_sql(self, query: SearchQuery, text: str) -> tuple[str, tuple]:
        """SQL of one value: the pks of the matches ranked, best first (by rank, then in
        ``order``: the place a match has in it, so that ties sort by the database's
        collation as the lists do, without comparing titles again)."""
        rows = self.matches(query, text).annotate(
            rank=SearchRank(F("search_vector"), query),
            place=Window(RowNumber(), order_by=self.order),
        )
        rows = rows.order_by(*self.order)[:MAX_RANKED] if self.capped else rows.order_by()
        sql, params = rows.values("pk", "rank", "place").query.sql_with_params()
        return (
            f'SELECT array_agg("pk" ORDER BY "rank" DESC, "place") FROM ({sql}) AS matches',
            params,
        )

    def count_sql(self, query: SearchQuery, text: str) -> tuple[str, tuple]:
        """SQL of one value: how many matches the ranking would hold, without ranking:
        MAX_RANKED, if as many match, whatever their order."""
        rows = self.matches(query, text).order_by().values("pk")
        sql, params = (rows[:MAX_RANKED] if self.capped else rows).query.sql_with_params()
        return f"SELECT count(*) FROM ({sql}) AS matches", params


SEARCH_TYPES = {
    kind.key: kind
    for kind in [
        SearchType(
            key="people",
            label=_("People"),
            matches=people_matches,
            order=("sort_order", "full_name", "pk"),
            capped=False,
            rows=people_rows,
        ),
        SearchType(
            key="papers",
            label=_("Papers"),
            matches=paper_matches,
            order=("-year", "-date", "title", "pk"),
            capped=True,
            rows=paper_rows,
        ),
        SearchType(
            key="talks",
            label=_("Talks"),
            matches=talk_matches,
            order=("-date", "pk"),
            capped=True,
            rows=talk_rows,
        ),
    ]
}


def rankings(query: SearchQuery, text: str, only: str) -> dict[str, list[int] | int]:
    """In one query, per type: every match's pk, best first, for the types shown (all, or
    ``only``); for the others, only how many."""
    parts = [
        kind.ranking_sql(query, text) if only in ("", kind.key) else kind.count_sql(query, text)
        for kind in SEARCH_TYPES.values()
    ]
    sql = "SELECT " + ", ".join(f"({part})" for part, _ in parts)
    with connections[Publication.objects.db].cursor() as cursor:
        cursor.execute(sql, [param for _, params in parts for param in params])
        values = cursor.fetchone()
    return {
        key: value or [] if only in ("", key) else value
        for key, value in zip(SEARCH_TYPES, values, strict=True)
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
            if self.count >= MAX_RANKED and SEARCH_TYPES[self.key].capped
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
    page of that type and only the counts of the others. One query ranks every match of
    the types shown (the ranking's length is the count) and counts the others; per type
    shown, one reads the page's records, with their prefetches, however many results."""
    if not text:
        return SearchResults(text=text, only=only, sections=[])
    query = search_query(text)
    ranked = rankings(query, text, only)
    sections = []
    for kind in SEARCH_TYPES.values():
        pks = ranked[kind.key]
        shown = only in ("", kind.key)
        size = PAGE_SIZE if only else PREVIEW_SIZE
        sections.append(
            SearchSection(
                key=kind.key,
                label=kind.label,
                count=len(pks) if shown else pks,
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
