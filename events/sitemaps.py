from django.contrib.sitemaps import Sitemap

from events.models import Event, Talk


class TalkSitemap(Sitemap):
    def items(self):
        return Talk.objects.published().order_by("pk")

    def lastmod(self, talk):
        return talk.updated


class EventSitemap(Sitemap):
    def items(self):
        return Event.objects.published().order_by("pk")

    def lastmod(self, event):
        return event.updated
