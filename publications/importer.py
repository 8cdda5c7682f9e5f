"""Citation data into the database: match papers and authors, create or update, report.

Everything runs in one transaction. Each value is checked against its column first: one
that does not fit is kept where it can be (an over-long note in ``full_note``, anything
else verbatim in ``extra_fields``) with a warning, so an entry is skipped, and reported
with its reason, only when it cannot be stored at all (a title too long); ``strict``
refuses the whole import instead. A dry run is the same import rolled back, so its report
is exactly what the import would do. New papers are written in bulk (one COPY each for
papers, authorships and import records; slugs from the slugs read once), so an
import costs a few queries per new person rather than several per paper. One import runs
at a time (a PostgreSQL advisory lock): two at once would create the same papers and
people twice, or collide on their unique keys.
"""

import datetime
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.dispatch import Signal

from core.changes import content_changed, one_content_change
from core.models import slug_base
from core.search_updates import deferred_search_updates
from core.text import single_line, strip_bidi_controls
from core.validators import normalize_orcid, validate_orcid
from profiles.models import Researcher
from profiles.names import fold, matches, name_form
from publications import rendering
from publications.bulk import copy_insert
from publications.models import Authorship, ImportRecord, Publication, Venue
from publications.records import NO_DEADLINE, Deadline, ImportProblem, Notice, ParsedWork
from publications.venues import builtin_venue, venue_key, venue_keys

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
# Sent inside the import's transaction once its papers are written, with ``works``: the
# (paper pk, ParsedWork) pairs of every paper created or matched. The apps above this one
# keep what else a work says (cv: the grants its Crossref record names).
works_imported = Signal()


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
    skipped: list[str] = field(default_factory=list)  # "line 3, entry k: why"
    warnings: list[str] = field(default_factory=list)  # "line 3, entry k, field f: what"
    kept: list[str] = field(default_factory=list)  # editor changes left alone
    new_people: list[str] = field(default_factory=list)
    matched_people: int = 0
    ambiguous: list[str] = field(default_factory=list)
    # Per entry, in file order: (line, key, what happened, the title or the reason).
    entries: list[tuple[int, str, str, str]] = field(default_factory=list)
    # Entry key -> each author as matched: (printed name, researcher pk, their name, new?).
    authors: dict[str, list[tuple[str, int, str, bool]]] = field(default_factory=dict)
    venues: list[str] = field(default_factory=list)  # "name: short_name, url" from venues.yml
    # Entry key -> the fields an update changes.
    changes: dict[str, list[str]] = field(default_factory=dict)
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{len(self.created)} papers {verb} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped, "
            f"{len(self.warnings)} warnings; {self.matched_people} authors matched, "
            f"{len(self.new_people)} new name-only researchers, {len(self.ambiguous)} ambiguous "
            f"names, {len(self.kept)} editor changes kept."
        )

    def skip(self, notice: Notice) -> None:
        self.skipped.append(str(notice))
        self.entries.append((notice.line, notice.key, "skipped", notice.message))


def normal_title(title: str) -> str:
    folded = unicodedata.normalize("NFKC", fold(title))
    return re.sub(r"[\W_]+", " ", folded).strip()


# ParsedWork attribute -> Publication field, for the plain values an import writes.
PLAIN = [
    "title",
    "volume",
    "issue",
    "pages",
    "article_number",
    "page_count",
    "arxiv_category",
    "url",
    "abstract",
    "note",
    "keywords",
    "month",
    "pmid",
    "publisher",
    "series",
    "address",
    "issn",
    "isbn",
    "venue_abbr",
    "award_name",
    "award",
    "preview",
    "annotation",
    "additional_info",
    "google_scholar_id",
    "altmetric",
    "dimensions",
]
# Publication field -> the BibTeX name a value that fits no column is kept under.
BIBTEX_NAMES = {
    "issue": "number",
    "article_number": "articleno",
    "page_count": "numpages",
    "arxiv_category": "primaryClass",
    "venue_abbr": "abbr",
    "pdf_url": "pdf",
    "code_url": "code",
}
EMPTY = ("", None, [], {})
_FIELDS = {name: f for f in Publication._meta.concrete_fields for name in {f.name, f.attname}}


