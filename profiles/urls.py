from django.urls import path

from profiles import views

app_name = "profiles"
urlpatterns = [
    path("", views.ResearcherListView.as_view(), name="list"),
    path("<slug:slug>/", views.ResearcherDetailView.as_view(), name="detail"),
    path("<slug:slug>/cv/", views.ResearcherCVView.as_view(), name="cv"),
]
