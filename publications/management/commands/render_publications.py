from django.core.management.base import BaseCommand
from django.db import transaction

from publications import rendering
from publications.models import Publication


class Command(BaseCommand):
    help = (
        "Render every publication's stored fragments (title, abstract, citation entry, "
        "BibTeX, CSL-JSON; a BibTeX key for a paper without one) and count the list's "
        "stored facet counts afresh: after rows were written past the signals "
        "(bulk_create, COPY, raw SQL) or the renderer changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="only the papers never rendered (as after a bulk insert)",
        )

    @transaction.atomic
    def handle(self, *args, missing, **options):
        papers = Publication.objects.all()
        if missing:
            papers = papers.filter(rendered_entry="")
        count = rendering.written_in_bulk(papers.values_list("pk", flat=True))
        if options["verbosity"] >= 1:
            self.stdout.write(f"Rendered {count} publications; facet counts stored afresh.")
