"""A researcher's CV into the database: the profile's own fields, positions, education,
awards, service, teaching, interests, projects and free sections, and papers, in one
transaction under the import lock.

The readers (cv/profile_formats.py for JSON Resume, al-folio's cv.yml and RenderCV;
cv/hugo.py for a Hugo Blox author) turn a file into a ``Profile``: plain values, each item
naming where it stands in the file, and warnings for the fields they could not use. This
module writes it.

Repeatable, as the ORCID import is: an item is the same when the researcher's item of that
kind has the same title (or role, or course) at the same organization starting on the same
date, compared without case. A matched item only has its empty fields filled ("updated");
what an editor typed is never replaced, so importing the same file twice changes nothing.
The researcher's own fields are filled the same way. Papers go through the BibTeX importer.
A dry run is the same import rolled back; ``strict`` refuses the whole file when any field
or item was dropped.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from core.changes import one_content_change
from core.models import MONTH_NUMBERS, DatePrecision
from core.validators import MAX_YEAR, MIN_YEAR
from cv.models import Award, ResearchInterest, Service
from cv.orcid_import import (
    AWARD_KINDS,
    DEGREES,
    ORGANIZATION_KINDS,
    POSITION_KINDS,
    SERVICE_KINDS,
    guess,
)
from profiles.models import (
    Education,
    Organization,
    Position,
    ProfileSection,
    Project,
    ProjectMember,
    Researcher,
    Teaching,
)
from profiles.names import fold, matches
from publications.importer import Importer, Report, import_lock
from publications.records import NO_DEADLINE, Deadline, ImportProblem, ParsedWork

KINDS = (
    "profile",
    "positions",
    "education",
    "awards",
    "services",
    "teaching",
    "interests",
    "projects",
    "sections",
)
COARSER = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR]
ONGOING = {"present", "now", "current", "today", "ongoing", "till now", "to date", "-"}
RANGE_SPLIT = re.compile(r"\s+(?:-|–|—|to)\s+|\s*[–—]\s*|(?<=\d)-(?=\d{4}\b|now|present)", re.I)
ROLES = [
    (r"\bpost-?doc", Researcher.Role.POSTDOC),
    (r"\bph\.?\s?d\.? (student|candidate)|doctoral (student|candidate)", Researcher.Role.PHD),
    (r"\bmaster'?s? student", Researcher.Role.MASTERS),
    (r"\bundergrad", Researcher.Role.UNDERGRAD),
    (r"professor|lecturer|faculty|scientist|researcher|fellow", Researcher.Role.FACULTY),
]
TEACHING_ROLES = [
    (r"\bteaching assistant\b|\bT\.?A\.?\b|tutor", Teaching.Role.TA),
    (r"\bguest\b", Teaching.Role.LECTURER),
    (r"\bgrader\b", Teaching.Role.GRADER),
]
TERMS = [
    (r"\bspring\b", Teaching.Term.SPRING),
    (r"\bsummer\b", Teaching.Term.SUMMER),
    (r"\bfall\b|\bautumn\b", Teaching.Term.FALL),
    (r"\bwinter\b", Teaching.Term.WINTER),
]


# --- What a reader gives ------------------------------------------------------------


@dataclass(frozen=True)
class When:
    date: datetime.date
    precision: str


@dataclass
class Org:
    name: str
    city: str = ""
    country: str = ""
    url: str = ""


@dataclass
class Item:
    """One entry of a section: ``kind`` one of KINDS[1:], ``where`` its place in the file
    (``work[2]``) for messages, ``values`` what the writer of that kind takes."""

    kind: str
    where: str
    values: dict


@dataclass
class Profile:
    format: str
    basics: dict = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    papers: list[ParsedWork] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}")

    def add(self, section: str, where: str, /, **values) -> None:
        self.items.append(Item(section, where, values))

    def section(self, title: str, where: str, lines: list[str], **values) -> None:
        """A free section; lines for one title from several places end up in one."""
        lines = [line for line in lines if line.strip()]
        if not lines:
            return
        for item in self.items:
            if item.kind == "sections" and item.values["title"].lower() == title.lower():
                item.values["body"] += "\n" + "\n".join(lines)
                return
        self.add("sections", where, title=title, body="\n".join(lines), **values)


# --- Dates --------------------------------------------------------------------------


def partial_date(value, where: str, warnings: list[str]) -> When | None:
    """2021, '2021-09', '2021.09', 'Sep 2021', '2021-09-01' (or a YAML/TOML date) -> When.
    A padded '2021-01-01' is read as the year and '2021-09-01' as the month, as CV tools
    pad year-only and month-only dates so; an impossible day (2023-02-30) keeps the month,
    with a warning. Anything else that is not a date is dropped with a warning."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return _checked(padded(value), where, warnings)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        warnings.append(f"{where}: {value!r} is not a date; dropped")
        return None
    text = str(value).strip()
    if text.lower() in ONGOING:
        return None
    if m := re.fullmatch(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[T ][\d:.+\-Z]*)?", text):
        year, month, day = (int(g) for g in m.groups())
        if not 1 <= month <= 12:
            warnings.append(f"{where}: {text} has no month {month}; kept as the year {year}")
            return _checked(When(datetime.date(year, 1, 1), DatePrecision.YEAR), where, warnings)
        try:
            return _checked(padded(datetime.date(year, month, day)), where, warnings)
        except ValueError:
            warnings.append(
                f"{where}: {text} is not a date (the month has no day {day}); kept as the month"
            )
            return _checked(
                When(datetime.date(year, month, 1), DatePrecision.MONTH), where, warnings
            )
    if m := re.fullmatch(r"(\d{4})[-./](\d{1,2})", text) or re.fullmatch(
        r"(\d{1,2})[/.](\d{4})", text
    ):
        first, second = m.groups()
        year, month = (int(first), int(second)) if len(first) == 4 else (int(second), int(first))
        if not 1 <= month <= 12:
            warnings.append(f"{where}: {text} has no month {month}; kept as the year {year}")
            return _checked(When(datetime.date(year, 1, 1), DatePrecision.YEAR), where, warnings)
        return _checked(When(datetime.date(year, month, 1), DatePrecision.MONTH), where, warnings)
    if re.fullmatch(r"\d{4}", text):
        return _checked(When(datetime.date(int(text), 1, 1), DatePrecision.YEAR), where, warnings)
    words = re.findall(r"[A-Za-z]+|\d+", text)
    months = [MONTH_NUMBERS[w.lower()] for w in words if w.lower() in MONTH_NUMBERS]
    years = [int(w) for w in words if len(w) == 4 and w.isdigit()]
    if len(years) == 1 and len(months) == 1:
        days = [int(w) for w in words if w.isdigit() and len(w) <= 2]
        if len(days) == 1:
            try:
                day = datetime.date(years[0], months[0], days[0])
                return _checked(When(day, DatePrecision.DAY), where, warnings)
            except ValueError:
                pass
        month = datetime.date(years[0], months[0], 1)
        return _checked(When(month, DatePrecision.MONTH), where, warnings)
    if len(years) == 1 and not months and re.fullmatch(r"\D*\d{4}\D*", text):
        # "Fall 2020", "Summer 2019": the year, the season is the teaching term's.
        return _checked(When(datetime.date(years[0], 1, 1), DatePrecision.YEAR), where, warnings)
    warnings.append(f"{where}: “{text}” is not a date; dropped")
    return None


