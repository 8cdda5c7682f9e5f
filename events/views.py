from django.db.models import Q
from django.views.generic import DetailView

from events.models import Event, Talk


class TalkDetailView(DetailView):
    queryset = Talk.objects.public().with_people().prefetch_related("host_links__researcher")
    template_name = "events/talk_detail.html"
    context_object_name = "talk"


class EventDetailView(DetailView):
    queryset = Event.objects.public().select_related("parent")
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_context_data(self, **kwargs):
        event = self.object
        return super().get_context_data(
            sessions=event.children.public(),
            talks=Talk.objects.public()
            .filter(Q(event=event) | Q(event__parent=event))
            .with_people()
            .order_by("date", "start"),
            **kwargs,
        )
