"""Citation data into the database: match papers and authors, create or update, report.

Everything runs in one transaction: a file the reader refused never gets here, an entry
the models refuse (a malformed DOI, say) rolls the whole import back with each problem
named, and a dry run is the same import rolled back, so its report is exactly what the
import would do. One import runs at a time (a PostgreSQL advisory lock): two at once would
create the same papers and people twice, or collide on their unique keys.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q

from core.changes import content_changed, one_content_change
from core.search_updates import deferred_search_updates
from core.text import strip_bidi_controls
from profiles.models import Researcher
from profiles.names import fold, matches
from publications.models import Authorship, ImportRecord, Publication, Venue
from publications.records import NO_DEADLINE, Deadline, ImportProblem, ParsedWork

# The kind of venue created for a new paper's venue; a journal for any other kind of paper.
VENUE_KINDS = {
    Publication.Kind.JOURNAL_ARTICLE: Venue.Kind.JOURNAL,
    Publication.Kind.CONFERENCE_PAPER: Venue.Kind.CONFERENCE,
    Publication.Kind.WORKSHOP_PAPER: Venue.Kind.WORKSHOP,
    Publication.Kind.BOOK: Venue.Kind.BOOK,
    Publication.Kind.CHAPTER: Venue.Kind.BOOK,
}
# pg_advisory_xact_lock's key for imports and loaddemo (scholarfolio.demo), which must
# not write papers and people at the same time: any number no other lock uses.
IMPORT_LOCK = 0x5CF0_1A10


WAITING = "Another import is running; waiting for it to finish."


class ImportBusy(Exception):
    def __init__(self):
        super().__init__("Another import is running; try again when it has finished.")


def import_lock(wait=None) -> None:
    """Takes the import lock for the current transaction (released at commit or rollback;
    taking it again in the same transaction is free). Without ``wait``, raises ImportBusy
    when another import holds it; with it, calls ``wait()`` and waits for the lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
        if cursor.fetchone()[0]:
            return
        if wait is None:
            raise ImportBusy
        wait()
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # "title: field, field"
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # editor changes left alone
    new_people: list[str] = field(default_factory=list)
    matched_people: int = 0
    ambiguous: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{len(self.created)} papers {verb} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged; {self.matched_people} authors matched, "
            f"{len(self.new_people)} new name-only researchers, {len(self.ambiguous)} ambiguous "
            f"names, {len(self.kept)} editor changes kept."
        )


def normal_title(title: str) -> str:
    folded = unicodedata.normalize("NFKC", fold(title))
    return re.sub(r"[\W_]+", " ", folded).strip()


