"""An ORCID record into the database: the researcher, their positions, education, awards,
service, grants (its fundings, the researcher an investigator of each) and papers, in one
transaction.

Repeatable: an item is the same when the researcher, the organization, the title (or role)
and the start date agree, so a second import creates nothing. A matched item is left as it
is, since an editor may have changed it since. Papers go through the BibTeX importer:
matched by DOI, arXiv id, or title and year, editor changes kept unless ``overwrite``.

Lenient and reported: an item the models refuse (an end before its start) is skipped with
the reason, as are the items and works the parser could not read, and the rest imports; a
researcher's field that cannot be stored (a biography over the limit) is left out with a
warning. ``strict`` refuses the whole record instead, for any of these or any warning, with
a ``SourceError`` naming each. Nothing is half-written (one transaction, a savepoint per
item), and a dry run is the same import rolled back, so its report is exactly what the
import would do.
"""

import datetime
import re
from dataclasses import dataclass, field, replace

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from modeltranslation.translator import translator
from modeltranslation.utils import get_translation_fields

from core.changes import one_content_change
from core.http import SourceError
from core.models import DatePrecision
from cv.grants import find_grant
from cv.models import Award, Grant, GrantInvestigator, Service
from cv.orcid import Affiliation, Funding, ItemNotice, OrcidRecord
from profiles.models import Education, Organization, Position, Researcher
from profiles.names import matches
from publications.importer import Importer, Report, import_lock
from publications.records import NO_DEADLINE, Deadline, ImportProblem, TooSlow

KINDS = ("positions", "education", "awards", "services", "grants")
# Researcher fields an import can do without: one the model refuses is left out, warned of.
OPTIONAL_PERSON_FIELDS = {"bio", "given_name", "family_name"}
COARSER = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR]

# (pattern, kind) pairs tried in order on a role title or a name; the first match wins.
POSITION_KINDS = [
    (r"\bintern(ship)?\b", Position.Kind.INTERNSHIP),
    (r"\bstudent\b|\bcandidate\b", Position.Kind.STUDY),
]
DEGREES = [
    (r"\bph\.?\s?d\b|\bd\.?\s?phil\b|\bdoctor", Education.Degree.PHD),
    (r"\bmaster|\bm\.?\s?(s|sc|a|eng|phil)\b", Education.Degree.MASTERS),
    (r"\bbachelor|\bb\.?\s?(s|sc|a|eng)\b", Education.Degree.BACHELORS),
]
AWARD_KINDS = [
    (r"scholarship", Award.Kind.SCHOLARSHIP),
    (r"fellow", Award.Kind.FELLOWSHIP),
    (r"\bhonou?r", Award.Kind.HONOUR),
]
SERVICE_KINDS = [
    (r"chair", Service.Kind.CHAIR),  # before "committee": "Program Committee Chair"
    (r"editor", Service.Kind.EDITOR),
    (r"review|referee", Service.Kind.REVIEWER),
    (r"committee|board|panel", Service.Kind.COMMITTEE),
    (r"organi[sz]", Service.Kind.ORGANIZER),
    (r"president|secretary|treasurer|officer", Service.Kind.OFFICER),
]
ORGANIZATION_KINDS = [
    (r"universit|college", Organization.Kind.UNIVERSITY),
    (r"\bschool\b|\bfaculty\b", Organization.Kind.SCHOOL),
    (r"\bdepartment\b|\bdept\b", Organization.Kind.DEPARTMENT),
    (r"institut|\bcent(er|re)\b|laborator", Organization.Kind.INSTITUTE),
    (r"society|association|foundation", Organization.Kind.SOCIETY),
]


def guess(text: str, patterns: list[tuple[str, str]], default: str) -> str:
    return next((kind for pattern, kind in patterns if re.search(pattern, text, re.I)), default)


