from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.commands import researcher_named
from publications.bibtex_reader import read_bibtex
from publications.importer import WAITING, Importer
from publications.records import ImportProblem


class Command(BaseCommand):
    help = (
        "Import papers from a BibTeX file: new papers are created, known ones (same DOI, "
        "arXiv id, or title and year) updated where the file changed and an editor did not. "
        "A file with any bad entry is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--researcher", help="slug of the researcher whose papers these are")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument(
            "--overwrite", action="store_true", help="also replace fields an editor changed"
        )

    def handle(self, *args, file, researcher, dry_run, overwrite, verbosity, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{file}: not UTF-8 text (byte {error.start})") from None
        owner = researcher_named(researcher)
        try:
            report = Importer(owner, overwrite=overwrite).run(
                read_bibtex(text), dry_run=dry_run, wait=lambda: self.stderr.write(WAITING)
            )
        except ImportProblem as error:
            for problem in error.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(
                f"{file}: {len(error.problems)} bad entries; nothing was imported."
            ) from None
        for label, items in (
            ("ambiguous", report.ambiguous),
            ("kept the editor's", report.kept),
            ("created", report.created if verbosity > 1 else []),
            ("updated", report.updated if verbosity > 1 else []),
            ("new researcher", report.new_people if verbosity > 1 else []),
        ):
            for item in items:
                self.stdout.write(f"{label}: {item}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
