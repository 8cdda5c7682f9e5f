from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cv.hugo import import_hugo, read_site
from cv.management.commands.import_profile import write_report
from profiles.commands import researcher_named
from publications.bibtex_reader import parse_marks
from publications.importer import WAITING
from publications.records import ImportProblem

NOTHING = "Nothing was imported."


class Command(BaseCommand):
    help = (
        "Import a Hugo Blox (Wowchemy, Hugo Academic) site: the owner's author profile "
        "(content/authors/admin/_index.md or data/authors/me.yaml) and every paper in "
        "content/publication(s)/*/index.md, its front matter over its cite.bib, in one "
        "transaction. Known papers and entries are matched, so importing again changes "
        "nothing; a paper that cannot be read is skipped and named (--strict refuses all)."
    )

    def add_arguments(self, parser):
        parser.add_argument("site", type=Path, metavar="SITE_DIR")
        parser.add_argument(
            "--researcher",
            help="slug of the researcher the site is for; default: the one matching the "
            "owner's profile, else a new member",
        )
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="import nothing when any paper, field or entry cannot be imported",
        )
        parser.add_argument(
            "--overwrite", action="store_true", help="also replace paper fields an editor changed"
        )
        parser.add_argument(
            "--marks",
            default="hugo",
            help="what marks after author names mean (as import_bibtex's --marks)",
        )

    def handle(self, *args, site, researcher, dry_run, strict, overwrite, verbosity, **options):
        owner = researcher_named(researcher, then=NOTHING)
        try:
            parse_marks(options["marks"])
        except ValueError as error:
            raise CommandError(f"--marks: {error}") from None
        try:
            read = read_site(site, marks=options["marks"])
            report = import_hugo(
                read,
                researcher=owner,
                dry_run=dry_run,
                strict=strict,
                overwrite=overwrite,
                wait=lambda: self.stderr.write(WAITING),
            )
        except ImportProblem as error:
            for problem in error.problems:
                self.stderr.write(f"{site}: {problem}")
            raise CommandError(f"{site}: cannot be imported. {NOTHING}") from None
        write_report(self, report, verbosity)
