from django.apps import AppConfig
from django.db.models.signals import post_save


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "People and organizations"

    def ready(self):
        from profiles import signals

        post_save.connect(signals.researcher_saved, sender="profiles.Researcher")
