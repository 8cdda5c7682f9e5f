from core.sitemaps import LanguageSitemap
from profiles.models import Researcher


class ResearcherSitemap(LanguageSitemap):
    changefreq = "weekly"

    def items(self):
        return Researcher.objects.public_members().order_by("pk")

    def lastmod(self, researcher):
        return researcher.updated
