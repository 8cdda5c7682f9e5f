from django.core.management.base import BaseCommand, CommandError

from core.http import SourceError
from profiles.commands import researcher_named
from publications.models import Publication
from publications.sources import OpenAlex


class Command(BaseCommand):
    help = (
        "Copy citation counts, total and per year, from OpenAlex into every paper with a DOI "
        "(or one researcher's papers), in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("--researcher", help="slug: only this researcher's papers")

    def handle(self, *args, researcher, **options):
        papers = Publication.objects.exclude(doi="")
        if owner := researcher_named(researcher):
            papers = papers.filter(authorships__researcher=owner)
        try:
            result = OpenAlex().sync_citations(list(papers.order_by("pk")))
        except SourceError as error:
            raise CommandError(f"{error} No counts were changed.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.papers} papers with a DOI: {result.updated} updated, "
                f"{result.not_found} not known to OpenAlex."
            )
        )
