"""The collaborators table of NSF's Collaborators and Other Affiliations (COA) form for one
member, as .xlsx and .csv: Table 3 (graduate advisors "G:" and advisees "T:", from the
site's education entries, whose advisors are researchers) and Table 4 (co-authors "A:" of
papers from the last 48 months), each person as "Last, First" with their organizational
affiliation and the year they were last active, sorted as the form sorts: by type, then
by name.

Only public papers, public people and public entries count. A person's affiliation is the
organization of their current public position (the latest one if none is current), or
empty when the site knows none: co-authors who appear only by name have no positions.
The site has no collaborators other than co-authors (NSF's "C:") nor editorial boards
(Table 5), so neither is listed.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Max, Q, When
from django.db.models.functions import Coalesce, ExtractYear, Greatest
from django.http import Http404, HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from profiles.models import Education, Position, Researcher
from publications.models import Authorship, Publication

WINDOW_MONTHS = 48
# The form's order of types: Table 3's advisors and advisees, then Table 4's co-authors.
TYPES = {"G:": (3, "Graduate advisor"), "T:": (3, "Thesis advisee"), "A:": (4, "Co-author")}
HEADER = ["Table", "Type", "Name", "Organizational affiliation", "Last active", "Relationship"]
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Collaborator:
    kind: str  # a key of TYPES
    name: str  # Last, First
    affiliation: str
    last_active: int | None  # a year

    @property
    def row(self) -> list:
        table, relationship = TYPES[self.kind]
        return [table, self.kind, self.name, self.affiliation, self.last_active or "", relationship]


def last_first(person: Researcher) -> str:
    """'Bai, Zhiwei': the stored given and family names, else the full name split at its
    last word (how the site's importer splits a printed name)."""
    family, given = person.family_name, person.given_name
    if not family:
        *first, family = person.full_name.split() or [""]
        given = given or " ".join(first)
    return f"{family}, {given}" if given else family


def window_start(today: datetime.date) -> datetime.date:
    """The first day of the 48 months that end ``today``."""
    months = today.year * 12 + today.month - 1 - WINDOW_MONTHS
    day = min(today.day, 28)  # every month has a 28th
    return datetime.date(months // 12, months % 12 + 1, day)


def recent_papers(researcher: Researcher, since: datetime.date):
    """Their public papers of the window: dated (published or on arXiv) since ``since``,
    or, known only by year, from that year on."""
    undated = Q(date=None, arxiv_date=None)
    return (
        Publication.objects.public()
        .for_researcher(researcher)
        .filter(Q(date__gte=since) | Q(arxiv_date__gte=since) | (undated & Q(year__gte=since.year)))
    )


def affiliations(pks) -> dict[int, str]:
    """researcher pk -> the organization of their current public position, else of their
    latest one (internships last: they are not where someone is)."""
    positions = (
        Position.objects.public()
        .filter(researcher__in=pks)
        .select_related("organization__parent")
        .annotate(
            internship=Case(
                When(kind=Position.Kind.INTERNSHIP, then=1), default=0, output_field=IntegerField()
            )
        )
        .order_by(
            "researcher",
            "internship",
            F("end_date").desc(nulls_first=True),
            F("start_date").desc(nulls_last=True),
            # Undated positions tie: the first the profile lists, not the table's whim.
            "order",
            "pk",
        )
    )
    found: dict[int, str] = {}
    for position in positions:
        found.setdefault(position.researcher_id, str(position.organization))
    return found


def collaborators(researcher: Researcher, today: datetime.date | None = None) -> list:
    """Everyone of the two tables for ``researcher``, in the form's order, in six queries."""
    since = window_start(today or datetime.date.today())
    people = Researcher.objects.public()
    coauthors = (
        Authorship.objects.filter(
            publication__in=recent_papers(researcher, since), researcher__in=people
        )
        .exclude(researcher=researcher)
        .values("researcher")
        .annotate(
            last=Max(
                Coalesce(
                    ExtractYear(Greatest("publication__date", "publication__arxiv_date")),
                    "publication__year",
                    output_field=IntegerField(),
                )
            )
        )
        .order_by()
    )
    last_active = {row["researcher"]: row["last"] for row in coauthors}
    education = Education.objects.public()
    # Advisors of the member's own education, and members whose education they advised;
    # the last year of the degree is when the two last worked together as such.
    advised = (
        education.filter(researcher=researcher)
        .filter(advisors__in=people)
        .values_list("advisors", ExtractYear("end_date"))
    )
    advisees = (
        education.filter(advisors=researcher, researcher__in=people)
        .exclude(researcher=researcher)
        .values_list("researcher", ExtractYear("end_date"))
    )
    related = [("G:", pk, year) for pk, year in advised]
    related += [("T:", pk, year) for pk, year in advisees]
    related += [("A:", pk, year) for pk, year in last_active.items()]
    pks = {pk for _, pk, _ in related}
    names = {
        p.pk: last_first(p)
        for p in Researcher.objects.filter(pk__in=pks).only(
            "full_name", "given_name", "family_name"
        )
    }
    places = affiliations(pks)
    rows: dict[tuple[str, int], Collaborator] = {}
    for kind, pk, year in related:
        seen = rows.get((kind, pk))
        # Two degrees with one advisor: the later year.
        year = max(filter(None, (year, seen and seen.last_active)), default=None)
        rows[kind, pk] = Collaborator(kind, names[pk], places.get(pk, ""), year)
    order = list(TYPES)
    return sorted(
        rows.values(), key=lambda row: (order.index(row.kind), row.name.casefold(), row.name)
    )


def as_csv(rows: list[Collaborator]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(safe_cells(row.row) for row in rows)
    # With a byte-order mark, as Excel needs to read UTF-8 (Chinese and accented names).
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[Collaborator], researcher: Researcher) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Collaborators"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_cells(row.row))
    for column, width in zip("ABCDEF", (7, 6, 32, 48, 11, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    book.properties.title = f"Collaborators of {researcher.full_name}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def safe_cells(cells: list) -> list:
    """Text that a spreadsheet would run as a formula (=, +, -, @ first) kept as text."""
    return [
        f"'{cell}" if isinstance(cell, str) and cell and cell[0] in "=+-@\t\r" else cell
        for cell in cells
    ]


def collaborators_file(researcher: Researcher, fmt: str) -> HttpResponse:
    """The table as a download, for the public page and the admin alike."""
    if fmt not in FORMATS:
        raise Http404(f"There is no collaborators table as .{fmt}.")
    rows = collaborators(researcher)
    content = as_csv(rows) if fmt == "csv" else as_xlsx(rows, researcher)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{researcher.slug}-collaborators.{fmt}"'
    )
    return response
