"""The expertise finder: public members ranked by how well their research interests, the
titles and abstracts of their public papers and of their published talks match a query,
with PostgreSQL's full-text ranking, each shown with what matched.

Papers and talks are read through their stored search vectors (scholarfolio.search),
filtered to the title (weight A) and abstract (weight C) parts: their venues and author
names (weight B) are not expertise, and a search for a name would otherwise rank everyone
who wrote with that person. Interests, a few short rows per member, are vectorised as they
are read. A member's score adds their interests' ranks (doubled: they are what the member
says they work on) and the ranks of their matching papers and talks, so that many papers
on a topic count for more than one.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.paginator import Page, Paginator
from django.db.models import F, Func, Sum, Value, Window
from django.db.models.functions import RowNumber

from core.search import (
    MAX_RANKED,
    START_SEL,
    highlight,
    in_language,
    marked,
    search_query,
    snippet,
)
from cv.models import ResearchInterest
from events.models import Talk, TalkSpeaker
from profiles.models import Researcher
from publications.models import Authorship, Publication

PAGE_SIZE = 10
INTEREST_WEIGHT = 2.0
PAPERS_SHOWN, TALKS_SHOWN = 3, 2


def prose(vector: str = "search_vector") -> Func:
    """A stored vector's title and abstract parts only."""
    return Func(F(vector), Value("{a,c}"), function="ts_filter", output_field=SearchVectorField())


def interest_vector(prefix: str = "") -> SearchVector:
    return SearchVector(f"{prefix}title", config="english", weight="A") + SearchVector(
        f"{prefix}description", config="english", weight="C"
    )


def matching_papers(query: SearchQuery):
    # The index finds the candidates (at most MAX_RANKED, the most recent); ts_filter then
    # keeps those whose title or abstract matches.
    candidates = Publication.objects.public().filter(search_vector=query)
    return (
        Publication.objects.filter(
            pk__in=candidates.order_by("-year", "-date", "pk").values("pk")[:MAX_RANKED]
        )
        .alias(prose_vector=prose())
        .filter(prose_vector=query)
    )


def matching_talks(query: SearchQuery):
    candidates = Talk.objects.published().filter(search_vector=query)
    return (
        Talk.objects.filter(pk__in=candidates.order_by("-date", "pk").values("pk")[:MAX_RANKED])
        .alias(prose_vector=prose())
        .filter(prose_vector=query)
    )


def matching_interests(query: SearchQuery, members):
    return (
        ResearchInterest.objects.public()
        .filter(researcher__in=members)
        .alias(vector=interest_vector())
        .filter(vector=query)
    )


def scores(query: SearchQuery, members) -> dict[int, float]:
    """Member pk -> score, for every public member anything of theirs matches: three
    grouped queries, whatever the number of members."""
    total: dict[int, float] = {}
    parts = [
        matching_interests(query, members)
        .values("researcher")
        .annotate(score=Sum(SearchRank(interest_vector(), query)) * INTEREST_WEIGHT),
        Authorship.objects.filter(
            researcher__in=members, publication__in=matching_papers(query).values("pk")
        )
        .values("researcher")
        .annotate(score=Sum(SearchRank(prose("publication__search_vector"), query))),
        TalkSpeaker.objects.filter(
            researcher__in=members, talk__in=matching_talks(query).values("pk")
        )
        .values("researcher")
        .annotate(score=Sum(SearchRank(prose("talk__search_vector"), query))),
    ]
    for rows in parts:
        for row in rows.order_by():
            total[row["researcher"]] = total.get(row["researcher"], 0.0) + float(row["score"])
    return total


@dataclass
class Expert:
    researcher: Researcher
    score: float
    interests: list = field(default_factory=list)  # (title, description) as highlighted HTML
    papers: list = field(default_factory=list)  # authorships, best first
    talks: list = field(default_factory=list)  # speaker links, best first


def top_per_person(rows, rank, shown: int, related: str):
    """The best ``shown`` of ``rows`` per researcher, by ``rank``, in two queries: a
    window picks them, then they are read by key with their headlines, the costly part,
    made for those alone (for every match of ten members, a common word took 0.2 s; in
    one query, PostgreSQL ran the matching's subqueries again for every row)."""
    best = (
        rows.annotate(
            rank=rank,
            place=Window(
                RowNumber(), partition_by=F("researcher"), order_by=[F("rank").desc(), F("pk")]
            ),
        )
        .filter(place__lte=shown)
        .values_list("pk", flat=True)
    )
    return (
        rows.model.objects.filter(pk__in=list(best))
        .select_related(related)
        .annotate(rank=rank)
        .order_by("researcher", "-rank", "pk")
    )


def explained(query: SearchQuery, page_people: list[Researcher], scored: dict) -> list[Expert]:
    """The page's members with what matched: five queries for the whole page."""
    experts = {p.pk: Expert(p, scored[p.pk]) for p in page_people}
    interests = (
        matching_interests(query, list(experts))
        .annotate(
            title_html=marked("title", query, "english"),
            description_html=snippet("description", query),
        )
        .order_by("researcher", "order", "pk")
    )
    for interest in interests:
        # The description says why only when the title did not match.
        description = "" if START_SEL in interest.title_html else interest.description_html
        experts[interest.researcher_id].interests.append(
            (highlight(interest.title_html), highlight(description))
        )
    papers = top_per_person(
        Authorship.objects.filter(
            researcher__in=list(experts), publication__in=matching_papers(query).values("pk")
        ),
        SearchRank(prose("publication__search_vector"), query),
        PAPERS_SHOWN,
        "publication",
    ).annotate(
        title_html=marked("publication__title", query, "english"),
        snippet_html=snippet("publication__abstract", query),
    )
    for authorship in papers.defer(
        "publication__search_vector", "publication__csl_json", "publication__bibtex"
    ):
        authorship.title_html = highlight(authorship.title_html)
        authorship.snippet_html = highlight(authorship.snippet_html)
        experts[authorship.researcher_id].papers.append(authorship)
    talks = top_per_person(
        TalkSpeaker.objects.filter(
            researcher__in=list(experts), talk__in=matching_talks(query).values("pk")
        ),
        SearchRank(prose("talk__search_vector"), query),
        TALKS_SHOWN,
        "talk",
    ).annotate(
        title_html=marked(in_language("talk__title"), query, "english"),
        snippet_html=snippet(in_language("talk__abstract"), query),
    )
    for link in talks.defer("talk__search_vector"):
        link.title_html = highlight(link.title_html)
        link.snippet_html = highlight(link.snippet_html)
        experts[link.researcher_id].talks.append(link)
    return [experts[p.pk] for p in page_people]


@dataclass(frozen=True)
class ExpertResults:
    text: str
    count: int
    page: Page | None


def find_experts(*, text: str, page=1) -> ExpertResults:
    """Members best matching ``text``, a page at a time (a bad page number gives the first
    or last); no text, no search."""
    if not text:
        return ExpertResults(text, 0, None)
    query = search_query(text)
    members = Researcher.objects.public_members()
    scored = scores(query, members.values("pk"))
    people = {
        p.pk: p
        for p in members.filter(pk__in=list(scored)).only(
            "slug", "full_name", "native_name", "headline", "sort_order"
        )
    }
    ranked = sorted(
        people, key=lambda pk: (-scored[pk], people[pk].sort_order, people[pk].full_name, pk)
    )
    shown = Paginator(ranked, PAGE_SIZE).get_page(page)
    shown.object_list = explained(query, [people[pk] for pk in shown.object_list], scored)
    return ExpertResults(text, len(ranked), shown)