def padded(day: datetime.date) -> When:
    if day.month == 1 and day.day == 1:
        return When(day, DatePrecision.YEAR)
    if day.day == 1:
        return When(day, DatePrecision.MONTH)
    return When(day, DatePrecision.DAY)


def _checked(when: When, where: str, warnings: list[str]) -> When | None:
    # Positions and education may start before MIN_YEAR (a CV of Einstein's does); awards
    # and teaching, whose years the models bound, check their own.
    if when.date.year > MAX_YEAR:
        warnings.append(f"{where}: the year {when.date.year} is after {MAX_YEAR}; dropped")
        return None
    return when


def period(value, where: str, warnings: list[str]) -> tuple[When | None, When | None]:
    """'1933 - 1955', '1917-1933', '2023-now', 'Sep 2019 to Jun 2021', 1905 -> start, end.
    A single date is both (a one-year appointment, a degree's year)."""
    parts = RANGE_SPLIT.split(value.strip(), maxsplit=1) if isinstance(value, str) else []
    if len(parts) == 2:
        return partial_date(parts[0], where, warnings), partial_date(parts[1], where, warnings)
    when = partial_date(value, where, warnings)
    return when, when


def dates(start: When | None, end: When | None) -> dict:
    """DateRangeMixin's values: the dates, and the coarser precision for both, so that no
    date claims more than the file knows."""
    known = [d for d in (start, end) if d]
    return {
        "start_date": start.date if start else None,
        "end_date": end.date if end else None,
        "date_precision": max(
            (d.precision for d in known), key=COARSER.index, default=DatePrecision.YEAR
        ),
    }


