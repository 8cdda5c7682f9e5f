"""Keep researchers' stored search vectors and their accounts' roles current
(ProfilesConfig.ready connects these)."""

from core import roles
from core.search_updates import updates_deferred
from profiles.models import Researcher


def researcher_saving(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._previous_user_id = None
        return
    instance._previous_user_id = (
        Researcher.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
    )


def researcher_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.user_id != getattr(instance, "_previous_user_id", None):
        roles.link_account(instance, instance._previous_user_id)
    if updates_deferred():
        return
    Researcher.objects.filter(pk=instance.pk).update_search_vector()
