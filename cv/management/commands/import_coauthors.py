from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cv.coauthors import import_coauthors, read_coauthors
from publications.importer import WAITING
from publications.records import ImportProblem

NOTHING = "Nothing was imported."


class Command(BaseCommand):
    help = (
        "Read al-folio's _data/coauthors.yml into the co-authors already on the site: each "
        "one whose name is one of the file's spellings gets the page as homepage (when it has "
        "none) and the spellings as name variants. Run it after importing the papers."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")

    def handle(self, *args, file, dry_run, verbosity, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}. {NOTHING}") from None
        try:
            coauthors = read_coauthors(data, str(file))
        except ImportProblem as error:
            for problem in error.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(f"{file}: cannot be imported. {NOTHING}") from None
        report = import_coauthors(
            coauthors, dry_run=dry_run, wait=lambda: self.stderr.write(WAITING)
        )
        if verbosity > 1:
            for item in report.linked:
                self.stdout.write(f"linked: {item}")
        for item in report.not_found:
            self.stderr.write(f"not found: {item}")
        self.stdout.write(report.summary())
