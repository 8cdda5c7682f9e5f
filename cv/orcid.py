"""ORCID public API v3.0: a researcher's record as plain data. Parsing is pure, no ORM.

``parse_record`` turns the JSON of ``/v3.0/{iD}/record`` into frozen dataclasses; works
become ``ParsedWork``s (publications.records), so they go through the same importer as
BibTeX, Crossref and arXiv. ORCID's work summaries carry no author list: the record's own
person is the one author known.

Tolerant, as real records need: only a record that cannot be read as a whole (not an
object, no valid iD, no activities) raises ``SourceError``. A date that does not exist
(ORCID's own test record starts both its positions on a 29 February of no leap year) is
kept at the precision that does exist, with a warning naming the item and field; any other
bad item (a missing or wrongly typed field) is skipped with its reason and its place in the
record, e.g. ``record.activities-summary.works.group[2]...title.value is missing``. Every
work of the record ends in exactly one of ``works``, ``merged`` (the same work again
elsewhere in the record), ``not_papers`` or ``skipped_works``.
"""

import datetime
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError

from core.http import Source, SourceError, load_json
from core.models import DatePrecision
from core.validators import (
    FUNDER_ID_RE,
    MAX_YEAR,
    MIN_YEAR,
    ROR_RE,
    normalize_arxiv_id,
    normalize_doi,
    normalize_funder_id,
    normalize_orcid,
    validate_arxiv_id,
    validate_doi,
    validate_orcid,
)
from publications.importer import normal_title
from publications.records import Notice, ParsedWork

# ORCID work type -> Publication.Kind: the written, citable kinds, each as the nearest kind
# here. Other types (data sets, software, talks, posters, patents, "other"...) are no papers
# and are reported as such.
WORK_KINDS = {
    "journal-article": "article",
    "magazine-article": "article",
    "newspaper-article": "article",
    "review": "article",
    "book-review": "article",
    "conference-paper": "conference",
    "conference-abstract": "conference",
    "preprint": "preprint",
    "working-paper": "preprint",
    "book": "book",
    "edited-book": "book",
    "book-chapter": "chapter",
    "encyclopedia-entry": "chapter",
    "dictionary-entry": "chapter",
    "dissertation-thesis": "thesis",
    "dissertation": "thesis",  # the v2.x name, still on older works
    "report": "report",
    "manual": "report",
    "standards-and-policy": "report",
    "technical-standard": "report",
}
# Why a work is the same as one read before it, by the key they share.
SAME = {"doi": "the same DOI", "arxiv": "the same arXiv id", "title": "the same title and year"}
# arXiv's own DOIs (DataCite) name the arXiv id: 10.48550/arXiv.2205.13283.
ARXIV_DOI_PREFIX = "10.48550/arxiv."


