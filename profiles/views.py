from django.views.generic import DetailView

from profiles.models import Researcher


class ResearcherDetailView(DetailView):
    queryset = Researcher.objects.public().members()
    template_name = "profiles/researcher_detail.html"
    context_object_name = "researcher"
