"""Keep what is stored from researchers current (ProfilesConfig.ready connects these):
their own search vectors and their cards (profiles.cards). What a researcher's change
writes beyond their row, Researcher.save does."""

from core.search_updates import updates_deferred
from profiles import cards
from profiles.models import Position, Researcher


def researcher_saved(sender, instance, **kwargs):
    if updates_deferred():
        return
    Researcher.objects.filter(pk=instance.pk).update_search_vector()
    cards.changed([instance.pk])


def position_changed(sender, instance, origin=None, **kwargs):
    # Deleted with the researcher: their cards go with them (a card made now would name
    # a row about to be deleted).
    if not isinstance(origin, Researcher) and getattr(origin, "model", None) is not Researcher:
        cards.changed([instance.researcher_id])


def organization_saved(sender, instance, created, **kwargs):
    if not created:
        cards.changed(
            Position._base_manager.filter(organization=instance).values_list(
                "researcher", flat=True
            )
        )
