from django.urls import path

from events import views
from events.feeds import TalkFeed

app_name = "events"
urlpatterns = [
    path("talks/", views.TalkListView.as_view(), name="talk_list"),
    path("talks/feed/", TalkFeed(), name="talk_feed"),
    path("talks/<slug:slug>/", views.TalkDetailView.as_view(), name="talk_detail"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
]
