from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save


class PublicationsConfig(AppConfig):
    name = "publications"

    def ready(self):
        from publications import signals

        pre_save.connect(signals.publication_pre_save, sender="publications.Publication")
        post_save.connect(signals.publication_saved, sender="publications.Publication")
        post_delete.connect(signals.publication_deleted, sender="publications.Publication")
        pre_save.connect(signals.authorship_pre_save, sender="publications.Authorship")
        post_save.connect(signals.authorship_changed, sender="publications.Authorship")
        post_delete.connect(signals.authorship_changed, sender="publications.Authorship")
        m2m_changed.connect(signals.authors_added, sender="publications.Authorship")
        pre_save.connect(signals.venue_pre_save, sender="publications.Venue")
        post_save.connect(signals.venue_saved, sender="publications.Venue")
        pre_save.connect(signals.researcher_pre_save, sender="profiles.Researcher")
        post_save.connect(signals.researcher_saved, sender="profiles.Researcher")
        post_delete.connect(signals.researcher_deleted, sender="profiles.Researcher")
