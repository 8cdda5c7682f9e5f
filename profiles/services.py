"""What a change to a researcher writes beyond their own row. ``Researcher.save`` calls
these only when the fields they read have changed."""

from django.apps import apps

from core.search_updates import updates_deferred


def researcher_names_changed(*, researcher) -> None:
    """Rebuild the stored search text of their papers and talks, which holds their names
    (all of them while they are public, else only the full name: ``researcher_name_forms``).
    """
    if updates_deferred():
        return
    # Papers and talks build on profiles, so their models are looked up, not imported.
    for label in ("publications.Publication", "events.Talk"):
        apps.get_model(label).objects.for_researcher(researcher).update_search_vector()
