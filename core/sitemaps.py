from django.contrib.sitemaps import Sitemap


class LanguageSitemap(Sitemap):
    """A sitemap listing each page once per language (English, Chinese under /zh-hans/),
    every entry naming the others and the English one as x-default (hreflang alternates)."""

    i18n = True
    alternates = True
    x_default = True
