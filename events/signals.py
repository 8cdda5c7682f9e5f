"""Keep talks' stored search vectors current when a talk, its speakers or its event change
(EventsConfig.ready connects these); a speaker's renaming, Researcher.save."""

from django.db.models import Q

from core.search_updates import updates_deferred
from events.models import Talk


def talk_saved(sender, instance, **kwargs):
    if updates_deferred():
        return
    Talk.objects.filter(pk=instance.pk).update_search_vector()


def speaker_changed(sender, instance, **kwargs):
    if updates_deferred():
        return
    Talk.objects.filter(pk=instance.talk_id).update_search_vector()


def speakers_added(sender, instance, action, reverse, pk_set, **kwargs):
    if updates_deferred():
        return
    # speakers.add() writes TalkSpeaker rows without post_save; remove() and clear() delete
    # them one by one, which speaker_changed hears as post_delete.
    if action != "post_add":
        return
    talks = pk_set if reverse else {instance.pk}
    Talk.objects.filter(pk__in=talks).update_search_vector()


def event_saved(sender, instance, **kwargs):
    if updates_deferred():
        return
    # A talk's vector holds its event's name and that event's parent's.
    Talk.objects.filter(Q(event=instance) | Q(event__parent=instance)).update_search_vector()
