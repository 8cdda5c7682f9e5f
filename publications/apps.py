from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class PublicationsConfig(AppConfig):
    name = "publications"

    def ready(self):
        from publications import signals

        post_save.connect(signals.publication_saved, sender="publications.Publication")
        post_save.connect(signals.authorship_changed, sender="publications.Authorship")
        post_delete.connect(signals.authorship_changed, sender="publications.Authorship")
        m2m_changed.connect(signals.authors_added, sender="publications.Authorship")
        post_save.connect(signals.venue_saved, sender="publications.Venue")
