from django.urls import path

from profiles import views

app_name = "profiles"
urlpatterns = [path("<slug:slug>/", views.ResearcherDetailView.as_view(), name="detail")]
