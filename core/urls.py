from django.urls import path

from core import search_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search, name="search"),
]
# The whole site's papers (core.exports), beside the /talks.ics of events.urls.
urlpatterns += [
    path(f"publications.{extension}", views.download, {"fmt": fmt}, name=f"publications_{fmt}")
    for extension, fmt in [("bib", "bibtex"), ("ris", "ris"), ("json", "csljson")]
]