def bullets(lines) -> list[str]:
    """Strings (or al-folio's {title, contents} groups) as Markdown list lines."""
    out = []
    for line in lines or []:
        if isinstance(line, dict):
            out.append(f"- {text(line.get('title'))}")
            out.extend(
                f"  - {text(sub)}" for sub in line.get("contents") or line.get("items") or []
            )
        elif text(line):
            out.append(f"- {text(line)}")
    return out


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(text(v) for v in value if text(v))
    return str(value).strip()


def organization_parts(value: str, location: str = "") -> Org:
    """'University of Zurich, Zurich, Switzerland' -> the name, city and country; two parts
    stay one name ('Institute for Advanced Study, Princeton University')."""
    parts = [p.strip() for p in text(value).rstrip(".").split(",") if p.strip()]
    if len(parts) >= 3:
        return Org(parts[0], city=", ".join(parts[1:-1]), country=parts[-1])
    place = [p.strip() for p in text(location).split(",") if p.strip()]
    return Org(
        ", ".join(parts),
        city=", ".join(place[:-1]) if len(place) > 1 else (place[0] if place else ""),
        country=place[-1] if len(place) > 1 else "",
    )


# --- The report ---------------------------------------------------------------------


@dataclass
class ProfileReport:
    researcher: str = ""
    researcher_pk: int | None = None
    new_researcher: bool = False
    format: str = ""
    created: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    updated: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    unchanged: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_organizations: list[str] = field(default_factory=list)
    new_people: list[str] = field(default_factory=list)
    papers: Report = field(default_factory=Report)
    dry_run: bool = False

    def count(self, outcome: str) -> int:
        return sum(len(items) for items in getattr(self, outcome).values())

    def summary(self) -> str:
        def counts(outcome: str) -> str:
            items = getattr(self, outcome)
            listed = ", ".join(f"{len(items[k])} {k}" for k in KINDS if items[k])
            return f"{self.count(outcome)}" + (f" ({listed})" if listed else "")

        verb = "would be" if self.dry_run else "were"
        who = "new" if self.new_researcher else "existing"
        papers = self.papers.summary() if self.papers.entries or self.papers.skipped else ""
        return " ".join(
            filter(
                None,
                [
                    f"{self.researcher} ({who} researcher), from {self.format}:",
                    f"entries {verb} created {counts('created')}, updated {counts('updated')},",
                    f"unchanged {counts('unchanged')}; {len(self.skipped)} skipped,",
                    f"{len(self.warnings)} warnings; {len(self.new_organizations)} new",
                    f"organizations, {len(self.new_people)} new people.",
                    papers,
                ],
            )
        )


# --- The writer ---------------------------------------------------------------------


def import_profile(
    profile: Profile,
    *,
    researcher: Researcher | None = None,
    dry_run: bool = False,
    strict: bool = False,
    overwrite: bool = False,
    wait=None,
    deadline: Deadline = NO_DEADLINE,
    papers_source: str = "profile",
    skipped_papers=(),
) -> ProfileReport:
    """ImportProblem when the file names no one to import for, and (``strict``) when any
    field or entry was dropped; ``wait`` and ImportBusy as for ``import_lock``."""
    if strict and profile.warnings:
        raise ImportProblem(profile.warnings)
    with transaction.atomic():
        import_lock(wait)
        with one_content_change():
            writer = ProfileWriter(profile, researcher)
            writer.write_all()
        report = writer.report
        if strict and report.skipped:
            raise ImportProblem(report.skipped)
        owner = writer.researcher
        entries = [
            work if work.authors else _with_authors(work, [owner.full_name])
            for work in profile.papers
        ]
        if entries or skipped_papers:
            importer = Importer(owner, overwrite=overwrite, source=papers_source, strict=strict)
            report.papers = importer.run(
                entries, dry_run=dry_run, deadline=deadline, skipped=list(skipped_papers)
            )
            if strict and report.papers.skipped:
                raise ImportProblem(report.papers.skipped)
        report.dry_run = report.papers.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
    return report