@dataclass
class OrcidReport:
    researcher: str
    new_researcher: bool
    created: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    unchanged: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    new_organizations: list[str] = field(default_factory=list)
    # Known people a new researcher shares a name with: perhaps the same person, to merge
    # or to name with ``researcher=`` next time.
    namesakes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # items not imported: "label: why"
    warnings: list[str] = field(default_factory=list)  # "label, field f: what was done"
    works: int = 0  # in the record, as ORCID counts them
    merged: list[str] = field(default_factory=list)  # works that are another's duplicate
    # Works are papers created, updated or unchanged, merged, or skipped with the reason
    # (no paper, or unreadable): papers.skipped.
    papers: Report = field(default_factory=Report)
    dry_run: bool = False

    def summary(self) -> str:
        def counts(items: dict[str, list[str]]) -> str:
            return ", ".join(f"{len(items[kind])} {kind}" for kind in KINDS)

        return (
            f"{self.researcher} ({'new' if self.new_researcher else 'existing'} researcher). "
            f"{'Would create' if self.dry_run else 'Created'}: {counts(self.created)}, "
            f"{len(self.new_organizations)} organizations; unchanged: {counts(self.unchanged)}; "
            f"{len(self.skipped)} skipped, {len(self.warnings)} warnings. "
            f"{self.works} works in the record, {len(self.merged)} merged as duplicates: "
            + self.papers.summary()
        )


def import_orcid(
    record: OrcidRecord,
    *,
    researcher: Researcher | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
    strict: bool = False,
    wait=None,
    deadline: Deadline = NO_DEADLINE,
) -> OrcidReport:
    """``wait``, ImportBusy and the deadline as for ``Importer.run``."""
    if strict and record.problems:
        raise refused(record.orcid, [str(notice) for notice in record.problems])
    with transaction.atomic():
        import_lock(wait)  # before the researcher and organizations, not only the papers
        with one_content_change():
            orcid_import = OrcidImport(record, researcher, strict=strict)
            orcid_import.affiliations()
            orcid_import.grants()
        report = orcid_import.report
        # The importer names the paper's owner by their name, so a new paper gets them as
        # its author; a known paper keeps its author list.
        name = orcid_import.researcher.full_name
        entries = [replace(work, authors=[name]) for work in record.works]
        importer = Importer(
            orcid_import.researcher, overwrite=overwrite, source="orcid", strict=strict
        )
        try:
            report.papers = importer.run(
                entries,
                dry_run=dry_run,
                deadline=deadline,
                skipped=[*record.not_papers, *record.skipped_works],
            )
        except TooSlow as error:
            raise SourceError(f"ORCID record {record.orcid}: {error.problems[0]}.") from None
        except ImportProblem as error:
            raise refused(record.orcid, error.problems) from None
        report.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
    return report


def refused(orcid_id: str, problems: list[str]) -> SourceError:
    return SourceError(
        f"ORCID record {orcid_id}: {len(problems)} problems, and a strict import takes none: "
        + "; ".join(problems)
        + "."
    )


class ItemRefused(Exception):
    """The models refuse an item of the record (or its organization): it is skipped."""