class Importer:
    def __init__(
        self,
        researcher: Researcher | None = None,
        overwrite: bool = False,
        source: str = "bibtex",
        strict: bool = False,
        venue_urls: dict[str, str] | None = None,
    ):
        self.owner = researcher
        self.overwrite = overwrite
        self.source = source  # ImportRecord.source: where the papers' values came from
        # strict: any entry the models refuse refuses the import (ImportProblem), as
        # scripts want; else it is skipped and reported, and the rest imports.
        self.strict = strict
        self.report = Report()
        self.touched, self.new_ids = set(), set()
        self.written: list[tuple[int, ParsedWork]] = []
        self.decided = {}
        self.venues = {}
        self.venue_index = None  # normalised name or alias -> venue pk, read at first use
        # al-folio's venues.yml (abbr -> url) and the venues its abbreviations name.
        self.venue_urls = venue_urls or {}
        self.venue_badges = {}

    def run(
        self,
        entries: list[ParsedWork],
        dry_run: bool = False,
        *,
        wait=None,
        deadline: Deadline = NO_DEADLINE,
        skipped: list[Notice] = (),
    ) -> Report:
        """``wait`` and ImportBusy as for ``import_lock``; TooSlow past the deadline.
        ``skipped``: what the reader could not read, for the report."""
        self.report.dry_run = dry_run
        self.deadline = deadline
        for notice in skipped:
            self.report.skip(notice)
        with transaction.atomic():
            import_lock(wait)
            with deferred_search_updates(), one_content_change():
                self.import_all(entries)
            if dry_run:
                transaction.set_rollback(True)
        self.report.entries.sort(key=lambda row: row[0])
        return self.report

    def import_all(self, entries: list[ParsedWork]) -> None:
        # Read under the lock, so that what an import before this one added is known.
        self.load_index()
        self.people = [
            (person, [person.full_name, *person.name_variants])
            for person in Researcher.objects.only(
                "id", "full_name", "name_variants", "user", "is_member", "orcid", "slug"
            )
        ]
        self.by_orcid = {person.orcid: person for person, _ in self.people if person.orcid}
        problems, plans = [], []
        for entry in entries:
            self.deadline.check()
            try:
                plans.append(self.plan(entry))
            except ValidationError as error:
                problems.append(Notice(entry.key, entry.line, "; ".join(error.messages)))
        if problems and self.strict:
            raise ImportProblem([str(n) for n in problems])
        for notice in problems:
            self.report.skip(notice)
        self.create([plan for plan in plans if plan.paper is None])
        self.update([plan for plan in plans if plan.paper is not None])
        for plan in plans:
            self.report.warnings.extend(str(n) for n in plan.warnings)
        self.fill_venue_badges()
        if self.written:
            works_imported.send(sender=Importer, works=self.written)
        # One update of the stored search vectors for what changed, not one per row.
        Publication.objects.filter(pk__in=self.touched).update_search_vector()
        Researcher.objects.filter(pk__in=self.new_ids).update_search_vector()
        if (self.touched or self.report.venues) and not self.report.dry_run:
            # The papers' keys and fragments, in bulk, and the list's counts (which show
            # the venues' badges). Not for a dry run, rolled back: nobody would read them.
            rendering.written_in_bulk(self.touched)

    def load_index(self) -> None:
        """Every paper's DOI, arXiv id and (year, normalised title), read once per import."""
        self.index = {}
        self.slugs = set()
        for pk, doi, arxiv_id, year, title, slug in Publication.objects.values_list(
            "pk", "doi", "arxiv_id", "year", "title", "slug"
        ):
            self.remember(pk, doi, arxiv_id, year, title)
            self.slugs.add(slug)

    def remember(self, pk, doi, arxiv_id, year, title) -> None:
        if doi:
            self.index.setdefault(("doi", doi.lower()), pk)
        if arxiv_id:
            self.index.setdefault(("arxiv", arxiv_id), pk)
        self.index.setdefault(("title", year, normal_title(title)), pk)

    def find(self, entry: ParsedWork, values: dict):
        """The same paper (its pk, or the Plan of one this import creates): the DOI, or the
        arXiv id, or the normalised title and year agree."""
        keys = [("doi", values["doi"].lower()), ("arxiv", values["arxiv_id"])]
        keys.append(("title", entry.year, normal_title(entry.title)))
        return next((self.index[key] for key in keys if key[-1] and key in self.index), None)

    def plan(self, entry: ParsedWork) -> "Plan":
        values, warnings = self.values(entry)
        found = self.find(entry, values)
        if isinstance(found, Plan):
            raise ValidationError(
                f"the same paper as entry {found.entry.key} (line {found.entry.line}): "
                "same DOI, arXiv id, or title and year; skipped"
            )
        for name in ("doi", "arxiv_id"):
            kind = "doi" if name == "doi" else "arxiv"
            owner = self.index.get((kind, values[name].lower() if kind == "doi" else values[name]))
            if values[name] and owner is not None and owner != found:
                warnings.append(
                    Notice(entry.key, entry.line, "another paper has it; dropped", field=name)
                )
                values[name] = ""
        plan = Plan(entry, values, warnings, paper=found)
        if found is None:
            self.remember(plan, values["doi"], values["arxiv_id"], entry.year, entry.title)
            plan.keys = [
                ("doi", values["doi"].lower()),
                ("arxiv", values["arxiv_id"]),
                ("title", entry.year, normal_title(entry.title)),
            ]
        return plan

    def values(self, entry: ParsedWork) -> tuple[dict, list[Notice]]:
        """The Publication values of an entry, each checked against its column: what does
        not fit is kept in extra_fields (or, for the note, in full_note), with a notice."""
        warnings = list(entry.warnings)
        extra = dict(entry.extra_fields)

        def notice(name: str, message: str) -> None:
            warnings.append(Notice(entry.key, entry.line, message, field=name))

        values = {
            "title": entry.title,
            "kind": entry.kind,
            "status": Publication.Status.PREPRINT
            if entry.kind == Publication.Kind.PREPRINT
            else Publication.Status.PUBLISHED,
            "year": entry.year,
            "doi": entry.doi,
            "arxiv_id": entry.arxiv_id,
            **{name: getattr(entry, name) for name in PLAIN},
            "date": entry.date or None,
            "et_al": True if entry.et_al else None,
            "featured": entry.featured,
            "bibtex_show": entry.bibtex_show,
            "full_note": "",
        }
        if self.source == "bibtex":
            values["citation_key"] = entry.key
        links = dict(entry.links)
        for kind in ("pdf", "code"):
            url = links.get(kind, "")
            if url.startswith(("https://", "http://")):
                values[f"{kind}_url"] = links.pop(kind)
        values["links"] = links
        note = values["note"]
        if len(note) > _FIELDS["note"].max_length:
            values["note"], values["full_note"] = "", note
            notice("note", "too long for the badge; kept whole as the paper's full note")
        for name, value in list(values.items()):
            model_field = _FIELDS.get(name)
            if value in EMPTY or model_field is None or name in ("kind", "status", "year"):
                continue
            try:
                values[name] = model_field.clean(value, None)
            except ValidationError as error:
                if name == "title":
                    raise ValidationError(
                        f"the title cannot be stored: {error.messages[0]}"
                    ) from None
                bibtex_name = BIBTEX_NAMES.get(name, name)
                extra[bibtex_name] = (
                    str(value) if not isinstance(value, list) else ("; ".join(value))
                )
                notice(bibtex_name, f"{' '.join(error.messages)} Kept as written.")
                values[name] = (
                    []
                    if isinstance(value, list)
                    else (None if name in ("page_count", "month", "date") else "")
                )
        if entry.date:
            values["date"] = values["date"] or None
        values["extra_fields"] = extra
        values["venue"] = self.venue(entry)
        values = {k: strip_bidi_controls(v) if _single_line(k) else v for k, v in values.items()}
        return values, warnings

    def venue(self, entry: ParsedWork) -> int | None:
        if not entry.venue:
            return None
        # Read once per name and import: a file names the same few venues many times.
        if (known := self.venues.get(entry.venue.lower())) is None:
            known = self.venues[entry.venue.lower()] = self.find_venue(entry)
        if (url := self.venue_urls.get(entry.venue_abbr)) is not None:
            self.venue_badges.setdefault(known, (entry.venue_abbr, url))
        return known

    def find_venue(self, entry: ParsedWork) -> int:
        """A venue of this name, after normalisation, or of one of its aliases (its own or
        the built-in table's); else a new venue, named as the table names it if it is
        there."""
        if self.venue_index is None:
            # A name as written wins over one that only normalises alike.
            self.venue_exact, self.venue_index = {}, {}
            for pk, *names in Venue.objects.order_by("pk").values_list(
                "pk", "name", "short_name", "aliases"
            ):
                for name in (names[0], names[1], *names[2]):
                    self.venue_exact.setdefault(fold(name).strip(), pk)
                    if key := venue_key(name):
                        self.venue_index.setdefault(key, pk)
        keys = venue_keys(entry.venue)
        pk = self.venue_exact.get(fold(entry.venue).strip())
        if pk is None:
            pk = next((self.venue_index[key] for key in keys if key in self.venue_index), None)
        if pk is None:
            row = builtin_venue(keys)
            if row is not None:
                row_keys = [venue_key(n) for n in (row["name"], row["short_name"], *row["aliases"])]
                pk = next((self.venue_index[k] for k in row_keys if k in self.venue_index), None)
                if pk is None:
                    pk = Venue.objects.create(
                        name=row["name"], short_name=row["short_name"], kind=row["kind"]
                    ).pk
                keys += row_keys
            else:
                kind = VENUE_KINDS.get(entry.kind, Venue.Kind.JOURNAL)
                pk = Venue.objects.create(name=entry.venue[:300], kind=kind).pk
        for key in keys:
            self.venue_index.setdefault(key, pk)
        return pk

    def fill_venue_badges(self) -> None:
        """al-folio's venues.yml: a venue its entries' abbr names takes that abbreviation
        as its short name and the file's url, where the venue has none yet."""
        venues = Venue.objects.in_bulk(self.venue_badges)
        url_field = Venue._meta.get_field("url")
        for pk, (abbr, url) in self.venue_badges.items():
            venue, changed = venues[pk], []
            if not venue.short_name and abbr:
                venue.short_name = abbr[:60]
                changed.append("short_name")
            if not venue.url and url:
                try:
                    venue.url = url_field.clean(url, venue)
                    changed.append("url")
                except ValidationError:
                    self.report.warnings.append(f"venues file, {abbr}: {url} is no URL; dropped")
            if changed:
                venue.save(update_fields=changed)
                self.report.venues.append(f"{venue.name}: {', '.join(changed)}")

    def create(self, plans: list["Plan"]) -> None:
        """New papers in bulk: one insert per batch for papers, authorships and records."""
        if not plans:
            return
        papers = []
        for plan in plans:
            row = {("venue_id" if k == "venue" else k): v for k, v in plan.values.items()}
            row = {k: v for k, v in row.items() if v is not None or _FIELDS[k].null}
            paper = Publication(**row)
            paper.slug = self.slug(paper.title)
            papers.append(paper)
        copy_insert(papers)
        rows, records = [], []
        for plan, paper in zip(plans, papers, strict=True):
            self.deadline.check()
            self.index_plan(plan, paper.pk)
            self.touched.add(paper.pk)
            self.written.append((paper.pk, plan.entry))
            rows.extend(self.authorships(paper, plan.entry))
            records.append(
                ImportRecord(
                    publication=paper,
                    source=self.source,
                    key=plan.entry.key[:200],
                    values=_jsonable(plan.values),
                )
            )
            self.report.created.append(plan.entry.title)
            self.report.entries.append(
                (plan.entry.line, plan.entry.key, "created", plan.entry.title)
            )
        # No signal is missed: search updates are deferred to the end of the import and the
        # content version is bumped once for it.
        copy_insert(rows)
        copy_insert(records)
        content_changed()

    def index_plan(self, plan: "Plan", pk: int) -> None:
        for key in plan.keys:
            if self.index.get(key) is plan:
                self.index[key] = pk

    def slug(self, title: str) -> str:
        # As core.models.unique_slug, against the slugs read once rather than a query each.
        base = slug_base(title) or "publication"
        candidate, n = base, 1
        while candidate in self.slugs:
            n += 1
            candidate = f"{base}-{n}"
        self.slugs.add(candidate)
        return candidate

    def update(self, plans: list["Plan"]) -> None:
        if not plans:
            return
        pks = [plan.paper for plan in plans]
        papers = Publication.objects.in_bulk(pks)
        records = {r.publication_id: r for r in ImportRecord.objects.filter(publication__in=pks)}
        authored = set(
            Authorship.objects.filter(publication__in=pks).values_list("publication", flat=True)
        )
        for plan in plans:
            self.deadline.check()
            self.update_one(plan, papers[plan.paper], records.get(plan.paper), authored)

    def update_one(self, plan: "Plan", paper: Publication, record, authored: set) -> None:
        entry, values = plan.entry, plan.values
        self.written.append((paper.pk, entry))
        last = record.values if record else {}
        changed = []
        for name, new in values.items():
            attname = "venue_id" if name == "venue" else name
            current = getattr(paper, attname)
            if new in EMPTY or new == current:
                continue
            untouched = current in EMPTY or (name in last and last[name] == _json_value(current))
            if untouched or self.overwrite:
                setattr(paper, attname, new)
                changed.append(name)
            else:
                self.report.kept.append(f"{paper.title}: {name}")
        if changed:
            try:
                with transaction.atomic():
                    paper.full_clean(exclude=["slug", "venue"])
                    paper.save()
            except ValidationError as error:
                fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
                if self.strict:
                    raise ImportProblem(
                        [f"line {entry.line}, entry {entry.key}: {fields}"]
                    ) from None
                self.report.skip(Notice(entry.key, entry.line, fields))
                return
            self.touched.add(paper.pk)
        if paper.pk not in authored:
            Authorship.objects.bulk_create(self.authorships(paper, entry))
            self.touched.add(paper.pk)
            changed.append("authors")
            content_changed()  # bulk_create sends no signal
        if changed:
            self.report.changes[entry.key] = changed
            self.report.updated.append(f"{paper.title}: {', '.join(changed)}")
            self.report.entries.append(
                (entry.line, entry.key, "updated", f"{paper.title}: {', '.join(changed)}")
            )
        else:
            self.report.unchanged.append(paper.title)
            self.report.entries.append((entry.line, entry.key, "unchanged", paper.title))
        stored = _jsonable(values)
        if record is None or (record.key, record.values) != (entry.key, stored):
            ImportRecord.objects.update_or_create(
                publication=paper,
                defaults={"source": self.source, "key": entry.key[:200], "values": stored},
            )

    def authorships(self, paper: Publication, entry: ParsedWork) -> list[Authorship]:
        used, rows = set(), []
        equal, corresponding = set(entry.equal_contribution), set(entry.corresponding)
        orcids = entry_orcids(entry)
        matched = self.report.authors[entry.key] = []
        for position, name in enumerate(entry.authors, start=1):
            self.deadline.check()  # each new name is compared with every person known
            name = strip_bidi_controls(name)  # the bulk_create skips pre_save's
            person = self.person(name, used, entry, orcids.get(name_form(name), ""))
            used.add(person.pk)
            matched.append((name, person.pk, person.full_name, person.pk in self.new_ids))
            printed = "" if _fold(name) == _fold(person.full_name) else name[:200]
            rows.append(
                Authorship(
                    publication=paper,
                    researcher=person,
                    position=position,
                    printed_name=printed,
                    equal_contribution=position in equal,
                    corresponding=position in corresponding,
                    other_marks=entry.other_marks.get(position, "")[:10],
                )
            )
        return rows

    def person(self, name: str, used: set, entry: ParsedWork, orcid: str = "") -> Researcher:
        # One printed name (and ORCID) is one person throughout an import.
        decided = self.decided.get((name, orcid))
        if decided is not None and decided.pk not in used:
            self.report.matched_people += 1
            return decided
        self.decided[name, orcid] = person = self.choose(name, used, entry, orcid)
        return person

    def choose(self, name: str, used: set, entry: ParsedWork, orcid: str = "") -> Researcher:
        known = self.by_orcid.get(orcid) if orcid else None
        if known is not None and known.pk not in used:
            self.report.matched_people += 1
            return known
        found = [p for p in matches(name, self.people) if p.pk not in used]
        if orcid:  # the file says who this is: a namesake with another iD is someone else
            found = [p for p in found if not p.orcid]
        if self.owner is not None and self.owner in found:
            found = [self.owner]  # the file's own researcher, named on their own papers
        if len(found) == 1:
            self.report.matched_people += 1
            return found[0]
        if found and (namesake := self.namesake(name, found, used, entry)) is not None:
            self.report.matched_people += 1
            return namesake
        if found:
            names = ", ".join(sorted(p.full_name for p in found))
            self.report.ambiguous.append(f"{name}: could be {names}; added as a new name")
        parts = name.rsplit(" ", 1)
        person = Researcher.objects.create(
            full_name=name[:200],
            given_name=parts[0][:100] if len(parts) == 2 else "",
            family_name=parts[-1][:100],
            orcid=orcid,
        )
        self.people.append((person, [name]))
        if orcid:
            self.by_orcid[orcid] = person
        self.new_ids.add(person.pk)
        self.report.new_people.append(name)
        return person

    def namesake(self, name: str, found: list, used: set, entry: ParsedWork):
        """Among several possible people, the name-only one of exactly this name who
        already writes with this file's researcher (or, with none given, the only one of
        that name), so that each import does not add one more "Ying Zhang". Several such:
        the one sharing the most papers with the researcher and this entry's authors so
        far, with a warning."""
        form = name_form(name)
        same = [
            p
            for p in found
            if not p.is_member
            and any(name_form(n) == form for n in (p.full_name, *p.name_variants))
        ]
        if not same:
            return None
        if self.owner is None and len(same) == 1:
            return same[0]
        circle = used | ({self.owner.pk} if self.owner is not None else set())
        shared = Counter(
            dict(
                Authorship.objects.filter(
                    researcher__in=same, publication__authorships__researcher__in=circle
                )
                .values("researcher")
                .annotate(papers=Count("publication", distinct=True))
                .values_list("researcher", "papers")
            )
        )
        ranked = sorted((p for p in same if shared[p.pk]), key=lambda p: (-shared[p.pk], p.pk))
        if len(ranked) > 1:
            others = ", ".join(f"{p.slug} ({shared[p.pk]})" for p in ranked[1:])
            message = (
                f"author {name}: {len(ranked)} co-authors have this name; reused "
                f"{ranked[0].slug}, who shares the most papers ({shared[ranked[0].pk]}), "
                f"not {others}"
            )
            self.report.warnings.append(str(Notice(entry.key, entry.line, message)))
        return ranked[0] if ranked else None


def entry_orcids(entry: ParsedWork) -> dict:
    """Web of Science's ``ORCID-Numbers = {Zhang, Ying/0000-0002-1825-0097; ...}``: the
    name form of each author given an iD -> the iD (ones that are no iD are left out)."""
    text = next((v for k, v in entry.extra_fields.items() if k.lower() == "orcid-numbers"), "")
    orcids = {}
    for item in re.split(r"[;\n]", text):
        person, _, value = item.rpartition("/")
        value = normalize_orcid(value.strip())
        try:
            validate_orcid(value)
        except ValidationError:
            continue
        if (form := name_form(person.strip())) is not None:
            orcids[form] = value
    return orcids


@dataclass
class Plan:
    """One entry's checked values and the paper they go to (its pk; None: a new paper)."""

    entry: ParsedWork
    values: dict
    warnings: list[Notice]
    paper: int | None = None
    keys: list[tuple] = field(default_factory=list)  # where a new paper stands in the index


_fold = lru_cache(maxsize=50_000)(fold)


def _json_value(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _jsonable(values: dict) -> dict:
    return {name: _json_value(value) for name, value in values.items()}


def _single_line(name: str) -> bool:
    model_field = _FIELDS.get(name)
    return model_field is not None and single_line(model_field)
