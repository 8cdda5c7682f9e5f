from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.http import SourceError
from cv.orcid import Orcid, read_record
from cv.orcid_import import import_orcid
from profiles.commands import researcher_named
from publications.importer import WAITING

NOTHING = "Nothing was imported."


class Command(BaseCommand):
    help = (
        "Import an ORCID record: the researcher, positions, education, awards, service and "
        "papers, in one transaction. What is already there (same organization, title and "
        "start date; papers by DOI, arXiv id, or title and year) is not created again. A date "
        "that does not exist is kept as its month or year, with a warning; an item that "
        "cannot be imported is skipped and named, and the rest imports; --strict refuses the "
        "whole record instead."
    )
    source_class = Orcid

    def add_arguments(self, parser):
        parser.add_argument("orcid_id", metavar="ORCID_ID")
        parser.add_argument(
            "--file", type=Path, help="a saved record (the API's JSON) instead of the network"
        )
        parser.add_argument(
            "--researcher",
            help="slug of the researcher to import for; default: the one with this iD, else new",
        )
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument(
            "--overwrite", action="store_true", help="also replace paper fields an editor changed"
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="import nothing when any item cannot be imported as it is (for scripts)",
        )

    def handle(
        self, *args, orcid_id, file, researcher, dry_run, overwrite, strict, verbosity, **options
    ):
        owner = researcher_named(researcher, then=NOTHING)
        try:
            saved = file.read_bytes() if file else None
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}. {NOTHING}") from None
        try:
            record = read_record(saved, orcid_id) if file else self.source_class().record(orcid_id)
            report = import_orcid(
                record,
                researcher=owner,
                overwrite=overwrite,
                dry_run=dry_run,
                strict=strict,
                wait=lambda: self.stderr.write(WAITING),
            )
        except SourceError as error:
            raise CommandError(f"{error} {NOTHING}") from None
        details = [
            ("same name as the new researcher", report.namesakes),
            ("skipped", report.skipped + report.papers.skipped),
            ("warning", report.warnings + report.papers.warnings),
            ("merged", report.merged),
            ("ambiguous", report.papers.ambiguous),
            ("kept the editor's", report.papers.kept),
        ]
        if verbosity > 1:
            details += [(f"created ({kind})", items) for kind, items in report.created.items()]
            details += [("new organization", report.new_organizations)]
            details += [("new paper", report.papers.created), ("updated", report.papers.updated)]
        for label, items in details:
            for item in items:
                self.stdout.write(f"{label}: {item}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
