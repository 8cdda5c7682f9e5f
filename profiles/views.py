from django.db.models import Prefetch
from django.views.generic import DetailView

from events.models import Participation, Talk
from profiles.models import Award, Education, Position, Researcher, ResearchInterest, Teaching
from publications.models import Publication


class ResearcherDetailView(DetailView):
    template_name = "profiles/researcher_detail.html"
    context_object_name = "researcher"

    def get_queryset(self):
        return (
            Researcher.objects.public()
            .members()
            .prefetch_related(
                Prefetch("positions", queryset=Position.objects.select_related("organization")),
                Prefetch(
                    "education",
                    queryset=Education.objects.select_related(
                        "institution__parent"
                    ).prefetch_related("advisors", "partner_institutions"),
                ),
                Prefetch("awards", queryset=Award.objects.select_related("issuer")),
                Prefetch(
                    "teaching",
                    queryset=Teaching.objects.select_related("organization", "instructor"),
                ),
                "services__venue",
                "services__event",
                "services__organization",
                "project_memberships__project__memberships__researcher",
                "metrics_snapshots",
            )
        )

    def get_context_data(self, **kwargs):
        researcher = self.object
        publications = list(Publication.objects.public().for_researcher(researcher).with_authors())
        # Interests cite papers by their number in the list on the same page, as a CV does.
        numbers = {publication.pk: n for n, publication in enumerate(publications, start=1)}
        interests = list(
            ResearchInterest.objects.filter(researcher=researcher).prefetch_related(
                Prefetch("publications", queryset=Publication.objects.public())
            )
        )
        children: dict[int | None, list] = {}
        for interest in interests:
            children.setdefault(interest.parent_id, []).append(interest)
        for interest in interests:
            interest.child_list = children.get(interest.pk, [])
            interest.citations = sorted(
                (numbers[p.pk], p) for p in interest.publications.all() if p.pk in numbers
            )
        for membership in researcher.project_memberships.all():
            membership.others = [
                other
                for other in membership.project.memberships.all()
                if other.researcher_id != researcher.pk
            ]
        return super().get_context_data(
            interests=children.get(None, []),
            publications=publications,
            talks=Talk.objects.public()
            .filter(speakers=researcher)
            .with_people()
            .select_related("host_organization"),
            participations=Participation.objects.filter(researcher=researcher).select_related(
                "event"
            ),
            sections=researcher.sections.public(),
            **kwargs,
        )
