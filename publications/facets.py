"""The publication list's filter counts: how each counts (shared by the live counts of a
filtered list, publications.filters) and the stored counts of the unfiltered list.

Counting the whole table on each view of /publications/ took most of its time; the counts
only change with a paper, an authorship, a venue or a researcher, so ``recount`` redoes
those that such a change touches, in its transaction, and ``recount_all`` redoes every one
(after bulk writes: ``manage.py render_publications``). A recount counts again rather than
adding one, and takes a transaction-long lock first, so that two edits at once cannot each
miss the other's paper.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count

from profiles.models import Researcher
from publications.models import Authorship, FacetCount, Publication

Facet = FacetCount.Facet
CHOICES = {Facet.KIND: Publication.Kind, Facet.STATUS: Publication.Status}
# pg_advisory_xact_lock's key for recounts: any number no other lock of the site uses.
LOCK = 7_170_001


@dataclass(frozen=True)
class Row:
    """One filter value and how many papers it gives."""

    key: str
    value: str
    label: str
    sort_name: str
    count: int


def year_counts(papers, years: Iterable[int] | None = None) -> list[Row]:
    """Newest year first."""
    if years is not None:
        papers = papers.filter(year__in=list(years))
    rows = papers.order_by("-year").values("year").annotate(count=Count("pk"))
    return [Row(str(r["year"]), str(r["year"]), str(r["year"]), "", r["count"]) for r in rows]


def choice_counts(papers, name: str, keys: Iterable[str] | None = None) -> list[Row]:
    """A type or status, in the order of its choices."""
    if keys is not None:
        papers = papers.filter(**{f"{name}__in": list(keys)})
    counts = dict(papers.order_by().values_list(name).annotate(count=Count("pk")))
    return [
        Row(value, value, label, "", counts[value])
        for value, label in CHOICES[name].choices
        if value in counts
    ]


def author_counts(papers, researchers: Iterable[int] | None = None) -> list[Row]:
    """Members only, a twenty-author paper would otherwise flood the list with co-authors;
    most papers first."""
    people = Researcher.objects.public_members()
    if researchers is not None:
        people = people.filter(pk__in=list(researchers))
    rows = (
        Authorship.objects.filter(publication__in=papers.order_by(), researcher__in=people)
        .values("researcher", "researcher__slug", "researcher__full_name")
        .annotate(count=Count("publication"))
        .order_by("-count", "researcher__full_name")
    )
    return [
        Row(
            str(r["researcher"]),
            r["researcher__slug"],
            r["researcher__full_name"],
            r["researcher__full_name"],
            r["count"],
        )
        for r in rows
    ]


def venue_counts(papers, venues: Iterable[int] | None = None) -> list[Row]:
    """Most papers first, by the short name where there is one."""
    papers = papers.exclude(venue=None)
    if venues is not None:
        papers = papers.filter(venue__in=list(venues))
    rows = (
        papers.values("venue", "venue__slug", "venue__short_name", "venue__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "venue__name")
    )
    return [
        Row(
            str(r["venue"]),
            r["venue__slug"],
            r["venue__short_name"] or r["venue__name"],
            r["venue__name"],
            r["count"],
        )
        for r in rows
    ]


def counts(papers, facet: str, keys: Iterable | None = None) -> list[Row]:
    """``facet``'s rows over ``papers``; only those of ``keys`` if given."""
    if facet == Facet.YEAR:
        return year_counts(papers, keys)
    if facet in CHOICES:
        return choice_counts(papers, facet, keys)
    if facet == Facet.AUTHOR:
        return author_counts(papers, keys)
    return venue_counts(papers, keys)


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def _store(facet: str, rows: list[Row], keys: set[str] | None = None) -> None:
    """Writes ``rows`` of ``facet`` and drops its stored rows of ``keys`` (all if None) that
    are not among them. In SQL, past the signals, as the renders: what the counts show
    changes with the papers whose change they follow."""
    FacetCount.objects.bulk_create(
        [
            FacetCount(
                facet=facet,
                key=row.key,
                value=row.value,
                label=row.label,
                sort_name=row.sort_name,
                count=row.count,
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["facet", "key"],
        update_fields=["value", "label", "sort_name", "count"],
    )
    table = connection.ops.quote_name(FacetCount._meta.db_table)
    kept = [row.key for row in rows]
    with connection.cursor() as cursor:
        if keys is None:
            cursor.execute(
                f"DELETE FROM {table} WHERE facet = %s AND NOT key = ANY(%s)", [facet, kept]
            )
        elif gone := sorted(keys - set(kept)):
            cursor.execute(f"DELETE FROM {table} WHERE facet = %s AND key = ANY(%s)", [facet, gone])


@transaction.atomic
def recount(**keys: Iterable) -> None:
    """Counts again the stored rows of the values named, by facet: ``year=[2024]``,
    ``kind``, ``status``, ``venue`` (venue pks), ``author`` (researcher pks). A value that
    gives no paper any more loses its row."""
    wanted = {
        facet: {str(key) for key in values if key is not None} for facet, values in keys.items()
    }
    wanted = {facet: values for facet, values in wanted.items() if values}
    if not wanted:
        return
    _lock()
    papers = Publication.objects.public()
    for facet, values in wanted.items():
        _store(facet, counts(papers, facet, values), values)


@transaction.atomic
def recount_all() -> int:
    """Every stored count afresh; returns how many rows."""
    _lock()
    papers = Publication.objects.public()
    total = 0
    for facet in Facet.values:
        rows = counts(papers, facet)
        _store(facet, rows)
        total += len(rows)
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(FacetCount._meta.db_table)
        cursor.execute(f"DELETE FROM {table} WHERE NOT facet = ANY(%s)", [Facet.values])
    return total


def stored() -> dict[str, list[Row]]:
    """Facet -> its stored rows in the order the live counts give them; one query."""
    result: dict[str, list[Row]] = {facet: [] for facet in Facet.values}
    rows = FacetCount.objects.order_by("-count", "sort_name").values_list(
        "facet", "key", "value", "label", "sort_name", "count"
    )
    for facet, *fields in rows:
        result[facet].append(Row(*fields))
    result[Facet.YEAR].sort(key=lambda row: -int(row.key))
    for facet, choices in CHOICES.items():
        # Labels as the code names the choices now, in their order.
        labels = dict(choices.choices)
        result[facet] = [
            Row(row.key, row.value, labels[row.key], "", row.count)
            for value in choices.values
            for row in result[facet]
            if row.key == value
        ]
    return result
