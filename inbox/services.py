"""The inbox's writes: a harvest files new works as candidates; accepting one makes it a
paper through the importer; rejecting one keeps it out for good.

A harvest asks each source first, outside any transaction (the network is slow), then files
what it found in one transaction, under a lock per researcher so that two harvests of the
same person (the command and a queued job) cannot file the same work twice. A work is new
when no paper and no candidate of the researcher, of any status, has its DOI, its arXiv id
or its normalised title, nor the candidate its source's id. Titles are compared across
years: a preprint and its published version are one work to decide on.
"""

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.http import SourceError
from inbox.models import Candidate
from inbox.sources import ArxivAuthor, CrossrefWorks, Found, Listing, OpenAlexWorks, OrcidWorks
from profiles.models import Researcher
from publications.importer import Importer, normal_title
from publications.models import Authorship, Publication
from publications.records import work_from_row

SOURCES = tuple(Candidate.Source.values)
# pg_advisory_xact_lock(key, researcher pk): one harvest of a researcher at a time.
HARVEST_LOCK = 0x5CF0_1B


@dataclass
class HarvestReport:
    researcher: str
    asked: list[str] = field(default_factory=list)  # the sources asked
    not_asked: list[str] = field(default_factory=list)  # "arXiv: no arXiv author id"
    failed: list[str] = field(default_factory=list)  # a source that did not answer
    filed: list[str] = field(default_factory=list)
    known: int = 0  # on the site already, or a candidate already (any status)
    skipped: list[str] = field(default_factory=list)  # records that cannot be read or kept

    def summary(self) -> str:
        asked = ", ".join(self.asked) or "no source"
        return (
            f"{self.researcher}: asked {asked}; {len(self.filed)} new candidates, "
            f"{self.known} known already, {len(self.skipped)} records skipped, "
            f"{len(self.failed)} sources failed."
        )


Client = Callable[[Researcher], Listing]


def default_clients() -> dict[str, Client]:
    """Each source's list of a researcher's works, by the identifier the source knows."""
    return {
        Candidate.Source.ORCID: lambda r: OrcidWorks().works(r.orcid, r.full_name),
        Candidate.Source.OPENALEX: lambda r: OpenAlexWorks().works(r.openalex_id),
        Candidate.Source.CROSSREF: lambda r: CrossrefWorks().works(r.orcid),
        Candidate.Source.ARXIV: lambda r: ArxivAuthor().works(r.arxiv_author_id),
    }


# What each source needs of the researcher, and the field's name for the report.
NEEDS = {
    Candidate.Source.ORCID: ("orcid", "no ORCID iD"),
    Candidate.Source.OPENALEX: ("openalex_id", "no OpenAlex id"),
    Candidate.Source.CROSSREF: ("orcid", "no ORCID iD"),
    Candidate.Source.ARXIV: ("arxiv_author_id", "no arXiv author id"),
}


def candidates_harvest(
    *,
    researcher: Researcher,
    sources: Iterable[str] = SOURCES,
    clients: dict[str, Client] | None = None,
) -> HarvestReport:
    clients = clients or default_clients()
    report = HarvestReport(researcher=researcher.full_name)
    listings: list[tuple[str, Listing]] = []
    for source in sources:
        label = Candidate.Source(source).label
        attname, missing = NEEDS[source]
        if not getattr(researcher, attname):
            report.not_asked.append(f"{label}: {missing}")
            continue
        report.asked.append(label)
        try:
            listings.append((source, clients[source](researcher)))
        except SourceError as error:
            report.failed.append(f"{label}: {error}")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [HARVEST_LOCK, researcher.pk])
        index = Index(researcher)
        for source, listing in listings:
            label = Candidate.Source(source).label
            report.skipped.extend(f"{label}: {why}" for why in listing.skipped)
            for found in listing.works:
                if index.knows(source, found):
                    report.known += 1
                    continue
                candidate = candidate_from(researcher, source, found)
                try:
                    candidate.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    report.skipped.append(f"{label}: {found.source_id}: {problems(error)}")
                    continue
                candidate.save()
                index.add(candidate)
                report.filed.append(f"{label}: {candidate.title}")
    return report


def problems(error: ValidationError) -> str:
    return "; ".join(f"{name}: {' '.join(why)}" for name, why in error.message_dict.items())


def candidate_from(researcher: Researcher, source: str, found: Found) -> Candidate:
    work = found.work
    return Candidate(
        researcher=researcher,
        source=source,
        source_id=found.source_id[:200],
        doi=work.doi,
        arxiv_id=work.arxiv_id,
        normalized_title=normal_title(work.title)[:500],
        title=work.title,
        year=work.year,
        venue=work.venue[:300],
        kind=work.kind,
        authors=work.authors,
        author_position=found.author_position,
        record=found.record,
        work=dataclasses.asdict(work),
    )


