from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from core.admin import view_on_site
from core.api import not_found as api_not_found
from core.cache import reads_query
from core.i18n import set_editor_language
from cv import views as cv_views
from cv.api import GrantViewSet, ResearcherViewSet
from events.api import EventViewSet, ResearcherTalkViewSet, TalkViewSet
from profiles.api import OrganizationViewSet
from profiles.media import photo
from publications.api import PublicationViewSet, ResearcherPublicationViewSet, VenueViewSet
from scholarfolio import views
from scholarfolio.sitemaps import SITEMAPS

admin.site.site_header = format_lazy(_("{site_name} editor"), site_name=settings.SITE_NAME)
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Profiles, publications and talks")


class ApiRouter(DefaultRouter):
    include_format_suffixes = False  # formats are chosen by Accept or ?format=


api = ApiRouter()
api.register("researchers", ResearcherViewSet, basename="researcher")
researcher = r"researchers/(?P<researcher_slug>[^/]+)"
api.register(
    f"{researcher}/publications",
    ResearcherPublicationViewSet,
    basename="researcher-publications",
)
api.register(f"{researcher}/talks", ResearcherTalkViewSet, basename="researcher-talks")
api.register("publications", PublicationViewSet, basename="publication")
api.register("talks", TalkViewSet, basename="talk")
api.register("events", EventViewSet, basename="event")
api.register("venues", VenueViewSet, basename="venue")
api.register("organizations", OrganizationViewSet, basename="organization")
api.register("grants", GrantViewSet, basename="grant")

# A 503 while the database is unreachable, Django's own 500 page otherwise.
handler500 = "core.outage.server_error"


def downloads(prefix, scope, files):
    """URLs of scholarfolio.exports' files: ``prefix`` + a file name, per format."""
    return [
        path(f"{prefix}{name}", views.download, {"fmt": fmt, "scope": scope}, name=f"{scope}_{fmt}")
        for name, fmt in files
    ]


PAPERS = [("bib", "bibtex"), ("ris", "ris"), ("json", "csljson")]
# The front page, search and every download, each of which takes several apps.
site = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("experts/", views.experts, name="experts"),
    path("network/", cv_views.network, name="network"),
    *downloads("publications.", "site", PAPERS),
    *downloads("publications/<slug:slug>.", "publication", PAPERS),
    *downloads(
        "people/<slug:slug>/",
        "researcher",
        [*((f"publications.{ext}", fmt) for ext, fmt in PAPERS), ("resume.json", "resume")],
    ),
    path(
        "people/<slug:slug>/talks.ics",
        views.download,
        {"fmt": "ics", "scope": "researcher"},
        name="researcher_ics",
    ),
    path("talks.ics", views.download, {"fmt": "ics"}, name="talks_ics"),
    path("talks/<slug:slug>.ics", views.download, {"fmt": "ics", "scope": "talk"}, name="talk_ics"),
    path(
        "events/<slug:slug>.ics", views.download, {"fmt": "ics", "scope": "event"}, name="event_ics"
    ),
]

urlpatterns = [
    # Before the admin's own URLs: its "View on site" with the visibility rules.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view_on_site",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api.urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI sets inline styles on what it draws.
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        # Redoc writes its styles into <style> elements and runs search in a blob: worker.
        csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
    re_path(r"^api/", api_not_found),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", reads_query("p")(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    # The admin's language form: kept with the editor's account and in a cookie (core.i18n).
    path("i18n/setlang/", set_editor_language, name="set_language"),
]
# The public pages in each language: English where they always were, Chinese under
# /zh-hans/. The downloads and feeds there too, with the same data and their headings in
# the page's language.
urlpatterns += i18n_patterns(
    path("", include((site, "site"))),
    path("people/", include("cv.urls")),
    path("publications/", include("publications.urls")),
    path("", include("events.urls")),
    prefix_default_language=False,
)

if not settings.AWS_STORAGE_BUCKET_NAME:
    # Photos on this site's own disk are served by it, in production too (profiles/media.py).
    urlpatterns.append(path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", photo, name="media"))
