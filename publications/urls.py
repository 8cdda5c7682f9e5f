from django.urls import path

from publications import feeds, views

app_name = "publications"
urlpatterns = [
    path("", views.publication_list, name="list"),
    path("feed/", feeds.PublicationFeed(), name="feed"),
    path("feed/<slug:slug>/", feeds.ResearcherPublicationFeed(), name="researcher_feed"),
    path("<slug:slug>/", views.PublicationDetailView.as_view(), name="detail"),
]
