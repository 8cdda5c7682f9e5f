"""Keep researchers' own stored search vectors current (ProfilesConfig.ready connects this).
What a researcher's change writes beyond their row, Researcher.save does."""

from core.search_updates import updates_deferred
from profiles.models import Researcher


def researcher_saved(sender, instance, **kwargs):
    if updates_deferred():
        return
    Researcher.objects.filter(pk=instance.pk).update_search_vector()
