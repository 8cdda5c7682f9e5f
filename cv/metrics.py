"""Figures computed from the site's own data, never typed in."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from core.models import Visibility
from profiles.models import Researcher
from publications.models import CitationCount, Publication


def h_index(citations: Iterable[int]) -> int:
    """The largest h such that h papers have at least h citations each."""
    ranked = sorted(citations, reverse=True)
    return sum(1 for rank, count in enumerate(ranked, start=1) if count >= rank)


def i10_index(citations: Iterable[int]) -> int:
    return sum(1 for count in citations if count >= 10)


@dataclass
class Coauthor:
    researcher: Researcher
    shared: int


@dataclass
class ResearcherMetrics:
    papers: int
    citations: int
    h_index: int
    i10_index: int
    coauthors: list[Coauthor] = field(default_factory=list)
    papers_per_year: list[tuple[int, int]] = field(default_factory=list)
    citations_per_year: list[tuple[int, int]] = field(default_factory=list)

    @property
    def coauthor_count(self) -> int:
        return len(self.coauthors)


def researcher_metrics(*, researcher: Researcher) -> ResearcherMetrics:
    """Metrics over the researcher's public papers, in a fixed number of queries."""
    papers = Publication.objects.public().for_researcher(researcher)
    counts = list(papers.values_list("citation_count", flat=True))
    per_year = papers.values_list("year").annotate(n=Count("pk")).order_by("year")
    citations_per_year = (
        CitationCount.objects.filter(publication__in=papers)
        .values_list("year")
        .annotate(n=Sum("count"))
        .order_by("year")
    )
    coauthors = (
        Researcher.objects.public()
        .exclude(pk=researcher.pk)
        .filter(authorships__publication__in=papers)
        .annotate(shared=Count("authorships__publication", distinct=True))
        .order_by("-shared", "family_name", "given_name")
    )
    return ResearcherMetrics(
        papers=len(counts),
        citations=sum(counts),
        h_index=h_index(counts),
        i10_index=i10_index(counts),
        coauthors=[Coauthor(researcher=c, shared=c.shared) for c in coauthors],
        papers_per_year=list(per_year),
        citations_per_year=list(citations_per_year),
    )


def members_with_paper_counts():
    return Researcher.objects.public_members().annotate(
        paper_count=Count(
            "authorships__publication",
            filter=Q(authorships__publication__visibility=Visibility.PUBLIC),
            distinct=True,
        )
    )
