from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from profiles.commands import researcher_named
from publications.bibtex_reader import DEFAULT_MARKS, Options, parse_marks, read_file
from publications.importer import WAITING, Importer
from publications.records import ImportProblem
from publications.venues import VenuesFileError, read_venues_yml


class Command(BaseCommand):
    help = (
        "Import papers from a BibTeX file: new papers are created, known ones (same DOI, "
        "arXiv id, or title and year) updated where the file changed and an editor did not. "
        "An entry that cannot be imported is skipped and named, a field that cannot be used "
        "is kept as written or dropped with a warning, and the rest imports; --strict "
        "refuses the whole file instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--researcher", help="slug of the researcher whose papers these are")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument(
            "--overwrite", action="store_true", help="also replace fields an editor changed"
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="import nothing when any entry cannot be imported (for scripts)",
        )
        parser.add_argument(
            "--marks",
            default=DEFAULT_MARKS,
            help="what author marks mean: 'alfolio' (*=equal,†=corresponding, the default), "
            "'hugo', 'site' (#=equal,*=corresponding), or a legend such as "
            "'*=equal,†=corresponding'",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="where relative links (al-folio's pdf = {paper.pdf}) are, e.g. "
            "https://example.org/assets/pdf/; without it they are kept as given",
        )
        parser.add_argument(
            "--venues",
            type=Path,
            help="al-folio's _data/venues.yml: the venues the entries' abbr names take that "
            "abbreviation as short name and its url",
        )

    def handle(self, *args, file, researcher, dry_run, overwrite, strict, verbosity, **options):
        text = read_text(file)
        venue_urls = {}
        if options["venues"] is not None:
            try:
                venue_urls = read_venues_yml(read_text(options["venues"]))
            except VenuesFileError as error:
                raise CommandError(f"{options['venues']}: {error}") from None
        try:
            marks = parse_marks(options["marks"])
        except ValueError as error:
            raise CommandError(f"--marks: {error}") from None
        owner = researcher_named(researcher)
        try:
            reading = read_file(text, Options(marks=marks, base_url=options["base_url"]))
            for notice in reading.warnings:
                self.stderr.write(f"{file}: {notice}")
            if strict and (reading.skipped or reading.warnings):
                for notice in reading.skipped:
                    self.stderr.write(f"{file}: {notice}")
                bad = len(reading.skipped) + len(reading.warnings)
                raise CommandError(f"{file}: {bad} bad entries; nothing was imported.")
            report = Importer(owner, overwrite=overwrite, strict=strict, venue_urls=venue_urls).run(
                reading.entries,
                dry_run=dry_run,
                wait=lambda: self.stderr.write(WAITING),
                skipped=reading.skipped,
            )
        except DatabaseError as error:  # a check the importer's own checks missed
            raise CommandError(
                f"{file}: the database refused the import ({error}); nothing was imported."
            ) from None
        except ImportProblem as error:
            for problem in error.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(
                f"{file}: {len(error.problems)} bad entries; nothing was imported."
            ) from None
        for label, items in (
            ("skipped", report.skipped),
            ("warning", report.warnings),
            ("ambiguous", report.ambiguous),
            ("kept the editor's", report.kept),
        ):
            for item in items:
                self.stderr.write(f"{label}: {item}")
        if verbosity > 1:
            for line, key, outcome, detail in report.entries:
                self.stdout.write(f"line {line}, entry {key}: {outcome}: {detail}")
            for item in report.new_people:
                self.stdout.write(f"new researcher: {item}")
            for item in report.venues:
                self.stdout.write(f"venue from the venues file: {item}")
        self.stdout.write(self.style.SUCCESS(report.summary()))


def read_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{file}: no such file") from None
    except UnicodeDecodeError as error:
        raise CommandError(f"{file}: not UTF-8 text (byte {error.start})") from None
