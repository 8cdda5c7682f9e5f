from django.urls import path

from core.views import download
from profiles import views

app_name = "profiles"
urlpatterns = [
    path("", views.ResearcherListView.as_view(), name="list"),
    path("<slug:slug>/", views.ResearcherDetailView.as_view(), name="detail"),
    path("<slug:slug>/cv/", views.ResearcherCVView.as_view(), name="cv"),
]
# One researcher's downloads (core.exports): papers in three formats, resume, talks.
urlpatterns += [
    path(f"<slug:slug>/{filename}", download, {"fmt": fmt, "scope": "researcher"}, name=fmt)
    for filename, fmt in [
        ("publications.bib", "bibtex"),
        ("publications.ris", "ris"),
        ("publications.json", "csljson"),
        ("resume.json", "resume"),
        ("talks.ics", "ics"),
    ]
]
