"""Keep what is stored from researchers current (ProfilesConfig.ready connects these):
their own search vectors and their cards (profiles.cards). What a researcher's change
writes beyond their row, Researcher.save does."""

from core.search_updates import updates_deferred
from profiles import cards
from profiles.models import Organization, Position, Researcher


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
    if created:
        return
    # A card names an organization with its parents ("School, University"): a parent's
    # renaming shows on the cards of everyone at the units below it.
    named = {instance.pk}
    below = {instance.pk}
    while below := set(
        Organization._base_manager.filter(parent__in=below)
        .exclude(pk__in=named)
        .values_list("pk", flat=True)
    ):
        named |= below
    cards.changed(
        Position._base_manager.filter(organization__in=named).values_list("researcher", flat=True)
    )
