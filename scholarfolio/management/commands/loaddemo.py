from django.core.management.base import BaseCommand, CommandError

from scholarfolio.demo import demo_load, demo_rows


class Command(BaseCommand):
    help = (
        "Fill the database with the demo research group. Safe to run again: rows an editor "
        "changed or deleted since the last run are left as they are. A second run started "
        "while one is loading waits for it."
    )

    def handle(self, *args, **options):
        def on_wait():
            if options["verbosity"] >= 1:
                self.stdout.write(
                    "Another import or loaddemo is running; waiting for it to finish."
                )

        try:
            result = demo_load(rows=demo_rows(), on_wait=on_wait)
        except ValueError as error:
            raise CommandError(f"demo data is inconsistent: {error}") from error
        if options["verbosity"] >= 1:
            self.stdout.write(f"Demo data: {result.summary()}.")
        if options["verbosity"] >= 2:
            for key in result.kept_edited:
                self.stdout.write(f"  kept as edited: {key}")
            for key in result.kept_deleted:
                self.stdout.write(f"  kept deleted: {key}")
