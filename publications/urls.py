from django.urls import path

from core.views import download
from publications import feeds, views

app_name = "publications"
urlpatterns = [
    path("", views.publication_list, name="list"),
    path("feed/", feeds.PublicationFeed(), name="feed"),
    path("feed/<slug:slug>/", feeds.ResearcherPublicationFeed(), name="researcher_feed"),
    path("<slug:slug>/", views.PublicationDetailView.as_view(), name="detail"),
]
# One paper's downloads (core.exports); the whole site's are in core.urls.
urlpatterns += [
    path(f"<slug:slug>.{extension}", download, {"fmt": fmt, "scope": "publication"}, name=fmt)
    for extension, fmt in [("bib", "bibtex"), ("ris", "ris"), ("json", "csljson")]
]
