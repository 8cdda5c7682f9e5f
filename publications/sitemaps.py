from core.sitemaps import LanguageSitemap
from publications.models import Publication


class PublicationSitemap(LanguageSitemap):
    def items(self):
        return Publication.objects.public().order_by("pk")

    def lastmod(self, publication):
        return publication.updated
