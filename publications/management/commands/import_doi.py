from django.core.management.base import BaseCommand, CommandError

from core.http import SourceError
from publications.importer import WAITING, Importer
from publications.records import ImportProblem
from publications.sources import Crossref


class Command(BaseCommand):
    help = "Import papers by DOI, from Crossref, in one transaction."
    source_class = Crossref

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="+")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--overwrite", action="store_true")

    def handle(self, *args, ids, dry_run, overwrite, **options):
        source = self.source_class()
        try:
            entries = [source.entry(identifier) for identifier in ids]
            report = Importer(overwrite=overwrite).run(
                entries, dry_run=dry_run, wait=lambda: self.stderr.write(WAITING)
            )
        except SourceError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        except ImportProblem as error:
            raise CommandError("Nothing was imported: " + "; ".join(error.problems)) from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
