"""Site search: PostgreSQL full-text search over people, papers and talks.

Researcher, Publication and Talk each store a weighted search vector (their querysets'
``update_search_vector()``, kept current by each app's signal handlers). This module
reads those vectors: ranked matches, highlighted snippets and counts per type.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from core.models import ArrayToString
from core.search import MAX_RANKED, highlight, in_language, marked, search_query, snippet
from events.models import Talk
from profiles.models import Researcher
from publications.models import Publication

PAGE_SIZE = 20
PREVIEW_SIZE = 5  # per type, when the search is not narrowed to one type


def most_recent(matches: QuerySet, *order: str) -> Q:
    """The first MAX_RANKED of ``matches`` in the list's own order, read along its index."""
    return Q(pk__in=matches.order_by(*order).values("pk")[:MAX_RANKED])


def find_people(query: SearchQuery, text: str) -> QuerySet:
    """Public members, and public people with a public paper: the people a visitor can
    look up, on their profile or in the publication list filtered by them."""
    has_public_paper = Exists(Publication.objects.public().for_researcher(OuterRef("pk")))
    return (
        Researcher.objects.public()
        .defer("search_vector")
        .filter(has_public_paper | Q(is_member=True))
        # The parser keeps 白志威 as one word, so part of it ("志威") needs a substring match;
        # only then, as it reads every row.
        .filter(
            Q(search_vector=query) | (Q() if text.isascii() else Q(native_name__icontains=text))
        )
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            name_html=marked("full_name", query, "simple"),
            native_name_html=marked("native_name", query, "simple"),
            variants_html=marked(ArrayToString("name_variants", Value(", ")), query, "simple"),
        )
        .order_by("-rank", "sort_order", "full_name", "pk")
    )


def find_papers(query: SearchQuery, text: str) -> QuerySet:
    matches = Publication.objects.public().filter(search_vector=query)
    return (
        Publication.objects.filter(most_recent(matches, "-year", "-date", "title", "pk"))
        .defer("search_vector")
        .with_authors()
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            title_html=marked("title", query, "english"),
            snippet_html=snippet("abstract", query),
        )
        .order_by("-rank", "-year", "title", "pk")
    )


def find_talks(query: SearchQuery, text: str) -> QuerySet:
    matches = Talk.objects.published().filter(search_vector=query)
    return (
        Talk.objects.filter(most_recent(matches, "-date", "pk"))
        .defer("search_vector")
        .with_people()
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            title_html=marked(in_language("title"), query, "english"),
            room_html=marked("room", query, "simple"),
            snippet_html=snippet(in_language("abstract"), query),
        )
        .order_by("-rank", "-date", "pk")
    )


@dataclass(frozen=True)
class SearchType:
    key: str
    label: str
    find: Callable[[SearchQuery, str], QuerySet]


SEARCH_TYPES = {
    kind.key: kind
    for kind in [
        SearchType("people", _("People"), find_people),
        SearchType("papers", _("Papers"), find_papers),
        SearchType("talks", _("Talks"), find_talks),
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


def _highlighted_page(paginator: Paginator, number) -> Page:
    """A page (a bad number gives the first or last) whose *_html annotations, headlines
    with markers, are made safe HTML."""
    page = paginator.get_page(number)
    page.object_list = list(page.object_list)
    marked = [name for name in paginator.object_list.query.annotations if name.endswith("_html")]
    for obj in page.object_list:
        for name in marked:
            setattr(obj, name, highlight(getattr(obj, name)))
    return page


def site_search(*, text: str, only: str = "", page=1) -> SearchResults:
    """Matches for ``text``, best first: a first few of every type, or, for ``only``, one
    page of that type and only the counts of the others. A count, a page and its
    prefetch per type, however many results."""
    if not text:
        return SearchResults(text=text, only=only, sections=[])
    query = search_query(text)
    sections = []
    for kind in SEARCH_TYPES.values():
        paginator = Paginator(kind.find(query, text), PAGE_SIZE if only else PREVIEW_SIZE)
        shown = only in ("", kind.key)
        sections.append(
            SearchSection(
                key=kind.key,
                label=kind.label,
                count=paginator.count,
                page=_highlighted_page(paginator, page if only else 1) if shown else None,
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
