"""Keep what is stored from papers current when a paper, its authors, its venue or a
researcher change (PublicationsConfig.ready connects these): the search vectors (an
author's renaming: Researcher.save) and the rendered fragments (publications.rendering).
Bulk loads defer all of it (core.search_updates) and rebuild once at the end.

A venue's and a researcher's pre_save read the row as stored, so that post_save knows what
changed: their papers are not rendered again for a change no fragment shows.
"""

from django.db.models import QuerySet

from core.search_updates import updates_deferred
from publications import rendering
from publications.models import Publication


def _stored(instance, fields) -> dict | None:
    if instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()


def _remember(sender, instance, fields, **kwargs):
    if updates_deferred():
        return
    instance._stored_before_save = _stored(instance, fields)


def _before(instance) -> dict | None:
    return instance.__dict__.pop("_stored_before_save", None)


def _changed(before: dict | None, instance, fields) -> set[str]:
    if before is None:
        return set(fields)
    return {name for name in fields if before[name] != getattr(instance, name)}


def publication_saved(sender, instance, **kwargs):
    if updates_deferred():
        return
    Publication.objects.filter(pk=instance.pk).update_search_vector()
    rendering.changed([instance.pk])


def authorship_pre_save(sender, instance, **kwargs):
    _remember(sender, instance, ["publication_id"])


def authorship_changed(sender, instance, **kwargs):
    if updates_deferred():
        return
    Publication.objects.filter(pk=instance.publication_id).update_search_vector()
    before = _before(instance) or {}
    papers = {instance.publication_id, before.get("publication_id")} - {None}
    origin = kwargs.get("origin")
    if isinstance(origin, Publication) or (
        isinstance(origin, QuerySet) and origin.model is Publication
    ):
        papers = set()  # deleted with its paper: nothing left to render
    rendering.changed(papers)


def authors_added(sender, instance, action, reverse, pk_set, **kwargs):
    if updates_deferred():
        return
    # authors.add() writes Authorship rows without post_save; remove() and clear() delete
    # them one by one, which authorship_changed hears as post_delete.
    if action != "post_add":
        return
    papers = pk_set if reverse else {instance.pk}
    Publication.objects.filter(pk__in=papers).update_search_vector()
    rendering.changed(papers)


def venue_pre_save(sender, instance, **kwargs):
    _remember(sender, instance, rendering.VENUE_FIELDS)


def venue_saved(sender, instance, created, **kwargs):
    if updates_deferred():
        return
    Publication.objects.filter(venue=instance).update_search_vector()
    if created:
        return  # no paper names it yet
    if _changed(_before(instance), instance, rendering.VENUE_FIELDS):
        rendering.changed(Publication.objects.filter(venue=instance).values_list("pk", flat=True))


def researcher_pre_save(sender, instance, **kwargs):
    _remember(sender, instance, rendering.RESEARCHER_FIELDS)


def researcher_saved(sender, instance, created, **kwargs):
    if updates_deferred() or created:
        return  # a new researcher is nobody's author yet
    if _changed(_before(instance), instance, rendering.RESEARCHER_FIELDS):
        rendering.researcher_changed(instance)
