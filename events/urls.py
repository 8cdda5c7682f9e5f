from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("talks/<slug:slug>/", views.TalkDetailView.as_view(), name="talk_detail"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
]
