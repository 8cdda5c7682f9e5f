"""Keep what is stored from papers current when a paper, its authors, its venue or a
researcher change (PublicationsConfig.ready connects these): the search vectors (an
author's renaming: Researcher.save), the rendered fragments and the list's facet counts
(publications.rendering). Bulk loads defer all of it (core.search_updates) and rebuild
once at the end.

Each pre_save reads the row as stored, so that post_save knows what changed: a facet
count or a render that nothing changed is not redone.
"""

from django.db.models import QuerySet

from core.models import Visibility
from core.search_updates import updates_deferred
from publications import rendering
from publications.models import Authorship, Publication

# What a paper's facet counts read of it.
PAPER_FACETS = {"year": "year", "kind": "kind", "status": "status", "venue": "venue_id"}
# What a researcher's and a venue's line among the facets shows.
AUTHOR_FACET_FIELDS = ("slug", "full_name", "is_member", "visibility")
VENUE_FACET_FIELDS = ("slug", "name", "short_name")


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


def _now(instance, before: dict, fields) -> dict:
    """The values just saved; a field not loaded on the instance was not saved, so it is
    as stored (and reading it would cost a query)."""
    deferred = instance.get_deferred_fields()
    return {
        name: before[name] if name in deferred and name in before else getattr(instance, name)
        for name in fields
    }


def _changed(before: dict | None, instance, fields) -> set[str]:
    if before is None:
        return set(fields)
    now = _now(instance, before, fields)
    return {name for name in fields if before[name] != now[name]}


def publication_pre_save(sender, instance, **kwargs):
    _remember(sender, instance, ["visibility", *PAPER_FACETS.values()])


def publication_saved(sender, instance, **kwargs):
    if updates_deferred():
        return
    Publication.objects.filter(pk=instance.pk).update_search_vector()
    before = _before(instance) or {}
    now = _now(instance, before, ["visibility", *PAPER_FACETS.values()])
    was_public = before.get("visibility") == Visibility.PUBLIC
    is_public = now["visibility"] == Visibility.PUBLIC
    keys = {}
    for facet, attname in PAPER_FACETS.items():
        old, new = before.get(attname), now[attname]
        if was_public != is_public or old != new:
            keys[facet] = [value for value, shown in ((old, was_public), (new, is_public)) if shown]
    if before and was_public != is_public:  # a new paper has no authors yet
        keys["author"] = Authorship.objects.filter(publication=instance).values_list(
            "researcher", flat=True
        )
    rendering.changed([instance.pk], **keys)


def publication_deleted(sender, instance, **kwargs):
    if updates_deferred() or instance.visibility != Visibility.PUBLIC:
        return
    # Its authorships went first, each recounting its author.
    rendering.changed(
        **{facet: [getattr(instance, attname)] for facet, attname in PAPER_FACETS.items()}
    )


def authorship_pre_save(sender, instance, **kwargs):
    _remember(sender, instance, ["publication_id", "researcher_id"])


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
    rendering.changed(papers, author={instance.researcher_id, before.get("researcher_id")})


def authors_added(sender, instance, action, reverse, pk_set, **kwargs):
    if updates_deferred():
        return
    # authors.add() writes Authorship rows without post_save; remove() and clear() delete
    # them one by one, which authorship_changed hears as post_delete.
    if action != "post_add":
        return
    papers, people = (pk_set, {instance.pk}) if reverse else ({instance.pk}, pk_set)
    Publication.objects.filter(pk__in=papers).update_search_vector()
    rendering.changed(papers, author=people)


def venue_pre_save(sender, instance, **kwargs):
    _remember(sender, instance, [*rendering.VENUE_FIELDS, *VENUE_FACET_FIELDS])


def venue_saved(sender, instance, created, **kwargs):
    if updates_deferred():
        return
    Publication.objects.filter(venue=instance).update_search_vector()
    if created:
        return  # no paper names it yet
    changed = _changed(_before(instance), instance, rendering.VENUE_FIELDS + VENUE_FACET_FIELDS)
    papers = ()
    if changed & set(rendering.VENUE_FIELDS):
        papers = Publication.objects.filter(venue=instance).values_list("pk", flat=True)
    rendering.changed(papers, venue=[instance.pk] if changed & set(VENUE_FACET_FIELDS) else ())


def researcher_pre_save(sender, instance, **kwargs):
    _remember(sender, instance, rendering.RESEARCHER_FIELDS)


def researcher_saved(sender, instance, created, **kwargs):
    if updates_deferred() or created:
        return  # a new researcher is nobody's author yet
    changed = _changed(_before(instance), instance, rendering.RESEARCHER_FIELDS)
    if changed:
        papers = Authorship.objects.filter(researcher=instance).values_list(
            "publication", flat=True
        )
        author = [instance.pk] if changed & set(AUTHOR_FACET_FIELDS) else ()
        rendering.changed(papers, author=author)


def researcher_deleted(sender, instance, **kwargs):
    if updates_deferred():
        return
    rendering.changed(author=[instance.pk])
