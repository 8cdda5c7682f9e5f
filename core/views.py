from django.shortcuts import render

from events.models import Talk
from profiles.models import Researcher
from publications.models import Publication


def home(request):
    members = Researcher.objects.public().members().prefetch_related("positions__organization")
    recent = Publication.objects.public().with_authors()[:10]
    upcoming = Talk.objects.public().upcoming().with_people()[:5]
    return render(
        request,
        "core/home.html",
        {"members": members, "recent_publications": recent, "upcoming_talks": upcoming},
    )
