from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "People and organizations"

    def ready(self):
        from core.changes import register_day_rule
        from profiles import cards, signals

        post_save.connect(signals.researcher_saved, sender="profiles.Researcher")
        for signal in (post_save, post_delete):
            signal.connect(signals.position_changed, sender="profiles.Position")
        post_save.connect(signals.organization_saved, sender="profiles.Organization")
        register_day_rule(cards.day_rule)
