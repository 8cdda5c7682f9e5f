from django.core.management.base import BaseCommand

from scholarfolio.search import search_vectors_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the stored search vectors of every researcher, publication and talk: "
        "after rows were written past the signals (bulk_create, raw SQL) or the vectors "
        "changed shape."
    )

    def handle(self, *args, **options):
        counts = search_vectors_rebuild()
        if options["verbosity"] >= 1:
            summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
            self.stdout.write(f"Search vectors updated: {summary}.")
