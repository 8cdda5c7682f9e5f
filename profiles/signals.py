"""Keep researchers' stored search vectors current (ProfilesConfig.ready connects these)."""

from profiles.models import Researcher


def researcher_saved(sender, instance, **kwargs):
    Researcher.objects.filter(pk=instance.pk).update_search_vector()
