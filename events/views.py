from django.views.generic import DetailView

from events.models import Event, Talk


class TalkDetailView(DetailView):
    queryset = Talk.objects.public().with_people()
    template_name = "events/talk_detail.html"
    context_object_name = "talk"


class EventDetailView(DetailView):
    queryset = Event.objects.public().select_related("parent")
    template_name = "events/event_detail.html"
    context_object_name = "event"
