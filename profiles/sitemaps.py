from django.contrib.sitemaps import Sitemap

from profiles.models import Researcher


class ResearcherSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Researcher.objects.public_members().order_by("pk")

    def lastmod(self, researcher):
        return researcher.updated
