from django.urls import path

from core.views import download
from events import views
from events.feeds import TalkFeed

app_name = "events"
urlpatterns = [
    path("talks/", views.TalkListView.as_view(), name="talk_list"),
    path("talks/feed/", TalkFeed(), name="talk_feed"),
    path("talks.ics", download, {"fmt": "ics"}, name="talks_ics"),
    path("talks/<slug:slug>/", views.TalkDetailView.as_view(), name="talk_detail"),
    path("talks/<slug:slug>.ics", download, {"fmt": "ics", "scope": "talk"}, name="talk_ics"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("events/<slug:slug>.ics", download, {"fmt": "ics", "scope": "event"}, name="event_ics"),
]
