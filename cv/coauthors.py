"""al-folio's ``_data/coauthors.yml``: a family name -> the first-name spellings and the page
of each co-author of that name, which al-folio uses to link names in the publication list.

Read here into the co-authors already on the site (imported with their papers): a
researcher whose name is one of the spellings gets the page as homepage when it has none,
and the spellings as name variants, so later imports match them. Nobody is created: a
co-author who is on no paper yet is listed as not found."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from core.changes import one_content_change
from cv.profile_formats import load_yaml
from profiles.models import Researcher
from profiles.names import fold
from publications.importer import import_lock
from publications.records import ImportProblem


@dataclass(frozen=True)
class Coauthor:
    family: str
    first_names: tuple[str, ...]
    url: str

    @property
    def names(self) -> list[str]:
        return [f"{first} {self.family}" for first in self.first_names]

    def family_as_written(self, spellings) -> str:
        """The family name as the site spells it (al-folio's keys are lowercase and often
        without accents: "schrodinger" for Schrödinger)."""
        for spelling in spellings:
            for first in self.first_names:
                if fold(spelling) == fold(f"{first} {self.family}"):
                    return spelling[len(first) :].strip()
        return self.family.title()


@dataclass
class CoauthorReport:
    linked: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        done = "would be linked" if self.dry_run else "linked"
        return (
            f"Co-authors: {len(self.linked)} {done}, {len(self.unchanged)} unchanged, "
            f"{len(self.not_found)} not on the site (import their papers first)."
        )


def read_coauthors(data: str | bytes, name: str = "the file") -> list[Coauthor]:
    """ImportProblem naming each entry that is not a co-author as al-folio writes one."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    content = load_yaml(text, name)
    if not isinstance(content, dict):
        raise ImportProblem([f"{name}: not a coauthors.yml (a family name -> co-authors map)"])
    coauthors, problems = [], []
    check_url = URLValidator()
    for family, people in content.items():
        if not isinstance(people, list):
            problems.append(f"{family!s}: not a list of co-authors")
            continue
        for number, person in enumerate(people, start=1):
            where = f"{family!s}, co-author {number}"
            firsts = person.get("firstname") if isinstance(person, dict) else None
            if isinstance(firsts, str):
                firsts = [firsts]
            if not firsts or not all(isinstance(first, str) and first.strip() for first in firsts):
                problems.append(f"{where}: no firstname")
                continue
            url = str(person.get("url") or "").strip()
            try:
                check_url(url)
            except ValidationError:
                problems.append(f"{where}: url {url[:80]!r} is not a link")
                continue
            coauthors.append(
                Coauthor(str(family).strip(), tuple(first.strip() for first in firsts), url)
            )
    if problems:
        raise ImportProblem(problems)
    return coauthors


def import_coauthors(
    coauthors: list[Coauthor], *, dry_run: bool = False, wait=None
) -> CoauthorReport:
    report = CoauthorReport(dry_run=dry_run)
    with transaction.atomic():
        import_lock(wait)
        people = list(Researcher.objects.only("pk", "full_name", "name_variants", "homepage"))
        by_name = {}
        for person in people:
            for spelling in (person.full_name, *person.name_variants):
                by_name.setdefault(fold(spelling), []).append(person)
        with one_content_change():
            for coauthor in coauthors:
                label = f"{coauthor.first_names[0]} {coauthor.family.title()}"
                found = {p.pk: p for n in coauthor.names for p in by_name.get(fold(n), [])}
                if len(found) != 1:
                    report.not_found.append(label if not found else f"{label} (ambiguous)")
                    continue
                (person,) = found.values()
                spellings = (person.full_name, *person.name_variants)
                known = {fold(n) for n in spellings}
                family = coauthor.family_as_written(spellings)
                variants = [
                    name
                    for name in (f"{first} {family}" for first in coauthor.first_names)
                    if fold(name) not in known
                ]
                changed = []
                if not person.homepage:
                    person.homepage = coauthor.url
                    changed.append("homepage")
                if variants:
                    person.name_variants = [*person.name_variants, *variants]
                    changed.append("name_variants")
                if not changed:
                    report.unchanged.append(label)
                    continue
                person.save(update_fields=changed)
                report.linked.append(f"{person.full_name}: {', '.join(changed)}")
        if dry_run:
            transaction.set_rollback(True)
    return report
