"""The sitemap: the list pages, and each app's public records (its sitemaps module)."""

from django.urls import reverse

from core.sitemaps import LanguageSitemap
from events.sitemaps import EventSitemap, TalkSitemap
from profiles.sitemaps import ResearcherSitemap
from publications.sitemaps import PublicationSitemap


class StaticSitemap(LanguageSitemap):
    changefreq = "weekly"

    def items(self):
        return ["site:home", "people:list", "publications:list", "events:talk_list"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "static": StaticSitemap,
    "people": ResearcherSitemap,
    "publications": PublicationSitemap,
    "talks": TalkSitemap,
    "events": EventSitemap,
}
