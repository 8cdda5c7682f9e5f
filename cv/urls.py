from django.urls import path

from cv import views

app_name = "people"
urlpatterns = [
    path("", views.ResearcherListView.as_view(), name="list"),
    path("<slug:slug>/", views.ResearcherDetailView.as_view(), name="detail"),
    path("<slug:slug>/cv/", views.ResearcherCVView.as_view(), name="cv"),
]
