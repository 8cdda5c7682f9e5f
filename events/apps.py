from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Talks and events"

    def ready(self):
        from events import signals

        post_save.connect(signals.talk_saved, sender="events.Talk")
        post_save.connect(signals.speaker_changed, sender="events.TalkSpeaker")
        post_delete.connect(signals.speaker_changed, sender="events.TalkSpeaker")
        m2m_changed.connect(signals.speakers_added, sender="events.TalkSpeaker")
        post_save.connect(signals.event_saved, sender="events.Event")
