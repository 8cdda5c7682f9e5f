from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from events.models import Event, Talk
from profiles.models import Researcher
from publications.models import Publication


class StaticSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["core:home", "profiles:list", "publications:list", "events:talk_list"]

    def location(self, item):
        return reverse(item)


class ResearcherSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Researcher.objects.public().members().order_by("pk")

    def lastmod(self, researcher):
        return researcher.updated


class PublicationSitemap(Sitemap):
    def items(self):
        return Publication.objects.public().order_by("pk")

    def lastmod(self, publication):
        return publication.updated


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


SITEMAPS = {
    "static": StaticSitemap,
    "people": ResearcherSitemap,
    "publications": PublicationSitemap,
    "talks": TalkSitemap,
    "events": EventSitemap,
}
