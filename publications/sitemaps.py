from django.contrib.sitemaps import Sitemap

from publications.models import Publication


class PublicationSitemap(Sitemap):
    def items(self):
        return Publication.objects.public().order_by("pk")

    def lastmod(self, publication):
        return publication.updated
