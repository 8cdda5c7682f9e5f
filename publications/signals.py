"""Keep publications' stored search vectors current when a paper, its authors or its venue
change (PublicationsConfig.ready connects these); an author's renaming, Researcher.save."""

from core.search_updates import updates_deferred
from publications.models import Publication


def publication_saved(sender, instance, **kwargs):
    if updates_deferred():
        return
    Publication.objects.filter(pk=instance.pk).update_search_vector()


def authorship_changed(sender, instance, **kwargs):
    if updates_deferred():
        return
    Publication.objects.filter(pk=instance.publication_id).update_search_vector()


def authors_added(sender, instance, action, reverse, pk_set, **kwargs):
    if updates_deferred():
        return
    # authors.add() writes Authorship rows without post_save; remove() and clear() delete
    # them one by one, which authorship_changed hears as post_delete.
    if action != "post_add":
        return
    papers = pk_set if reverse else {instance.pk}
    Publication.objects.filter(pk__in=papers).update_search_vector()


def venue_saved(sender, instance, **kwargs):
    if updates_deferred():
        return
    Publication.objects.filter(venue=instance).update_search_vector()
