from django.urls import path

from publications import views

app_name = "publications"
urlpatterns = [path("<slug:slug>/", views.PublicationDetailView.as_view(), name="detail")]
