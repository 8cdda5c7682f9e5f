"""ORCID public API v3.0: a researcher's record as plain data. Parsing is pure, no ORM.

``parse_record`` turns the JSON of ``/v3.0/{iD}/record`` into frozen dataclasses; works
become ``ParsedWork``s (publications.records), so they go through the same importer as
BibTeX, Crossref and arXiv. ORCID's work summaries carry no author list: the record's own
person is the one author known. A record with a missing or wrongly typed field raises
``SourceError`` naming the field's place, e.g.
``record.activities-summary.works.group[2]...title.value``.
"""

import datetime
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError

from core.http import Source, SourceError, load_json
from core.models import DatePrecision
from core.validators import (
    ROR_RE,
    normalize_arxiv_id,
    normalize_doi,
    normalize_orcid,
    validate_orcid,
)
from publications.records import ParsedWork

# ORCID work type -> Publication.Kind. Other types (data sets, software, talks, patents...)
# are not papers and are skipped.
WORK_KINDS = {
    "journal-article": "article",
    "conference-paper": "conference",
    "preprint": "preprint",
    "working-paper": "preprint",
    "book": "book",
    "edited-book": "book",
    "book-chapter": "chapter",
    "dissertation-thesis": "thesis",
    "dissertation": "thesis",  # the v2.x name, still on older works
    "report": "report",
}


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
        return datetime.date(self.year, self.month or 1, self.day or 1)

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
    works: tuple[ParsedWork, ...] = ()
    skipped_works: tuple[str, ...] = ()  # "title: why", for works that are no paper here

    @property
    def full_name(self) -> str:
        return self.credit_name or " ".join(p for p in (self.given_name, self.family_name) if p)


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

    def error(self, problem: str) -> SourceError:
        return SourceError(f"The ORCID record is malformed: {self.path} {problem}.")


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


def parse_record(data: dict) -> OrcidRecord:
    root = At(data, "record")
    orcid_id = root["orcid-identifier"]["path"].text(required=True)
    try:
        validate_orcid(orcid_id)
    except ValidationError:
        raise root["orcid-identifier"]["path"].error("is no valid ORCID iD") from None
    name = root["person"]["name"]
    activities = root["activities-summary"]
    if activities.value is None:
        raise activities.error("is missing")
    record = OrcidRecord(
        orcid=orcid_id,
        given_name=name["given-names"]["value"].text(),
        family_name=name["family-name"]["value"].text(),
        credit_name=name["credit-name"]["value"].text(),
        biography=root["person"]["biography"]["content"].text().replace("\r\n", "\n"),
        employments=affiliations(activities, "employment"),
        educations=affiliations(activities, "education"),
        distinctions=affiliations(activities, "distinction"),
        invited_positions=affiliations(activities, "invited-position"),
        services=affiliations(activities, "service"),
    )
    works, skipped = parse_works(activities["works"], record.full_name)
    return replace(record, works=works, skipped_works=skipped)


def affiliations(activities: At, kind: str) -> tuple[Affiliation, ...]:
    """Every summary of a section ("employment" -> employments.affiliation-group[]...)."""
    found = []
    for group in activities[f"{kind}s"]["affiliation-group"].items():
        for summary in group["summaries"].items():
            found.append(affiliation(summary[f"{kind}-summary"]))
    return tuple(found)


def affiliation(summary: At) -> Affiliation:
    if summary.value is None:
        raise summary.error("is missing")
    organization = summary["organization"]
    address = organization["address"]
    return Affiliation(
        organization=" ".join(organization["name"].text(required=True).split()),
        city=address["city"].text(),
        country=address["country"].text(),
        ror_id=ror_id(organization["disambiguated-organization"]),
        department=" ".join(summary["department-name"].text().split()),
        role=" ".join(summary["role-title"].text().split()),
        start=partial_date(summary["start-date"]),
        end=partial_date(summary["end-date"]),
    )


def ror_id(disambiguated: At) -> str:
    """The ROR id when ORCID disambiguated by ROR; Ringgold and GRID ids have no field here."""
    if disambiguated["disambiguation-source"].text() != "ROR":
        return ""
    identifier = disambiguated["disambiguated-organization-identifier"]
    value = identifier.text(required=True).rstrip("/").rsplit("/", 1)[-1]  # often a URL
    if not ROR_RE.match(value):
        raise identifier.error("should be a ROR id such as 0220qvk04")
    return value


def partial_date(node: At) -> PartialDate | None:
    year = node["year"]["value"].number()
    if year is None:
        return None
    month = node["month"]["value"].number()
    day = node["day"]["value"].number() if month else None  # a day without a month means nothing
    try:
        return PartialDate(year, month, day)
    except (ValueError, OverflowError):
        raise node.error(f"is no real date ({year}-{month}-{day})") from None


def parse_works(works: At, author: str) -> tuple[tuple[ParsedWork, ...], tuple[str, ...]]:
    entries, skipped = [], []
    for group in works["group"].items():
        summaries = group["work-summary"].items()
        if not summaries:
            raise group["work-summary"].error("is empty")
        # One work as added by several sources; the preferred one has the highest index.
        work = max(summaries, key=lambda summary: summary["display-index"].number() or 0)
        title = " ".join(work["title"]["title"]["value"].text(required=True).split())
        kind = WORK_KINDS.get(work["type"].text())
        published = partial_date(work["publication-date"])
        if kind is None:
            skipped.append(f"{title}: a {work['type'].text() or 'untyped'} work, not a paper")
            continue
        if published is None:
            skipped.append(f"{title}: no publication year")
            continue
        ids = external_ids(
            work["external-ids"]["external-id"].items()
            + group["external-ids"]["external-id"].items()
        )
        entries.append(
            ParsedWork(
                key=f"orcid-work-{work['put-code'].number(required=True)}",
                line=0,
                kind=kind,
                title=title,
                year=published.year,
                month=published.month,
                authors=[author] if author else [],
                venue=" ".join(work["journal-title"]["value"].text().split()),
                doi=ids.get("doi", ""),
                arxiv_id=ids.get("arxiv", ""),
                url=work["url"]["value"].text(),
            )
        )
    return tuple(entries), tuple(skipped)


def external_ids(ids: list[At]) -> dict[str, str]:
    """The work's own DOI and arXiv id, the preferred summary's first, then the group's."""
    found = {}
    for external in ids:
        kind = external["external-id-type"].text().lower()
        value = external["external-id-value"].text()
        relation = external["external-id-relationship"].text() or "self"
        # "part-of" names the journal or the book, not this work; a DOI "version-of" is
        # another version's (the preprint's), while an arXiv id is stored on the paper
        # whichever version it is.
        if value and kind == "doi" and relation == "self":
            found.setdefault("doi", normalize_doi(value))
        elif value and kind == "arxiv" and relation in ("self", "version-of"):
            found.setdefault("arxiv", normalize_arxiv_id(value))
    return found