class Importer:
    def __init__(
        self, researcher: Researcher | None = None, overwrite: bool = False, source: str = "bibtex"
    ):
        self.owner = researcher
        self.overwrite = overwrite
        self.source = source  # ImportRecord.source: where the papers' values came from
        self.report = Report()
        self.touched, self.new_ids = set(), set()
        self.decided = {}
        self.venues = {}

    def run(
        self,
        entries: list[ParsedWork],
        dry_run: bool = False,
        *,
        wait=None,
        deadline: Deadline = NO_DEADLINE,
    ) -> Report:
        """``wait`` and ImportBusy as for ``import_lock``; TooSlow past the deadline."""
        self.report.dry_run = dry_run
        self.deadline = deadline
        with transaction.atomic():
            import_lock(wait)
            with deferred_search_updates(), one_content_change():
                self.import_all(entries)
            if dry_run:
                transaction.set_rollback(True)
        return self.report

    def import_all(self, entries: list[ParsedWork]) -> None:
        # Read under the lock, so that what an import before this one added is known.
        self.load_index()
        self.people = [
            (person, [person.full_name, *person.name_variants])
            for person in Researcher.objects.only("id", "full_name", "name_variants", "user")
        ]
        problems = []
        for entry in entries:
            self.deadline.check()
            try:
                with transaction.atomic():
                    self.import_entry(entry)
            except ValidationError as error:
                fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
                problems.append(f"line {entry.line}, entry {entry.key}: {fields}")
        if problems:
            raise ImportProblem(problems)
        # One update of the stored search vectors for what changed, not one per row.
        Publication.objects.filter(pk__in=self.touched).update_search_vector()
        Researcher.objects.filter(pk__in=self.new_ids).update_search_vector()

    def load_index(self) -> None:
        """Every paper's DOI, arXiv id and (year, normalised title), read once per import."""
        self.index = {}
        for pk, doi, arxiv_id, year, title in Publication.objects.values_list(
            "pk", "doi", "arxiv_id", "year", "title"
        ):
            self.remember(pk, doi, arxiv_id, year, title)

    def remember(self, pk, doi, arxiv_id, year, title) -> None:
        if doi:
            self.index.setdefault(("doi", doi.lower()), pk)
        if arxiv_id:
            self.index.setdefault(("arxiv", arxiv_id), pk)
        self.index.setdefault(("title", year, normal_title(title)), pk)

    def find(self, entry: ParsedWork) -> Publication | None:
        """The same paper: the DOI, or the arXiv id, or the normalised title and year agree."""
        keys = [("doi", entry.doi.lower()), ("arxiv", entry.arxiv_id)]
        keys.append(("title", entry.year, normal_title(entry.title)))
        pk = next((self.index[key] for key in keys if key[-1] and key in self.index), None)
        return None if pk is None else Publication.objects.get(pk=pk)

    def values(self, entry: ParsedWork) -> dict:
        return {
            "title": entry.title,
            "kind": entry.kind,
            "status": Publication.Status.PREPRINT
            if entry.kind == Publication.Kind.PREPRINT
            else Publication.Status.PUBLISHED,
            "year": entry.year,
            "venue": self.venue(entry),
            "volume": entry.volume,
            "issue": entry.issue,
            "pages": entry.pages,
            "doi": entry.doi,
            "arxiv_id": entry.arxiv_id,
            "arxiv_category": entry.arxiv_category,
            "url": entry.url,
            "abstract": entry.abstract,
            "note": entry.note,
            "keywords": entry.keywords,
        }

    def venue(self, entry: ParsedWork) -> int | None:
        if not entry.venue:
            return None
        # Read once per name and import: a file names the same few venues many times.
        if (known := self.venues.get(entry.venue.lower())) is not None:
            return known
        venue = Venue.objects.filter(
            Q(name__iexact=entry.venue) | Q(short_name__iexact=entry.venue)
        ).first()
        if venue is None:
            kind = VENUE_KINDS.get(entry.kind, Venue.Kind.JOURNAL)
            venue = Venue.objects.create(name=entry.venue[:300], kind=kind)
        self.venues[entry.venue.lower()] = venue.pk
        return venue.pk

    def import_entry(self, entry: ParsedWork) -> None:
        values = self.values(entry)
        paper = self.find(entry)
        if paper is None:
            paper = Publication(**{f"{k}_id" if k == "venue" else k: v for k, v in values.items()})
            paper.full_clean(exclude=["slug", "venue"])
            paper.save()
            self.remember(paper.pk, paper.doi, paper.arxiv_id, paper.year, paper.title)
            self.touched.add(paper.pk)
            self.add_authors(paper, entry)
            ImportRecord.objects.create(
                publication=paper, source=self.source, key=entry.key, values=values
            )
            self.report.created.append(entry.title)
            return
        record = ImportRecord.objects.filter(publication=paper).first()
        last = record.values if record else {}
        changed = []
        for name, new in values.items():
            attname = "venue_id" if name == "venue" else name
            current = getattr(paper, attname)
            if new in ("", None, []) or new == current:
                continue
            untouched = current in ("", None, []) or (name in last and last[name] == current)
            if untouched or self.overwrite:
                setattr(paper, attname, new)
                changed.append(name)
            else:
                self.report.kept.append(f"{paper.title}: {name}")
        if changed:
            paper.full_clean(exclude=["slug", "venue"])
            paper.save()
            self.touched.add(paper.pk)
        if not paper.authorships.exists():
            self.add_authors(paper, entry)
            self.touched.add(paper.pk)
            changed.append("authors")
            content_changed()  # bulk_create sends no signal
        if changed:
            self.report.updated.append(f"{paper.title}: {', '.join(changed)}")
        else:
            self.report.unchanged.append(paper.title)
        if record is None or (record.key, record.values) != (entry.key, values):
            ImportRecord.objects.update_or_create(
                publication=paper,
                defaults={"source": self.source, "key": entry.key, "values": values},
            )

    def add_authors(self, paper: Publication, entry: ParsedWork) -> None:
        used, rows = set(), []
        for position, name in enumerate(entry.authors, start=1):
            self.deadline.check()  # each new name is compared with every person known
            name = strip_bidi_controls(name)  # the bulk_create below skips pre_save's
            person = self.person(name, used)
            used.add(person.pk)
            printed = "" if fold(name) == fold(person.full_name) else name
            rows.append(
                Authorship(
                    publication=paper, researcher=person, position=position, printed_name=printed
                )
            )
        # One insert per paper; no signal is missed: search updates are deferred to the end
        # of the import and the content version is bumped once for it.
        Authorship.objects.bulk_create(rows)

    def person(self, name: str, used: set) -> Researcher:
        # One printed name is one person throughout an import, however it was decided.
        decided = self.decided.get(name)
        if decided is not None and decided.pk not in used:
            self.report.matched_people += 1
            return decided
        self.decided[name] = person = self.choose(name, used)
        return person

    def choose(self, name: str, used: set) -> Researcher:
        found = [p for p in matches(name, self.people) if p.pk not in used]
        if self.owner is not None and self.owner in found:
            found = [self.owner]  # the file's own researcher, named on their own papers
        if len(found) == 1:
            self.report.matched_people += 1
            return found[0]
        if found:
            names = ", ".join(sorted(p.full_name for p in found))
            self.report.ambiguous.append(f"{name}: could be {names}; added as a new name")
        parts = name.rsplit(" ", 1)
        person = Researcher.objects.create(
            full_name=name[:200],
            given_name=parts[0][:100] if len(parts) == 2 else "",
            family_name=parts[-1][:100],
        )
        self.people.append((person, [name]))
        self.new_ids.add(person.pk)
        self.report.new_people.append(name)
        return person
