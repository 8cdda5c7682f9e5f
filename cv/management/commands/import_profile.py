from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cv.profile_formats import read_profile
from cv.profile_import import KINDS, import_profile
from profiles.commands import researcher_named
from publications.importer import WAITING
from publications.records import ImportProblem

NOTHING = "Nothing was imported."


class Command(BaseCommand):
    help = (
        "Import a CV: a JSON Resume (resume.json), al-folio's _data/cv.yml or a RenderCV "
        "YAML file, told apart by their content. Positions, education, awards, service, "
        "teaching, interests, projects, languages, links and papers, in one transaction; "
        "what is already there is matched and only its empty fields filled, so importing "
        "the same file again changes nothing. A field that cannot be used is dropped with a "
        "warning naming it; --strict refuses the whole file instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--researcher",
            help="slug of the researcher to import for; default: the one with the file's "
            "ORCID iD, e-mail or name, else a new member",
        )
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="import nothing when any field or entry cannot be imported (for scripts)",
        )

    def handle(self, *args, file, researcher, dry_run, strict, verbosity, **options):
        owner = researcher_named(researcher, then=NOTHING)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}. {NOTHING}") from None
        try:
            profile = read_profile(data, str(file))
            report = import_profile(
                profile,
                researcher=owner,
                dry_run=dry_run,
                strict=strict,
                wait=lambda: self.stderr.write(WAITING),
            )
        except ImportProblem as error:
            for problem in error.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(f"{file}: cannot be imported. {NOTHING}") from None
        write_report(self, report, verbosity)


def write_report(command, report, verbosity: int) -> None:
    """What import_profile and import_hugo print: problems always, each entry on -v 2."""
    for label, items in (
        ("skipped", report.skipped + report.papers.skipped),
        ("warning", report.warnings + report.papers.warnings),
        ("ambiguous", report.papers.ambiguous),
        ("kept the editor's", report.papers.kept),
    ):
        for item in items:
            command.stderr.write(f"{label}: {item}")
    if verbosity > 1:
        for outcome in ("created", "updated", "unchanged"):
            for kind in KINDS:
                for item in getattr(report, outcome)[kind]:
                    command.stdout.write(f"{outcome} ({kind}): {item}")
        for item in report.new_organizations:
            command.stdout.write(f"new organization: {item}")
        for item in report.new_people:
            command.stdout.write(f"new researcher: {item}")
        for _, key, outcome, detail in report.papers.entries:
            command.stdout.write(f"paper {key}: {outcome}: {detail}")
    command.stdout.write(command.style.SUCCESS(report.summary()))
