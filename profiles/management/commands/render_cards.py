from django.core.management.base import BaseCommand
from django.db import transaction

from profiles import cards


class Command(BaseCommand):
    help = (
        "Render every member's card (front page, people list) afresh, in every language: "
        "after members, positions or organizations were written past the signals "
        "(bulk_create, raw SQL), or after an upgrade that changed the card."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            count = cards.render_all()
        self.stdout.write(f"{count} members' cards rendered.")