@dataclass(frozen=True)
class PartialDate:
    """An ORCID date: the year always, the month and day when given."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        self.date  # noqa: B018 - a date that does not exist (2023-02-30) raises ValueError here

    @property
    def date(self) -> datetime.date:
        month, day = (1 if part is None else part for part in (self.month, self.day))
        return datetime.date(self.year, month, day)  # month 0 is no January

    @property
    def precision(self) -> str:
        if self.month is None:
            return DatePrecision.YEAR
        return DatePrecision.MONTH if self.day is None else DatePrecision.DAY


@dataclass(frozen=True)
class Affiliation:
    """One employment, education, distinction, invited position or service."""

    organization: str
    city: str = ""
    country: str = ""  # ISO 3166 code, as ORCID gives it: CN
    ror_id: str = ""
    department: str = ""
    role: str = ""
    start: PartialDate | None = None
    end: PartialDate | None = None
    # Names it in reports: "employment 4288 (Professor, Wesleyan University)".
    label: str = ""


@dataclass(frozen=True)
class Funding:
    """One funding summary (the record's /fundings section): a grant, contract, award or
    salary award, its funder identified by ROR or Crossref Funder ID when ORCID
    disambiguated it. Summaries carry no amount and no contributors: the record's person is
    the investigator known."""

    put_code: int
    type: str  # grant, contract, award, salary-award
    title: str
    funder: str
    funder_ror_id: str = ""
    funder_id: str = ""  # Crossref Funder ID, the digits after 10.13039/
    award_number: str = ""
    url: str = ""
    start: PartialDate | None = None
    end: PartialDate | None = None
    label: str = ""


@dataclass(frozen=True)
class OrcidRecord:
    orcid: str
    given_name: str = ""
    family_name: str = ""
    credit_name: str = ""  # the name the person publishes under, when set
    biography: str = ""
    employments: tuple[Affiliation, ...] = ()
    educations: tuple[Affiliation, ...] = ()
    distinctions: tuple[Affiliation, ...] = ()
    invited_positions: tuple[Affiliation, ...] = ()
    services: tuple[Affiliation, ...] = ()
    fundings: tuple[Funding, ...] = ()
    works: tuple[ParsedWork, ...] = ()
    # The works ORCID lists (its groups; a group holding two different works counts two).
    work_count: int = 0
    merged: tuple[Notice, ...] = ()  # the same work as one in ``works``, merged into it
    not_papers: tuple[Notice, ...] = ()  # data sets, software, talks...: not papers here
    skipped_works: tuple[Notice, ...] = ()  # works that cannot be read, with the reason
    skipped_items: tuple[Notice, ...] = ()  # affiliations that cannot be read
    # Fields of affiliations kept coarser or left out; a work's own are on the work.
    warnings: tuple[Notice, ...] = ()

    @property
    def full_name(self) -> str:
        return self.credit_name or " ".join(p for p in (self.given_name, self.family_name) if p)

    @property
    def problems(self) -> list[Notice]:
        """What a strict import refuses: every item skipped or field changed for a fault in
        the record. Works that are no papers, and duplicates, are no fault."""
        work_warnings = [notice for work in self.works for notice in work.warnings]
        return [*self.skipped_items, *self.skipped_works, *self.warnings, *work_warnings]


class ItemNotice(Notice):
    """A notice about the researcher or an affiliation, named by its label, not as an entry:
    "employment 4288 (Professor, Wesleyan University), field start-date: ..."."""

    def __str__(self) -> str:
        where = f"{self.key}, field {self.field}" if self.field else self.key
        return f"{where}: {self.message}"


class Malformed(SourceError):
    """A field at ``path`` is missing or has the wrong type."""

    def __init__(self, path: str, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"The ORCID record is malformed: {path} {problem}.")


@dataclass(frozen=True)
class At:
    """A value in the record and its place there, so that a problem names where it is.

    A missing or null key gives an ``At`` of None: ORCID writes absent optional fields as
    null, and most fields are optional. Only a wrong type, or a required field missing,
    is an error.
    """

    value: object
    path: str

    def __getitem__(self, key: str) -> "At":
        if self.value is not None and not isinstance(self.value, dict):
            raise self.error("should be an object")
        return At(None if self.value is None else self.value.get(key), f"{self.path}.{key}")

    def items(self) -> list["At"]:
        if self.value is None:
            return []
        if not isinstance(self.value, list):
            raise self.error("should be a list")
        return [At(item, f"{self.path}[{i}]") for i, item in enumerate(self.value)]

    def text(self, required: bool = False) -> str:
        if self.value is None and not required:
            return ""
        if not isinstance(self.value, str):
            raise self.error("is missing" if self.value is None else "should be text")
        if required and not self.value.strip():
            raise self.error("is empty")
        return self.value.strip()

    def number(self, required: bool = False) -> int | None:
        value = self.value
        if value is None and not required:
            return None
        if isinstance(value, str) and value.strip().isdecimal():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise self.error("is missing" if value is None else "should be a whole number")

    def error(self, problem: str) -> Malformed:
        return Malformed(self.path, problem)


def checked_orcid(value: str) -> str:
    """The canonical iD, or a SourceError before any request is made."""
    orcid_id = normalize_orcid(value)
    try:
        validate_orcid(orcid_id)
    except ValidationError as error:
        raise SourceError(error.messages[0]) from None
    return orcid_id


class Orcid(Source):
    name = "ORCID"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ORCID's own JSON schema, the one parse_record reads; the API's default is XML.
        self.client.headers["Accept"] = "application/vnd.orcid+json"

    def record(self, orcid_id: str) -> OrcidRecord:
        return parse_record(self.record_data(orcid_id))

    def record_data(self, orcid_id: str) -> dict:
        """The record as the API answers it, unparsed (the admin carries it to confirmation)."""
        orcid_id = checked_orcid(orcid_id)
        return self.get_json(f"https://pub.orcid.org/v3.0/{orcid_id}/record")


def read_record(text: str | bytes, orcid_id: str) -> OrcidRecord:
    """A saved record (the JSON the API answers), checked to be this iD's."""
    orcid_id = checked_orcid(orcid_id)
    try:
        data = load_json(text)
    except ValueError as error:  # UnicodeDecodeError is one too
        raise SourceError(f"The saved ORCID record is not JSON ({error}).") from None
    record = parse_record(data)
    if record.orcid != orcid_id:
        raise SourceError(f"The saved ORCID record is that of {record.orcid}, not {orcid_id}.")
    return record


class Reading:
    """What parsing found wrong with the researcher and the affiliations, as it goes."""

    def __init__(self):
        self.warnings: list[Notice] = []
        self.skipped_items: list[Notice] = []


def warner(into: list[Notice], label: str, kind: type[Notice] = Notice):
    """A ``warn(message, field)`` that adds notices about the item ``label`` to ``into``."""
    return lambda message, name: into.append(kind(label, 0, message, field=name))


def parse_record(data: dict) -> OrcidRecord:
    root = At(data, "record")
    orcid_id = root["orcid-identifier"]["path"].text(required=True)
    try:
        validate_orcid(orcid_id)
    except ValidationError:
        raise root["orcid-identifier"]["path"].error("is no valid ORCID iD") from None
    activities = root["activities-summary"]
    if activities.value is None:
        raise activities.error("is missing")
    reading = Reading()
    person = root["person"]
    name = person["name"]
    record = OrcidRecord(
        orcid=orcid_id,
        given_name=optional_text(name["given-names"]["value"], "the researcher", reading),
        family_name=optional_text(name["family-name"]["value"], "the researcher", reading),
        credit_name=optional_text(name["credit-name"]["value"], "the researcher", reading),
        biography=optional_text(person["biography"]["content"], "the researcher", reading).replace(
            "\r\n", "\n"
        ),
        employments=affiliations(activities, "employment", reading),
        educations=affiliations(activities, "education", reading),
        distinctions=affiliations(activities, "distinction", reading),
        invited_positions=affiliations(activities, "invited-position", reading),
        services=affiliations(activities, "service", reading),
        fundings=fundings(activities["fundings"], reading),
    )
    works = Works(record.full_name)
    works.read(activities["works"])
    return replace(
        record,
        works=tuple(works.papers),
        work_count=works.count,
        merged=tuple(works.merged),
        not_papers=tuple(works.not_papers),
        skipped_works=tuple(works.skipped),
        skipped_items=tuple(reading.skipped_items),
        warnings=tuple(reading.warnings),
    )


def optional_text(node: At, label: str, reading: Reading) -> str:
    """A text the record can do without: a wrong type is left out with a warning."""
    try:
        return node.text()
    except Malformed as error:
        warn = warner(reading.warnings, label, ItemNotice)
        warn(f"{error.problem}; left out", error.path.rsplit(".", 2)[-2])
        return ""


def affiliations(activities: At, kind: str, reading: Reading) -> tuple[Affiliation, ...]:
    """Every summary of a section ("employment" -> employments.affiliation-group[]...), less
    those that cannot be read, each skipped with its reason."""
    found = []
    try:
        groups = activities[f"{kind}s"]["affiliation-group"].items()
    except Malformed as error:
        reading.skipped_items.append(ItemNotice(f"{kind}s", 0, f"{error} The section is skipped."))
        return ()
    for group in groups:
        try:
            summaries = [summary[f"{kind}-summary"] for summary in group["summaries"].items()]
        except Malformed as error:
            reading.skipped_items.append(ItemNotice(kind, 0, f"{error} Skipped."))
            continue
        for summary in summaries:
            label = item_label(summary, kind)
            try:
                found.append(
                    affiliation(summary, label, warner(reading.warnings, label, ItemNotice))
                )
            except Malformed as error:
                reading.skipped_items.append(ItemNotice(label, 0, f"{error} Skipped."))
    return tuple(found)


def fundings(section: At, reading: Reading) -> tuple[Funding, ...]:
    """One funding per group, its preferred summary (the highest display index; ORCID
    groups the sources asserting one grant); a summary that cannot be read is skipped with
    its reason."""
    found = []
    try:
        groups = section["group"].items()
    except Malformed as error:
        reading.skipped_items.append(ItemNotice("fundings", 0, f"{error} The section is skipped."))
        return ()
    for group in groups:
        try:
            summaries = group["funding-summary"].items()
        except Malformed as error:
            reading.skipped_items.append(ItemNotice("funding", 0, f"{error} Skipped."))
            continue
        if not summaries:
            continue
        summary = max(summaries, key=display_index)  # the first of equals
        label = item_label(summary, "funding")
        try:
            found.append(funding(summary, label, warner(reading.warnings, label, ItemNotice)))
        except Malformed as error:
            reading.skipped_items.append(ItemNotice(label, 0, f"{error} Skipped."))
    return tuple(found)


def funding(summary: At, label: str, warn) -> Funding:
    if summary.value is None:
        raise summary.error("is missing")
    organization = summary["organization"]
    disambiguated = organization["disambiguated-organization"]
    funder_id = ""
    if disambiguated["disambiguation-source"].text().upper() == "FUNDREF":
        value = disambiguated["disambiguated-organization-identifier"].text()
        funder_id = normalize_funder_id(value)
        if not FUNDER_ID_RE.match(funder_id):
            warn(f"“{value}” is no Crossref Funder ID; left out", "organization Funder ID")
            funder_id = ""
    numbers = []
    try:
        ids = summary["external-ids"]["external-id"].items()
    except Malformed as error:
        warn(f"{error.problem}; the award number is left out", "external-ids")
        ids = []
    for external in ids:
        try:
            kind = external["external-id-type"].text().lower()
            value = " ".join(external["external-id-value"].text().split())
            relation = (external["external-id-relationship"].text() or "self").lower()
        except Malformed as error:
            warn(f"{error.path} {error.problem}; this identifier is left out", "external-ids")
            continue
        # "part-of" names a larger programme the grant belongs to, not its own number.
        if kind == "grant_number" and relation == "self" and value:
            numbers.append(value)
    return Funding(
        put_code=summary["put-code"].number(required=True),
        type=summary["type"].text().lower().replace("_", "-"),
        title=" ".join(summary["title"]["title"]["value"].text().split()),
        funder=" ".join(organization["name"].text(required=True).split()),
        funder_ror_id=ror_id(disambiguated, warn),
        funder_id=funder_id,
        award_number=numbers[0] if numbers else "",
        url=summary["url"]["value"].text(),
        start=partial_date(summary["start-date"], warn),
        end=partial_date(summary["end-date"], warn),
        label=label,
    )


def item_label(summary: At, kind: str) -> str:
    """'employment 4288 (Professor, Wesleyan University)', from what of it can be read."""

    def readable(*keys: str) -> str:
        node = summary
        try:
            for key in keys:
                node = node[key]
        except Malformed:
            return ""
        return " ".join(str(node.value).split()) if isinstance(node.value, str | int) else ""

    code = readable("put-code")
    if not code:
        return f"{kind} at {summary.path}"
    described = ", ".join(
        p for p in (readable("role-title"), readable("organization", "name")) if p
    )
    return f"{kind} {code}" + (f" ({described})" if described else "")


def affiliation(summary: At, label: str, warn) -> Affiliation:
    if summary.value is None:
        raise summary.error("is missing")
    organization = summary["organization"]
    address = organization["address"]
    return Affiliation(
        organization=" ".join(organization["name"].text(required=True).split()),
        city=address["city"].text(),
        country=address["country"].text(),
        ror_id=ror_id(organization["disambiguated-organization"], warn),
        department=" ".join(summary["department-name"].text().split()),
        role=" ".join(summary["role-title"].text().split()),
        start=partial_date(summary["start-date"], warn),
        end=partial_date(summary["end-date"], warn),
        label=label,
    )


def ror_id(disambiguated: At, warn) -> str:
    """The ROR id when ORCID disambiguated by ROR; Ringgold and GRID ids have no field here."""
    if disambiguated["disambiguation-source"].text() != "ROR":
        return ""
    identifier = disambiguated["disambiguated-organization-identifier"]
    value = identifier.text().rstrip("/").rsplit("/", 1)[-1]  # often a URL
    if not ROR_RE.match(value):
        warn(f"“{value}” is no ROR id such as 0220qvk04; left out", "organization ROR id")
        return ""
    return value


def partial_date(node: At, warn) -> PartialDate | None:
    """The date as far as it exists: a day that does not exist (or cannot be read) keeps the
    month, a month the year, each with a warning; a year no calendar has drops the date."""
    name = node.path.rsplit(".", 1)[-1]
    parts, problem = [], ""
    for part in ("year", "month", "day"):  # a day without a month means nothing
        try:
            value = node[part]["value"].number()
        except Malformed as error:
            problem = f"{error.path} {error.problem}"
            break
        if value is None:
            break
        parts.append(value)
    if not parts:
        if problem:
            warn(f"{problem}; the date is left out", name)
        return None
    if not 1 <= parts[0] <= 9999:
        warn(f"{parts[0]} is no possible year; the date is left out", name)
        return None
    written = "-".join([str(parts[0])] + [f"{part:02d}" for part in parts[1:]])
    for size in range(len(parts), 0, -1):
        try:
            found = PartialDate(*parts[:size])
        except (ValueError, OverflowError):
            continue
        if problem or size < len(parts):
            kept = "-".join(written.split("-")[:size])
            why = problem or f"{written} does not exist"
            warn(f"{why}; kept as {kept} ({found.precision} precision)", name)
        return found
    raise AssertionError("a year from 1 to 9999 is a date")


@dataclass
class Version:
    """One source's summary of a work: ORCID groups the versions of one work together."""

    put_code: int
    title: str
    type: str
    published: PartialDate | None
    venue: str
    url: str
    ids: dict[str, str]
    warnings: list[Notice] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"orcid-work-{self.put_code}"


class Works:
    """The record's works read one group at a time, each ending in one list: ``papers``,
    ``merged`` (into a paper), ``not_papers`` or ``skipped``."""

    def __init__(self, author: str):
        self.author = author
        self.papers: list[ParsedWork] = []
        self.merged: list[Notice] = []
        self.not_papers: list[Notice] = []
        self.skipped: list[Notice] = []
        self.count = 0
        self.index: dict[tuple, ParsedWork] = {}  # DOI, arXiv id, (year, title) -> paper

    def read(self, works: At) -> None:
        try:
            groups = works["group"].items()
        except Malformed as error:
            self.skipped.append(Notice("works", 0, f"{error} No work could be read."))
            return
        for group in groups:
            try:
                summaries = group["work-summary"].items()
            except Malformed as error:
                self.count += 1
                self.skipped.append(Notice(group.path, 0, f"{error} Skipped."))
                continue
            if not summaries:
                self.count += 1
                self.skipped.append(Notice(group.path, 0, "a group with no work in it; skipped"))
                continue
            versions = []
            for summary in summaries:
                try:
                    versions.append((display_index(summary), version(summary)))
                except Malformed as error:
                    self.skipped_version(summary, error)
            # The preferred version (the highest display index) first; ties in record order.
            ordered = [v for _, v in sorted(versions, key=lambda pair: -pair[0])]
            clusters = split(ordered)
            if len(clusters) == 1:
                extra_ids = group_ids(group, clusters[0][0])
                clusters[0][0].ids = {**extra_ids, **clusters[0][0].ids}
            for cluster in clusters:
                self.count += 1
                if cluster is not clusters[0]:
                    others = [c[0].key for c in clusters if c is not cluster]
                    cluster[0].warnings.append(
                        Notice(
                            cluster[0].key,
                            0,
                            f"ORCID groups it with {', '.join(others)}, a work with another "
                            "title and DOI; imported as a work of its own",
                        )
                    )
                self.add(cluster)

    def skipped_version(self, summary: At, error: Malformed) -> None:
        """A version that cannot be read; the group's other versions still count."""
        code = summary["put-code"].value if isinstance(summary.value, dict) else None
        key = f"orcid-work-{code}" if isinstance(code, int | str) and code else summary.path
        self.skipped.append(Notice(key, 0, f"{error} This version is left out."))

    def add(self, cluster: list[Version]) -> None:
        preferred = cluster[0]
        title = next((v.title for v in cluster if v.title), "")
        kind = next((WORK_KINDS[v.type] for v in cluster if v.type in WORK_KINDS), None)
        published = next((v.published for v in cluster if v.published), None)
        named = f"“{title}”" if title else "a work with no title"
        if kind is None:
            types = sorted({v.type or "untyped" for v in cluster})
            self.not_papers.append(
                Notice(preferred.key, 0, f"{named}: of type {' or '.join(types)}, not a paper")
            )
            return
        if not title:
            self.skipped.append(Notice(preferred.key, 0, "the work has no title; skipped"))
            return
        if published is None:
            self.skipped.append(Notice(preferred.key, 0, f"{named}: no publication year; skipped"))
            return
        if not MIN_YEAR <= published.year <= MAX_YEAR:
            self.skipped.append(
                Notice(
                    preferred.key,
                    0,
                    f"{named}: published in {published.year}, outside the years a paper may "
                    f"have here ({MIN_YEAR}–{MAX_YEAR}); skipped",
                )
            )
            return
        ids = {}
        for v in cluster:
            ids = {**v.ids, **ids}
        warnings = [notice for v in cluster for notice in v.warnings]
        kept_as_written = {}
        for name, validate in (("doi", validate_doi), ("arxiv", validate_arxiv_id)):
            # Checked here rather than by the importer, so that a strict import refuses it.
            if not ids.get(name):
                continue
            try:
                validate(ids[name])
            except ValidationError as error:
                kept_as_written[name] = ids.pop(name)
                message = f"{error.messages[0]} Kept as written."
                warnings.append(Notice(preferred.key, 0, message, field=name))
        work = ParsedWork(
            key=preferred.key,
            line=0,
            kind=kind,
            title=" ".join(title.split()),
            year=published.year,
            month=published.month,
            authors=[self.author] if self.author else [],
            venue=next((v.venue for v in cluster if v.venue), ""),
            doi=ids.get("doi", ""),
            arxiv_id=ids.get("arxiv", ""),
            url=next((v.url for v in cluster if v.url), ""),
            extra_fields=kept_as_written,
            warnings=warnings,
        )
        self.place(work)

    def place(self, work: ParsedWork) -> None:
        """A new paper, or the same as one already read (the same DOI or arXiv id, or the
        same title and year, as the importer matches papers): merged into it."""
        keys = work_keys(work)
        found = next((self.index[key] for key in keys if key in self.index), None)
        if found is not None and work.doi and found.doi and work.doi.lower() != found.doi.lower():
            # Only the title and year agree ("Editorial", 2021), and each has a DOI of its
            # own: two works. (The importer, matching on title and year too, will say so.)
            found = None
        if found is None:
            self.papers.append(work)
            for key in keys:
                self.index.setdefault(key, work)
            return
        why = next(SAME[key[0]] for key in keys if self.index.get(key) is found)
        for name in ("doi", "arxiv_id", "venue", "url", "month"):
            if not getattr(found, name) and getattr(work, name):
                setattr(found, name, getattr(work, name))
        found.warnings.extend(work.warnings)
        for key in work_keys(found):
            self.index.setdefault(key, found)
        self.merged.append(
            Notice(
                work.key,
                0,
                f"“{work.title}”: the same work as {found.key} ({why}); merged into it",
            )
        )


def work_keys(work: ParsedWork) -> list[tuple]:
    keys = [("doi", work.doi.lower()), ("arxiv", work.arxiv_id)]
    return [key for key in keys if key[1]] + [("title", work.year, normal_title(work.title))]


def display_index(summary: At) -> int:
    try:
        return summary["display-index"].number() or 0
    except Malformed:
        return 0


def version(summary: At) -> Version:
    if summary.value is None:
        raise summary.error("is missing")
    put_code = summary["put-code"].number(required=True)
    warnings: list[Notice] = []
    warn = warner(warnings, f"orcid-work-{put_code}")
    try:
        ids = external_ids(summary["external-ids"]["external-id"], warn)
    except Malformed as error:
        warn(f"{error.problem}; the identifiers are left out", "external-ids")
        ids = {}
    return Version(
        put_code=put_code,
        title=" ".join(summary["title"]["title"]["value"].text().split()),
        type=summary["type"].text(),
        published=partial_date(summary["publication-date"], warn),
        venue=" ".join(summary["journal-title"]["value"].text().split()),
        url=summary["url"]["value"].text(),
        ids=ids,
        warnings=warnings,
    )


def split(versions: list[Version]) -> list[list[Version]]:
    """The group's versions as works: one, unless versions with other titles carry other
    DOIs (works ORCID grouped by an identifier they share, such as a proceedings' ISBN)."""
    clusters: list[list[Version]] = []
    for v in versions:
        home = next((c for c in clusters if not different(c[0], v)), None)
        if home is None:
            clusters.append([v])
        else:
            home.append(v)
    return clusters


def different(a: Version, b: Version) -> bool:
    doi_a, doi_b = a.ids.get("doi", "").lower(), b.ids.get("doi", "").lower()
    titles_differ = a.title and b.title and normal_title(a.title) != normal_title(b.title)
    return bool(titles_differ and doi_a and doi_b and doi_a != doi_b)


def group_ids(group: At, preferred: Version) -> dict[str, str]:
    """The group's identifiers, for a group of one work (a bad one is left out)."""
    warnings: list[Notice] = []
    try:
        found = external_ids(group["external-ids"]["external-id"], warner(warnings, preferred.key))
    except Malformed as error:
        warnings.append(Notice(preferred.key, 0, f"{error} Left out.", field="group ids"))
        found = {}
    preferred.warnings.extend(warnings)
    return found


def external_ids(node: At, warn) -> dict[str, str]:
    """The work's own DOI and arXiv id, the first of each; an identifier that cannot be
    read is left out with a warning."""
    found = {}
    try:
        ids = node.items()
    except Malformed as error:
        warn(f"{error.problem}; the identifiers are left out", "external-ids")
        return found
    for external in ids:
        try:
            kind = external["external-id-type"].text().lower()
            value = external["external-id-value"].text()
            relation = (external["external-id-relationship"].text() or "self").lower()
        except Malformed as error:
            warn(f"{error.path} {error.problem}; this identifier is left out", "external-ids")
            continue
        # "part-of" names the journal or the book, not this work; a DOI "version-of" is
        # another version's (the preprint's), while an arXiv id is stored on the paper
        # whichever version it is.
        if value and kind == "doi" and relation == "self":
            doi = normalize_doi(value)
            found.setdefault("doi", doi)
            if doi.lower().startswith(ARXIV_DOI_PREFIX):
                found.setdefault("arxiv", normalize_arxiv_id(doi[len(ARXIV_DOI_PREFIX) :]))
        elif value and kind == "arxiv" and relation in ("self", "version-of"):
            found.setdefault("arxiv", normalize_arxiv_id(value))
    return found
