from django.core.management.base import BaseCommand, CommandError

from inbox.services import SOURCES, candidates_harvest
from inbox.tasks import harvest_later
from profiles.commands import researcher_named
from profiles.models import Researcher


class Command(BaseCommand):
    help = (
        "Ask ORCID (by iD), OpenAlex (by author id), Crossref (by ORCID iD) and arXiv (by "
        "author identifier) for the works of a member, or of every member, and file each "
        "one not on the site yet, nor a candidate already, as a candidate in the works "
        "inbox (admin: Works inbox). Nothing is published until it is accepted there. A "
        "record that cannot be read is reported and skipped; a source that does not answer "
        "is reported and the others are still asked."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--researcher", help="slug: this researcher only; default: every member"
        )
        parser.add_argument(
            "--source",
            action="append",
            choices=SOURCES,
            help="ask only this source (repeat for several); default: all four",
        )
        parser.add_argument(
            "--defer",
            action="store_true",
            help="queue a job per researcher for the worker instead of harvesting now",
        )

    def handle(self, *args, researcher, source, defer, verbosity, **options):
        sources = source or list(SOURCES)
        owner = researcher_named(researcher)
        people = (
            [owner] if owner else list(Researcher.objects.members().order_by("sort_order", "slug"))
        )
        if not people:
            raise CommandError("No member to harvest: mark researchers as members first.")
        for person in people:
            if defer:
                queued = harvest_later(person, sources)
                self.stdout.write(
                    f"{person.full_name}: "
                    + ("queued for the worker." if queued else "a harvest is queued already.")
                )
                continue
            report = candidates_harvest(researcher=person, sources=sources)
            for line in report.not_asked if verbosity > 1 else ():
                self.stdout.write(f"  not asked: {line}")
            for line in report.filed if verbosity > 1 else ():
                self.stdout.write(f"  new: {line}")
            for line in report.skipped:
                self.stderr.write(f"  skipped: {line}")
            for line in report.failed:
                self.stderr.write(f"  failed: {line}")
            self.stdout.write(self.style.SUCCESS(report.summary()))
