"""Two researchers who are one person, made one: ``researchers_merge``.

Everything that names the merged researcher moves to the kept one, found from the model
graph rather than listed, so an entry added to any app later moves too: authorships, talk
speaker and host links, participations, every CV entry (positions, education, teaching,
interests, awards, service, project memberships, profile sections, metrics snapshots),
advisor links, aliases, and the demo loader's record of the row. A link the kept researcher
already has (both are authors of one paper, both host one talk) would break a unique
constraint: the kept researcher's row stays and the merged one's is dropped, reported.
The merged one's names become name variants of the kept one, its identifiers fill the kept
one's blanks, and its slug becomes a ``ResearcherAlias``, so its old pages redirect. One
transaction: an error leaves both as they were. The admin action and the importers (Hugo,
profile) share this.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from core.changes import content_changed, one_content_change
from core.models import SeedRecord
from cv.models import ResearcherAlias, ResearcherFigures
from profiles.models import Researcher
from profiles.services import researcher_names_changed
from publications.rendering import researcher_changed

# Researcher fields that are the person's own: kept as the kept researcher has them.
OWN_FIELDS = {"id", "slug", "full_name", "name_variants", "search_vector", "created", "updated"}
# Kinds of field whose blank the merged researcher's value fills.
FILLED_KINDS = (models.CharField, models.TextField, models.FileField, models.ForeignKey)


@dataclass
class MergeReport:
    kept: str
    merged: str
    moved: dict[str, int] = field(default_factory=dict)  # "authorships": 3
    # Links both had, one row kept: "authorship: Embedding principle in depth".
    dropped: list[str] = field(default_factory=list)
    name_variants: list[str] = field(default_factory=list)  # added to the kept researcher
    filled: list[str] = field(default_factory=list)  # fields taken from the merged one
    alias: str = ""  # the merged one's slug, now redirecting
    kept_slug: str = ""
    dry_run: bool = False

    def summary(self) -> str:
        moved = ", ".join(f"{count} {name}" for name, count in self.moved.items()) or "nothing"
        verb = "would be" if self.dry_run else "was"
        return (
            f"{self.merged} {verb} merged into {self.kept}: moved {moved}; "
            f"{len(self.dropped)} links both had kept once; "
            f"{len(self.name_variants)} names added as variants; "
            f"/people/{self.alias}/ redirects to /people/{self.kept_slug}/."
        )


class MergeError(ValueError):
    pass


@transaction.atomic
def researchers_merge(
    *, kept: Researcher, merged: Researcher, dry_run: bool = False
) -> MergeReport:
    """Moves everything of ``merged`` to ``kept`` and deletes ``merged``; ``dry_run``: the
    same, rolled back, so the report says exactly what a merge does."""
    if kept.pk == merged.pk:
        raise MergeError("A researcher cannot be merged into themselves.")
    # Fresh copies, locked: nobody edits either while they are merged.
    kept = Researcher.objects.select_for_update().get(pk=kept.pk)
    merged = Researcher.objects.select_for_update().get(pk=merged.pk)
    report = MergeReport(
        kept=kept.full_name,
        merged=merged.full_name,
        alias=merged.slug,
        kept_slug=kept.slug,
        dry_run=dry_run,
    )
    with one_content_change():
        for relation in Researcher._meta.related_objects:
            if relation.related_model is ResearcherFigures:
                # Derived, not a link: the merged one's go with it, and the kept one's are
                # recomputed by the triggers as the authorships move.
                continue
            if relation.many_to_many:
                if relation.through._meta.auto_created:
                    move_many(relation, kept, merged, report)
            else:
                move_rows(relation, kept, merged, report)
        move_seed_records(kept, merged)
        filled = take_blanks(kept, merged, report)
        if kept.user_id and merged.user_id:
            # One account edits one researcher: the merged one's stays, linked to nobody.
            report.dropped.append(f"account: {merged.user} (the kept researcher has {kept.user})")
        report.name_variants = new_variants(kept, merged)
        merged.delete()
        for name, value in filled.items():
            setattr(kept, name, value)
        kept.name_variants = [*kept.name_variants, *report.name_variants]
        kept.save()
        ResearcherAlias.objects.update_or_create(slug=merged.slug, defaults={"researcher": kept})
        # The moved papers' and talks' stored search text names the kept researcher now,
        # and so do their stored citations.
        researcher_names_changed(researcher=kept)
        researcher_changed(kept)
        content_changed()
    if dry_run:
        transaction.set_rollback(True)
    return report


@transaction.atomic
def researchers_merge_all(
    *, kept: Researcher, merged: list[Researcher], dry_run: bool = False
) -> list[MergeReport]:
    """Each of ``merged`` into ``kept``, all or none."""
    reports = [researchers_merge(kept=kept, merged=other) for other in merged]
    if dry_run:
        for report in reports:
            report.dry_run = True
        transaction.set_rollback(True)
    return reports


def move_rows(relation, kept: Researcher, merged: Researcher, report: MergeReport) -> None:
    """Each row of ``relation`` naming ``merged`` now names ``kept``; a row that would then
    repeat one of kept's (a unique constraint says so) is dropped, kept's row staying."""
    model, fk = relation.related_model, relation.field
    name = str(model._meta.verbose_name_plural)
    if fk.name != "researcher":
        name += f" ({fk.verbose_name})"  # teaching (instructor)
    moved = 0
    for row in model._default_manager.filter(**{fk.name: merged}):
        try:
            with transaction.atomic():
                model._default_manager.filter(pk=row.pk).update(**{fk.attname: kept.pk})
        except IntegrityError:
            report.dropped.append(f"{model._meta.verbose_name}: {row}")
            row.delete()
        else:
            moved += 1
    if moved:
        report.moved[name] = report.moved.get(name, 0) + moved


def move_many(relation, kept: Researcher, merged: Researcher, report: MergeReport) -> None:
    """A plain many-to-many naming ``merged`` (an education's advisors) names ``kept``."""
    accessor = relation.field.name
    rows = relation.related_model._default_manager.filter(**{accessor: merged})
    for row in rows:
        links = getattr(row, accessor)
        links.remove(merged)
        links.add(kept)
    if rows:
        name = f"{relation.related_model._meta.verbose_name} {relation.field.verbose_name}"
        report.moved[name] = len(rows)


def move_seed_records(kept: Researcher, merged: Researcher) -> None:
    """The demo loader's record of the merged row now names the kept one, so a later
    ``loaddemo`` finds it changed by an editor and leaves it be, rather than making the
    merged researcher again."""
    SeedRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Researcher), object_id=merged.pk
    ).update(object_id=kept.pk)


def take_blanks(kept: Researcher, merged: Researcher, report: MergeReport) -> dict:
    """The merged researcher's values of the text, link and identifier fields the kept one
    leaves blank (an ORCID iD, a homepage, the photo, the account): set once the merged row,
    which holds the unique ones, is gone. Flags, numbers and choices stay the kept one's."""
    filled = {}
    for model_field in Researcher._meta.concrete_fields:
        if model_field.name in OWN_FIELDS or not model_field.editable:
            continue
        if model_field.choices or not isinstance(model_field, FILLED_KINDS):
            continue
        mine, theirs = model_field.value_from_object(kept), model_field.value_from_object(merged)
        if isinstance(model_field, models.FileField):
            mine, theirs = mine.name if mine else "", theirs.name if theirs else ""
        if mine in (None, "") and theirs not in (None, ""):
            filled[model_field.attname] = theirs
            report.filled.append(str(model_field.verbose_name))
    return filled


def new_variants(kept: Researcher, merged: Researcher) -> list[str]:
    known = {name.casefold() for name in [kept.full_name, *kept.name_variants]}
    added = []
    for name in [merged.full_name, *merged.name_variants]:
        if name and name.casefold() not in known:
            known.add(name.casefold())
            added.append(name)
    return added
