from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.changes import content_changed
from cv.metrics import refresh_all, stale_figures


class Command(BaseCommand):
    help = (
        "Recompute every researcher's stored figures (papers, citations, h-index, i10-index, "
        "co-authors, the per-year series). The database's triggers keep them current on "
        "every write; this is for rows written with the triggers off (a restore, "
        "session_replication_role) or after a change to how the figures are computed. "
        "--check writes nothing and fails when a stored figure differs from a fresh count."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare the stored figures with a fresh computation; exit 1 if any differ",
        )

    def handle(self, *args, check, verbosity, **options):
        if check:
            stale = stale_figures()
            for researcher, fields in stale:
                self.stdout.write(f"{researcher.slug}: {', '.join(fields)}")
            if stale:
                raise CommandError(
                    f"{len(stale)} researchers' stored figures are out of date: "
                    "run manage.py refresh_metrics."
                )
            if verbosity >= 1:
                self.stdout.write("Every researcher's stored figures are current.")
            return
        with transaction.atomic():
            changed = refresh_all()
            if changed:
                content_changed()  # the refresh's SQL sends no signal
        if verbosity >= 1:
            self.stdout.write(f"Stored figures refreshed: {len(changed)} researchers changed.")
