from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "People and organizations"

    def ready(self):
        from profiles import signals

        pre_save.connect(signals.researcher_saving, sender="profiles.Researcher")
        post_save.connect(signals.researcher_saved, sender="profiles.Researcher")
