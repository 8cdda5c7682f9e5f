from django.urls import path

from cv import views

app_name = "people"
urlpatterns = [
    path("", views.ResearcherListView.as_view(), name="list"),
    path("<slug:slug>/", views.ResearcherDetailView.as_view(), name="detail"),
    path("<slug:slug>/cv/", views.ResearcherCVView.as_view(), name="cv"),
    path("<slug:slug>/network/", views.researcher_network, name="network"),
    path(
        "<slug:slug>/collaborators.csv",
        views.collaborators,
        {"fmt": "csv"},
        name="collaborators_csv",
    ),
    path(
        "<slug:slug>/collaborators.xlsx",
        views.collaborators,
        {"fmt": "xlsx"},
        name="collaborators_xlsx",
    ),
]