def _with_authors(work: ParsedWork, authors: list[str]) -> ParsedWork:
    work.authors = authors
    return work


class ProfileWriter:
    def __init__(self, profile: Profile, researcher: Researcher | None):
        self.profile = profile
        self.report = ProfileReport(format=profile.format, warnings=list(profile.warnings))
        self.researcher = self.choose(researcher)
        self.report.researcher = self.researcher.full_name
        self.report.researcher_pk = self.researcher.pk
        self.people = None
        self.orders = {}

    # The researcher

    def choose(self, given: Researcher | None) -> Researcher:
        """The one given, else the one with the file's ORCID iD or e-mail address, else the
        only person with the file's name (a member first), else a new member."""
        basics = self.profile.basics
        name = basics.get("full_name", "")
        # A copy of the one given: a dry run leaves the caller's instance as it was.
        person = Researcher.objects.get(pk=given.pk) if given is not None else self.find(basics)
        if person is None:
            if not name:
                raise ImportProblem(
                    [f"The {self.profile.format} file names no one; choose the researcher."]
                )
            parts = name.rsplit(" ", 1)
            person = Researcher(
                full_name=name[:200],
                given_name=basics.get("given_name") or (parts[0] if len(parts) == 2 else ""),
                family_name=basics.get("family_name") or parts[-1],
                is_member=True,
            )
            self.fill(person, basics, new=True)
            self.store(person, "the researcher", "basics")
            self.report.new_researcher = True
            self.report.created["profile"].append(person.full_name)
            return person
        changed = self.fill(person, basics)
        if not person.is_member:
            person.is_member = True
            changed.append("member")
        if changed:
            self.store(person, "the researcher", "basics")
            self.report.updated["profile"].append(f"{person.full_name}: {', '.join(changed)}")
        else:
            self.report.unchanged["profile"].append(person.full_name)
        return person

    def find(self, basics: dict) -> Researcher | None:
        for name in ("orcid", "email"):
            if basics.get(name):
                found = Researcher.objects.filter(**{f"{name}__iexact": basics[name]}).first()
                if found is not None:
                    return found
        name = basics.get("full_name", "")
        if not name:
            return None
        exact = fold(" ".join(name.split()))
        people = [
            person
            for person in Researcher.objects.only("id", "full_name", "name_variants", "is_member")
            if any(
                fold(" ".join(n.split())) == exact
                for n in [person.full_name, *person.name_variants]
            )
        ]
        members = [person for person in people if person.is_member]
        if len(members) == 1 or (not members and len(people) == 1):
            return Researcher.objects.get(pk=(members or people)[0].pk)
        if len(people) > 1:
            raise ImportProblem(
                [
                    f"{len(people)} researchers are named {name} "
                    f"({', '.join(sorted(p.slug for p in people))}); choose one with "
                    "--researcher (or the researcher field)."
                ]
            )
        return None

    def fill(self, person: Researcher, basics: dict, new: bool = False) -> list[str]:
        """The file's values for the fields that are empty; a different stored value is
        kept, with a warning."""
        changed = []
        for name in (
            "headline",
            "email",
            "bio",
            "homepage",
            "office",
            "orcid",
            "github",
            "google_scholar_id",
            "native_name",
        ):
            value = basics.get(name, "")
            if not value:
                continue
            if name == "homepage" and not re.match(r"https?://", value):
                value = "https://" + value.lstrip("/")  # "example.org", as resumes write it
            current = getattr(person, name)
            if not current:
                setattr(person, name, value)
                changed.append(name)
            elif fold(str(current)) != fold(str(value)) and name not in ("bio",):
                self.report.warnings.append(
                    f"basics.{name}: the profile has {current!r}; the file's {value!r} was not used"
                )
        role = basics.get("role") or guess(basics.get("headline", ""), ROLES, "")
        if role and (new or person.role == Researcher.Role.EXTERNAL) and person.role != role:
            person.role = role
            changed.append("role")
        for variant in basics.get("name_variants", []):
            if fold(variant) not in {fold(n) for n in person.all_names}:
                person.name_variants = [*person.name_variants, variant]
                changed.append("name_variants")
        return [] if new else changed

    # The entries

    def write_all(self) -> None:
        for item in self.profile.items:
            try:
                with transaction.atomic():
                    getattr(self, f"write_{item.kind}")(item)
            except Skip as error:
                self.report.skipped.append(f"{item.where}: {error}")

    def write_positions(self, item: Item) -> None:
        v = item.values
        title = text(v.get("title"))[:200]
        kind = v.get("kind") or guess(title, POSITION_KINDS, Position.Kind.EMPLOYMENT)
        org = self.organization(v.get("organization"), item)
        if org is None:
            raise Skip("no organization; skipped")
        span = dates(v.get("start"), v.get("end"))
        self.entry(
            item,
            Position,
            {"organization": org, "title": title, "start_date": span["start_date"]},
            kind=kind,
            end_date=span["end_date"],
            date_precision=span["date_precision"],
            description=v.get("description", ""),
        )

    def write_education(self, item: Item) -> None:
        v = item.values
        title = text(v.get("degree_title")) or text(v.get("field")) or "Studies"
        org = self.organization(v.get("institution"), item)
        if org is None:
            raise Skip("no institution; skipped")
        span = dates(v.get("start"), v.get("end"))
        entry = self.entry(
            item,
            Education,
            {"institution": org, "degree_title": title[:200], "start_date": span["start_date"]},
            degree=guess(title, DEGREES, Education.Degree.OTHER),
            field=text(v.get("field"))[:200],
            end_date=span["end_date"],
            date_precision=span["date_precision"],
            thesis_title=text(v.get("thesis_title"))[:300],
            rank_note=text(v.get("rank_note"))[:300],
            description=v.get("description", ""),
        )
        added = []
        for name in v.get("advisors", []):
            advisor = self.person(name)
            if not entry.advisors.filter(pk=advisor.pk).exists():
                entry.advisors.add(advisor)
                added.append(advisor.full_name)
        if added and not self.was_created(entry):
            self.mark_updated(item, entry, ["advisors"])

    def write_awards(self, item: Item) -> None:
        v = item.values
        title = text(v.get("title"))
        if not title:
            raise Skip("no title; skipped")
        when = v.get("date")
        if when and when.date.year < MIN_YEAR:
            self.report.warnings.append(
                f"{item.where}: the year {when.date.year} is before {MIN_YEAR}; the date dropped"
            )
            when = None
        issuer = self.organization(v.get("issuer"), item) if v.get("issuer") else None
        self.entry(
            item,
            Award,
            {"title": title[:300], "date": when.date if when else None},
            kind=v.get("kind") or guess(title, AWARD_KINDS, Award.Kind.AWARD),
            issuer=issuer,
            date_precision=when.precision if when else DatePrecision.YEAR,
            description=v.get("description", ""),
            url=self.checked_url(v.get("url", ""), item),
        )

    def write_services(self, item: Item) -> None:
        v = item.values
        role = text(v.get("role"))
        kind = guess(role, SERVICE_KINDS, Service.Kind.VOLUNTEER)
        org = self.organization(v.get("organization"), item) if v.get("organization") else None
        if not role and org is None:
            raise Skip("neither a role nor an organization; skipped")
        span = dates(v.get("start"), v.get("end"))
        self.entry(
            item,
            Service,
            {
                "organization": org,
                "role": (role or Service.Kind(kind).label)[:200],
                "start_date": span["start_date"],
            },
            kind=kind,
            end_date=span["end_date"],
            date_precision=span["date_precision"],
            description=v.get("description", ""),
        )

    def write_teaching(self, item: Item) -> None:
        v = item.values
        course = text(v.get("course"))
        when = v.get("date")
        if not course:
            raise Skip("no course; skipped")
        if when is None:
            raise Skip("no year (a course is listed by its year and term); skipped")
        if when.date.year < MIN_YEAR:
            raise Skip(f"the year {when.date.year} is before {MIN_YEAR}; skipped")
        term = v.get("term") or guess(text(v.get("term_text")), TERMS, "")
        if not term:
            term = (
                _term_of_month(when.date.month)
                if when.precision != DatePrecision.YEAR
                else Teaching.Term.YEAR
            )
        role = v.get("role") or guess(text(v.get("role_text")), TEACHING_ROLES, "")
        org = self.organization(v.get("organization"), item)
        if org is None:
            raise Skip("no institution; skipped")
        self.entry(
            item,
            Teaching,
            {"course": course[:200], "year": when.date.year, "term": term},
            role=role or Teaching.Role.INSTRUCTOR,
            organization=org,
            course_code=text(v.get("course_code"))[:40],
            url=text(v.get("url")),
        )

    def write_interests(self, item: Item) -> None:
        v = item.values
        title = text(v.get("title"))
        if not title:
            raise Skip("no title; skipped")
        top = self.entry(
            item,
            ResearchInterest,
            {"title": title[:200], "parent": None},
            description=v.get("description", ""),
        )
        for position, child in enumerate(v.get("children", [])):
            sub = Item("interests", f"{item.where}.keywords[{position}]", {})
            self.entry(sub, ResearchInterest, {"title": text(child)[:200], "parent": top})

    def write_projects(self, item: Item) -> None:
        v = item.values
        title = text(v.get("title"))
        if not title:
            raise Skip("no name; skipped")
        found = Project.objects.filter(
            title__iexact=title[:300], memberships__researcher=self.researcher
        ).first()
        values = {
            "description": v.get("description", ""),
            "url": text(v.get("url")),
            "code_url": text(v.get("code_url")),
        }
        if found is not None:
            self.filled(item, found, values)
            return
        url = values["url"] or values["code_url"]
        project = Project(
            title=title[:300],
            kind=Project.Kind.SOFTWARE if "github.com" in url else Project.Kind.OTHER,
            **values,
        )
        self.store(project, f"the project “{title}”", item.where)
        ProjectMember.objects.create(
            project=project, researcher=self.researcher, role=text(v.get("role"))[:100]
        )
        self.report.created["projects"].append(str(project))

    def write_sections(self, item: Item) -> None:
        v = item.values
        found = ProfileSection.objects.filter(
            researcher=self.researcher, title__iexact=v["title"]
        ).first()
        if found is not None:
            self.filled(
                item,
                found,
                {
                    "body": v["body"],
                    "resume_key": v.get("resume_key", ""),
                    "resume_items": v.get("resume_items", []),
                },
            )
            return
        self.entry(
            item,
            ProfileSection,
            {"title": v["title"][:200]},
            body=v["body"],
            visibility=v.get("visibility", ProfileSection._meta.get_field("visibility").default),
            resume_key=v.get("resume_key", ""),
            resume_items=v.get("resume_items", []),
        )

    # What the kinds share

    def entry(self, item: Item, model: type[models.Model], same: dict, **values):
        """The researcher's entry whose ``same`` fields agree (text without case), with its
        empty fields filled; else a new one, last in its list. Dates agree by their year
        (one file says 2019-09, another 2019), and a date the file leaves out agrees with
        any."""
        lookups = {}
        for k, v in same.items():
            if isinstance(v, datetime.date):
                lookups[f"{k}__year"] = v.year
            elif v is None and k.endswith("date"):
                continue
            else:
                lookups[f"{k}__iexact" if isinstance(v, str) else k] = v
        found = model.objects.filter(researcher=self.researcher, **lookups).first()
        if found is not None:
            self.filled(item, found, values)
            return found
        created = model(researcher=self.researcher, **same, **values)
        created.order = self.next_order(model)
        self.store(created, f"{model._meta.verbose_name} “{created}”", item.where)
        created._created_now = True
        self.report.created[item.kind].append(str(created))
        return created

    def filled(self, item: Item, found: models.Model, values: dict) -> None:
        changed = []
        for name, value in values.items():
            if value in ("", None, []) or name in ("kind", "date_precision", "visibility"):
                continue
            if getattr(found, name) in ("", None, []):
                setattr(found, name, value)
                changed.append(name)
        if changed:
            self.store(found, f"{found._meta.verbose_name} “{found}”", item.where)
            self.mark_updated(item, found, changed)
        else:
            self.report.unchanged[item.kind].append(str(found))

    def mark_updated(self, item: Item, found, changed: list[str]) -> None:
        label = str(found)
        if label in self.report.unchanged[item.kind]:
            self.report.unchanged[item.kind].remove(label)
        self.report.updated[item.kind].append(f"{label}: {', '.join(changed)}")

    def was_created(self, entry) -> bool:
        return getattr(entry, "_created_now", False)

    def next_order(self, model) -> int:
        if model not in self.orders:
            top = model.objects.filter(researcher=self.researcher).aggregate(m=models.Max("order"))
            self.orders[model] = top["m"] or 0
        self.orders[model] += 1
        return self.orders[model]

    def checked_url(self, url: str, item: Item) -> str:
        """A link as given when it is one the field takes; else nothing, with a warning."""
        if not url:
            return ""
        try:
            Award._meta.get_field("url").clean(url, None)
        except ValidationError:
            self.report.warnings.append(f"{item.where}: url: {url[:80]!r} is not a link; left out")
            return ""
        return url

    def organization(self, org: Org | None, item: Item) -> Organization | None:
        """By name (a top-level one first), else new."""
        if org is None or not org.name:
            return None
        found = (
            Organization.objects.filter(name__iexact=org.name[:200])
            .order_by(models.F("parent").asc(nulls_first=True), "pk")
            .first()
        )
        if found is not None:
            if org.url and not found.url:
                found.url = org.url
                self.store(found, f"the organization “{org.name}”", item.where)
            return found
        organization = Organization(
            name=org.name[:200],
            kind=guess(org.name, ORGANIZATION_KINDS, Organization.Kind.OTHER),
            city=org.city[:100],
            country=org.country[:100],
            url=org.url,
        )
        try:
            organization.full_clean(exclude=["slug"])
        except ValidationError as error:
            if "url" not in error.message_dict:
                raise
            self.report.warnings.append(f"{item.where}.url: {org.url!r} is not a URL; dropped")
            organization.url = ""
        organization.save()
        self.report.new_organizations.append(str(organization))
        return organization

    def person(self, name: str) -> Researcher:
        """An advisor: the one person of that name, else a new name-only researcher."""
        if self.people is None:
            self.people = [
                (p, [p.full_name, *p.name_variants])
                for p in Researcher.objects.only("id", "full_name", "name_variants")
            ]
        found = matches(name, self.people)
        if len(found) == 1:
            return Researcher.objects.get(pk=found[0].pk)
        parts = name.rsplit(" ", 1)
        person = Researcher.objects.create(
            full_name=name[:200],
            given_name=parts[0][:100] if len(parts) == 2 else "",
            family_name=parts[-1][:100],
        )
        self.people.append((person, [name]))
        self.report.new_people.append(name)
        return person

    def store(self, instance: models.Model, label: str, where: str) -> None:
        """Saved when the model takes it; a field it refuses is emptied with a warning
        naming it; an entry it refuses as a whole is skipped."""
        for _ in range(len(instance._meta.concrete_fields)):
            try:
                instance.full_clean(exclude=["slug", "researcher"])
                break
            except ValidationError as error:
                problems = error.message_dict
                blank = [
                    name
                    for name in problems
                    if name != NON_FIELD_ERRORS
                    and instance._meta.get_field(name).blank
                    and not instance._meta.get_field(name).is_relation
                ]
                if not blank or len(blank) < len(problems):
                    raise Skip(
                        f"{label} cannot be stored: "
                        + "; ".join(
                            " ".join(v) if k == NON_FIELD_ERRORS else f"{k}: {' '.join(v)}"
                            for k, v in problems.items()
                        )
                    ) from None
                for name in blank:
                    self.report.warnings.append(
                        f"{where}: {name} {getattr(instance, name)!r}: "
                        f"{' '.join(problems[name])} Dropped."
                    )
                    setattr(instance, name, instance._meta.get_field(name).get_default())
        instance.save()


class Skip(Exception):
    """This entry cannot be imported; the rest goes on."""


def _term_of_month(month: int) -> str:
    if month <= 5:
        return Teaching.Term.SPRING
    if month <= 8:
        return Teaching.Term.SUMMER
    return Teaching.Term.FALL