class Index:
    """The keys of every paper and of the researcher's candidates, read once a harvest."""

    def __init__(self, researcher: Researcher):
        self.keys: set[tuple] = set()
        for doi, arxiv_id, title in Publication.objects.values_list("doi", "arxiv_id", "title"):
            self.keys.update(work_keys(doi, arxiv_id, title))
        for candidate in Candidate.objects.for_researcher(researcher).only(
            "source", "source_id", "doi", "arxiv_id", "title"
        ):
            self.add(candidate)

    def add(self, candidate: Candidate) -> None:
        self.keys.add((candidate.source, candidate.source_id))
        self.keys.update(work_keys(candidate.doi, candidate.arxiv_id, candidate.title))

    def knows(self, source: str, found: Found) -> bool:
        work = found.work
        keys = {(source, found.source_id[:200]), *work_keys(work.doi, work.arxiv_id, work.title)}
        return bool(keys & self.keys)


def work_keys(doi: str, arxiv_id: str, title: str) -> list[tuple]:
    keys = [("title", normal_title(title))]
    if doi:
        keys.append(("doi", doi.lower()))
    if arxiv_id:
        keys.append(("arxiv", arxiv_id))
    return keys


@dataclass
class Decision:
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    not_new: list[str] = field(default_factory=list)  # decided before: left as they are
    skipped: list[str] = field(default_factory=list)  # the importer refused: still new
    warnings: list[str] = field(default_factory=list)


def pending(candidates: Iterable[Candidate], decision: Decision) -> list[Candidate]:
    """The candidates, locked, that are still new; the others are named in the decision."""
    pks = [candidate.pk for candidate in candidates]
    rows = list(Candidate.objects.filter(pk__in=pks).select_for_update().order_by("pk"))
    decision.not_new.extend(str(c) for c in rows if c.status != Candidate.Status.NEW)
    return [c for c in rows if c.status == Candidate.Status.NEW]


def candidates_accept(*, candidates: Iterable[Candidate], user, wait=None) -> Decision:
    """Each new candidate imported as a paper (created, or matched to the paper it is, whose
    fields the importer fills where empty), its researcher among the authors: one
    transaction for all. ``wait`` and ImportBusy as for ``Importer.run``."""
    decision = Decision()
    with transaction.atomic():
        groups = defaultdict(list)
        for candidate in pending(candidates, decision):
            groups[candidate.researcher_id, candidate.source].append(candidate)
        for (researcher_pk, source), group in groups.items():
            accept_group(Researcher.objects.get(pk=researcher_pk), source, group, user, decision)
    return decision


def accept_group(researcher, source, group, user, decision: Decision) -> None:
    entries = []
    for candidate in group:
        work = work_from_row(candidate.work)
        work.key = candidate.source_id
        entries.append(work)
    importer = Importer(researcher=researcher, source=source)
    report = importer.run(entries, wait=lambda: None)
    outcome = {key: (what, detail) for _, key, what, detail in report.entries}
    decision.warnings.extend(report.warnings)
    now = timezone.now()
    for candidate, entry in zip(group, entries, strict=True):
        what, detail = outcome.get(entry.key, ("skipped", "not imported"))
        if what == "skipped":
            decision.skipped.append(f"{candidate}: {detail}")
            continue
        paper = paper_of(importer, entry)
        candidate.status, candidate.publication = Candidate.Status.ACCEPTED, paper
        candidate.decided, candidate.decided_by = now, user
        candidate.save(update_fields=["status", "publication", "decided", "decided_by", "updated"])
        place_researcher(candidate, paper, importer, decision)
        decision.accepted.append(str(candidate))


def paper_of(importer: Importer, entry) -> Publication:
    keys = [
        ("doi", entry.doi.lower()),
        ("arxiv", entry.arxiv_id),
        ("title", entry.year, normal_title(entry.title)),
    ]
    pk = next(importer.index[key] for key in keys if key[-1] and key in importer.index)
    return Publication.objects.get(pk=pk)


def place_researcher(candidate: Candidate, paper: Publication, importer, decision) -> None:
    """The researcher is an author of the paper they accepted: at the place the source
    named by an id when the importer matched that name to someone else (a new name-only
    person, removed again), else added last with a warning to check the order."""
    researcher = candidate.researcher
    authorships = list(paper.authorships.order_by("position"))
    if any(a.researcher_id == researcher.pk for a in authorships):
        return
    at = next((a for a in authorships if a.position == candidate.author_position), None)
    if at is not None:
        displaced = at.researcher_id
        at.researcher = researcher
        at.save(update_fields=["researcher"])
        if (
            displaced in importer.new_ids
            and not Authorship.objects.filter(researcher=displaced).exists()
        ):
            Researcher.objects.filter(pk=displaced).delete()
        return
    last = max((a.position for a in authorships), default=0)
    Authorship.objects.create(publication=paper, researcher=researcher, position=last + 1)
    decision.warnings.append(
        f"{paper.title}: {researcher.full_name} was not matched among the authors as "
        f"printed, and was added last; check the order."
    )


def candidates_reject(*, candidates: Iterable[Candidate], user) -> Decision:
    """For good: a rejected candidate stays, and keeps the work out of later harvests."""
    decision = Decision()
    with transaction.atomic():
        rows = pending(candidates, decision)
        Candidate.objects.filter(pk__in=[c.pk for c in rows]).update(
            status=Candidate.Status.REJECTED,
            decided=timezone.now(),
            decided_by=user,
            updated=timezone.now(),
        )
        decision.rejected.extend(str(c) for c in rows)
    return decision
