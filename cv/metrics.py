"""Figures computed from the site's own data, never typed in.

A researcher's figures are stored (``cv.models.ResearcherFigures``) and kept current by the
database triggers of cv's migration 0005, whoever writes; pages read them with
``stored_figures`` and ``members_with_paper_counts``. ``computed_figures`` is the same
definition in Python, which ``manage.py refresh_metrics --check`` and the tests compare the
stored rows with. A bulk load wraps itself in ``deferred_figures`` to refresh everyone once.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce

from cv.models import ResearcherFigures
from profiles.models import Researcher
from publications.models import CitationCount, Publication

# What a ResearcherFigures row holds besides its researcher, for comparing two of them.
FIGURES = [f.attname for f in ResearcherFigures._meta.concrete_fields if not f.primary_key]


def h_index(citations: Iterable[int]) -> int:
    """The largest h such that h papers have at least h citations each."""
    ranked = sorted(citations, reverse=True)
    return sum(1 for rank, count in enumerate(ranked, start=1) if count >= rank)


def i10_index(citations: Iterable[int]) -> int:
    return sum(1 for count in citations if count >= 10)


@dataclass(frozen=True)
class Coauthor:
    slug: str
    full_name: str
    is_member: bool
    shared: int


def public_papers(researcher: Researcher):
    return Publication.objects.public().for_researcher(researcher)


def computed_figures(researcher: Researcher) -> ResearcherFigures:
    """The figures afresh, unsaved, in five queries: what the triggers must have stored."""
    papers = public_papers(researcher)
    counts = list(papers.values_list("citation_count", flat=True))
    per_year = papers.values_list("year").annotate(n=Count("pk")).order_by("year")
    citations_per_year = [
        [year, n]
        for year, n in CitationCount.objects.filter(publication__in=papers)
        .values_list("year")
        .annotate(n=Sum("count"))
        .order_by("year")
    ]
    return ResearcherFigures(
        researcher=researcher,
        papers=len(counts),
        citations=sum(counts),
        h_index=h_index(counts),
        i10_index=i10_index(counts),
        coauthor_count=coauthor_queryset(researcher).count(),
        papers_per_year=[[year, n] for year, n in per_year],
        citations_per_year=citations_per_year,
        citations_known=any(counts) or bool(citations_per_year),
    )


def stored_figures(researcher: Researcher) -> ResearcherFigures:
    """The stored row (no query after ``select_related("figures")``), or zeros for a
    researcher who never had a public paper."""
    try:
        return researcher.figures
    except ResearcherFigures.DoesNotExist:
        return ResearcherFigures(researcher=researcher)


def coauthor_queryset(researcher: Researcher):
    """Public researchers sharing a public paper with ``researcher``."""
    return (
        Researcher.objects.public()
        .exclude(pk=researcher.pk)
        .filter(authorships__publication__in=public_papers(researcher))
        .distinct()
    )


def coauthors(researcher: Researcher) -> list[Coauthor]:
    """Co-authors with the number of public papers shared, most shared first, in one query
    over this researcher's papers alone: what the list shows (a name, linked for a member)
    as plain rows, since a 300-paper profile has hundreds of them."""
    rows = (
        Researcher.objects.public()
        .exclude(pk=researcher.pk)
        .filter(authorships__publication__in=public_papers(researcher))
        .values_list("slug", "full_name", "is_member")
        .annotate(shared=Count("authorships__publication", distinct=True))
        .order_by("-shared", "family_name", "given_name", "pk")
    )
    return [Coauthor(*row) for row in rows]


def refresh_all() -> list[int]:
    """Recompute every researcher's stored figures; returns the ids of those whose figures
    changed (a researcher without a row counts as all zeros)."""
    before = figures_by_researcher()
    with connection.cursor() as cursor:
        cursor.execute("SELECT cv_refresh_figures(ARRAY(SELECT id FROM profiles_researcher))")
    zeros = figures_values(ResearcherFigures())
    return sorted(pk for pk, row in figures_by_researcher().items() if before.get(pk, zeros) != row)


def figures_values(figures: ResearcherFigures) -> tuple:
    return tuple(getattr(figures, name) for name in FIGURES)


def figures_by_researcher() -> dict[int, tuple]:
    rows = ResearcherFigures.objects.values_list("researcher_id", *FIGURES)
    return {pk: tuple(values) for pk, *values in rows}


@contextmanager
def deferred_figures():
    """For a bulk load: inside the block the triggers leave the figures alone, and at its
    end everyone's are refreshed once, in the same transaction. A refresh per statement
    would redo the same people batch after batch, planned with statistics the load has
    just made wrong (gendata took four times as long)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('cv.defer_figures', 'on', true)")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('cv.defer_figures', 'off', true)")
        refresh_all()


def stale_figures() -> list[tuple[Researcher, list[str]]]:
    """Every researcher whose stored figures differ from a fresh computation, with the
    fields that differ; none unless something wrote past the triggers."""
    stale = []
    for researcher in Researcher.objects.select_related("figures").defer("search_vector"):
        stored, fresh = stored_figures(researcher), computed_figures(researcher)
        wrong = [name for name in FIGURES if getattr(stored, name) != getattr(fresh, name)]
        if wrong:
            stale.append((researcher, wrong))
    return stale


def members_with_paper_counts():
    """Public members for lists and cards, each with ``paper_count``: their stored number
    of public papers (one join, whatever the number of papers)."""
    return (
        Researcher.objects.public_members()
        .defer("search_vector", "bio")
        .annotate(paper_count=Coalesce(F("figures__papers"), 0))
    )
