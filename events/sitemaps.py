from core.sitemaps import LanguageSitemap
from events.models import Event, Talk


class TalkSitemap(LanguageSitemap):
    def items(self):
        return Talk.objects.published().order_by("pk")

    def lastmod(self, talk):
        return talk.updated


class EventSitemap(LanguageSitemap):
    def items(self):
        return Event.objects.published().order_by("pk")

    def lastmod(self, event):
        return event.updated