class OrcidImport:
    def __init__(self, record: OrcidRecord, researcher: Researcher | None, strict: bool = False):
        self.record = record
        self.strict = strict
        self.warnings: list[ItemNotice] = []
        self.researcher, created = self.choose_researcher(researcher)
        self.report = OrcidReport(
            researcher=self.researcher.full_name,
            new_researcher=created,
            namesakes=self.namesakes(self.researcher) if created else [],
            skipped=[str(notice) for notice in record.skipped_items],
            warnings=[str(notice) for notice in [*record.warnings, *self.warnings]],
            works=record.work_count,
            merged=[str(notice) for notice in record.merged],
        )

    def choose_researcher(self, given: Researcher | None) -> tuple[Researcher, bool]:
        """The one given, else the one with this iD, else a new one from the record's name."""
        orcid_id = self.record.orcid
        holder = Researcher.objects.filter(orcid=orcid_id).first()
        if given is not None:
            # A copy: a dry run must not leave the caller's instance with the iD set.
            given = Researcher.objects.get(pk=given.pk)
            if given.orcid and given.orcid != orcid_id:
                raise SourceError(f"{given} has the ORCID iD {given.orcid}, not {orcid_id}.")
            if holder is not None and holder != given:
                raise SourceError(f"The ORCID iD {orcid_id} is {holder}'s, not {given}'s.")
            if not given.orcid:
                given.orcid = orcid_id
                given.save()
            return given, False
        if holder is not None:
            return holder, False
        if not self.record.full_name:
            raise SourceError(
                f"The ORCID record {orcid_id} shows no name; choose the researcher it is for."
            )
        person = Researcher(
            full_name=self.record.full_name,
            given_name=self.record.given_name,
            family_name=self.record.family_name,
            bio=self.record.biography,
            orcid=orcid_id,
        )
        self.leave_out_what_cannot_be_stored(person)
        self.store(person, "the researcher")
        return person, True

    def leave_out_what_cannot_be_stored(self, person: Researcher) -> None:
        """A biography over the limit, say, is left out with a warning rather than refusing
        the record; a strict import refuses it (in ``store``)."""
        try:
            person.full_clean(exclude=["slug"])
        except ValidationError as error:
            errors = error.message_dict
            dropped = {
                name: columns
                for name in sorted(OPTIONAL_PERSON_FIELDS)
                if errors.keys() & (columns := person_columns(name))
            }
            if self.strict or not errors.keys() <= set().union(*dropped.values()):
                return
            for name, columns in dropped.items():
                for column in columns:
                    setattr(person, column, "")
                message = " ".join(next(errors[c] for c in columns if c in errors))
                self.warnings.append(
                    ItemNotice("the researcher", 0, f"{message} Left out.", field=name)
                )

    def namesakes(self, person: Researcher) -> list[str]:
        others = Researcher.objects.exclude(pk=person.pk).only("slug", "full_name", "name_variants")
        known = [(other, [other.full_name, *other.name_variants]) for other in others]
        return [f"{other} ({other.slug})" for other in matches(person.full_name, known)]

    def affiliations(self) -> None:
        record = self.record
        for item in record.employments:
            kind = guess(item.role, POSITION_KINDS, Position.Kind.EMPLOYMENT)
            self.position(item, kind)
        for item in record.invited_positions:
            self.position(item, Position.Kind.VISITING)
        for item in record.educations:
            self.item(
                "education",
                item,
                Education,
                lambda item=item: {
                    "institution": self.organization(item),
                    "degree_title": item.role or "Studies",
                    "start_date": start(item),
                },
                degree=guess(item.role, DEGREES, Education.Degree.OTHER),
                **period(item),
            )
        for item in record.distinctions:
            when = item.start or item.end
            self.item(
                "awards",
                item,
                Award,
                lambda item=item, when=when: {
                    "issuer": self.organization(item),
                    "title": item.role or item.organization,
                    "date": when.date if when else None,
                },
                kind=guess(item.role, AWARD_KINDS, Award.Kind.AWARD),
                date_precision=when.precision if when else DatePrecision.YEAR,
            )
        for item in record.services:
            kind = guess(item.role, SERVICE_KINDS, Service.Kind.VOLUNTEER)
            self.item(
                "services",
                item,
                Service,
                lambda item=item, kind=kind: {
                    "organization": self.organization(item),
                    "role": item.role or Service.Kind(kind).label,
                    "start_date": start(item),
                },
                kind=kind,
                **period(item),
            )

    def grants(self) -> None:
        for item in self.record.fundings:
            organizations = len(self.report.new_organizations)
            try:
                with transaction.atomic():
                    self.grant(item)
            except ItemRefused as error:
                del self.report.new_organizations[organizations:]
                self.report.skipped.append(f"{item.label}: {error}; skipped")

    def grant(self, item: Funding) -> None:
        """The funding as a grant with the researcher an investigator of it: the one their
        link names by its put-code (imported before), else the funder's grant with its award
        number, else a new one."""
        link = (
            GrantInvestigator.objects.filter(
                researcher=self.researcher, orcid_put_code=item.put_code
            )
            .select_related("grant")
            .first()
        )
        if link is not None:
            self.report.unchanged["grants"].append(str(link.grant))
            return
        grant = find_grant(
            funder=item.funder, funder_id=item.funder_id, award_number=item.award_number
        )
        if grant is None:
            grant = Grant(
                kind=item.type if item.type in Grant.Kind.values else Grant.Kind.GRANT,
                title=item.title[:500],
                funder_name=item.funder[:300],
                funder_ror_id=item.funder_ror_id,
                funder_id=item.funder_id,
                award_number=item.award_number[:100],
                url=item.url if len(item.url) <= 500 else "",
                start_date=start(item),
                **period(item),
            )
            self.store(grant, f"the grant “{grant}”")
            self.report.created["grants"].append(str(grant))
        else:
            self.report.unchanged["grants"].append(str(grant))
        link, created = GrantInvestigator.objects.get_or_create(
            grant=grant,
            researcher=self.researcher,
            defaults={"orcid_put_code": item.put_code, "order": grant.investigator_links.count()},
        )
        if not created and link.orcid_put_code is None:
            link.orcid_put_code = item.put_code
            link.save(update_fields=["orcid_put_code"])

    def position(self, item: Affiliation, kind: str) -> None:
        self.item(
            "positions",
            item,
            Position,
            lambda: {
                "organization": self.organization(item),
                "title": item.role,
                "start_date": start(item),
            },
            kind=kind,
            **period(item),
        )

    def item(self, section: str, item: Affiliation, model: type[models.Model], same, **values):
        """Create the item unless this researcher has one whose ``same`` fields (organization,
        title or role, start date) agree, text compared without case. ``same`` is a function,
        so that the organizations it finds or creates are inside the item's savepoint: an
        item the models refuse leaves nothing behind, and is skipped with the reason."""
        organizations = len(self.report.new_organizations)
        try:
            with transaction.atomic():
                fields = same()
                lookups = {
                    f"{k}__iexact" if isinstance(v, str) else k: v for k, v in fields.items()
                }
                found = model.objects.filter(researcher=self.researcher, **lookups).first()
                if found is not None:
                    self.report.unchanged[section].append(str(found))
                    return
                created = model(researcher=self.researcher, **fields, **values)
                self.store(created, f"{model._meta.verbose_name} “{created}”")
        except ItemRefused as error:
            del self.report.new_organizations[organizations:]
            self.report.skipped.append(f"{item.label}: {error}; skipped")
            return
        self.report.created[section].append(str(created))

    def organization(self, item: Affiliation) -> Organization:
        """By ROR id, else by name (a top-level one first), else new; then the department
        inside it, when ORCID names one."""
        by_name = Organization.objects.filter(name__iexact=item.organization).order_by(
            models.F("parent").asc(nulls_first=True), "pk"
        )
        body = (
            (item.ror_id and Organization.objects.filter(ror_id=item.ror_id).first())
            or by_name.first()
            or self.new_organization(
                item.organization,
                Organization.Kind.OTHER,
                city=item.city,
                country=item.country,
                ror_id=item.ror_id,
            )
        )
        if not item.department:
            return body
        inside = body.children.filter(name__iexact=item.department).first()
        return inside or self.new_organization(
            item.department,
            Organization.Kind.DEPARTMENT,
            parent=body,
            city=body.city,
            country=body.country,
        )

    def new_organization(self, name: str, default_kind: str, **fields) -> Organization:
        organization = Organization(
            name=name[:200], kind=guess(name, ORGANIZATION_KINDS, default_kind), **fields
        )
        self.store(organization, f"the organization “{name}”")
        self.report.new_organizations.append(str(organization))
        return organization

    def store(self, instance: models.Model, label: str) -> None:
        """Saves it; ItemRefused when the models refuse it (SourceError for the researcher,
        which the record cannot do without, and in a strict import)."""
        try:
            instance.full_clean(exclude=["slug"])
        except ValidationError as error:
            why = f"{label} cannot be stored: " + "; ".join(
                " ".join(v) if k == NON_FIELD_ERRORS else f"{k}: {' '.join(v)}"
                for k, v in error.message_dict.items()
            )
            if self.strict or isinstance(instance, Researcher):
                raise SourceError(f"ORCID record {self.record.orcid}: {why}") from None
            raise ItemRefused(why) from None
        instance.save()


def person_columns(name: str) -> list[str]:
    """A researcher's field, then its column per language if it is translated
    (profiles/translation.py), each validated on its own, so left out together."""
    if name in translator.get_options_for_model(Researcher).all_fields:
        return [name, *get_translation_fields(name)]
    return [name]


def start(item: Affiliation) -> datetime.date | None:
    return item.start.date if item.start else None


def period(item: Affiliation) -> dict:
    """The end, and one precision for both dates: the coarser, so that no date claims more
    than ORCID knows (a start month with an end year shows both as years)."""
    known = [d for d in (item.start, item.end) if d]
    return {
        "end_date": item.end.date if item.end else None,
        "date_precision": max(
            (d.precision for d in known), key=COARSER.index, default=DatePrecision.YEAR
        ),
    }
