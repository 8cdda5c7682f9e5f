"""The API's researchers: the list, and one researcher with every profile entry nested, or
as JSON Resume."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import renderers, serializers

from core import filters
from core.api import LinkField, ModelSerializer, ReadOnlyViewSet
from cv.metrics import stored_figures
from cv.models import (
    Award,
    Grant,
    GrantInvestigator,
    ResearchInterest,
    Service,
    with_profile_entries,
)
from cv.resume import json_resume
from profiles.api import (
    EducationSerializer,
    EventRef,
    OrganizationRef,
    PeriodMixin,
    PositionSerializer,
    ProjectSerializer,
    PublicationRef,
    ResearcherFilter,
    ResearcherRefSerializer,
    ResearcherSerializer,
    SectionSerializer,
    TalkRef,
    TeachingSerializer,
    VenueRef,
)
from profiles.models import ProfileSection, Project, Researcher
from publications.models import Publication


class InterestSerializer(ModelSerializer):
    """One node of the interest tree: ``parent`` is another node's ``id``, or null."""

    publications = PublicationRef(many=True)

    class Meta:
        model = ResearchInterest
        fields = ["id", "parent", "title", "description", "publications"]


class AwardSerializer(ModelSerializer):
    """An award fetched ``with_profile_entries()``, which leaves an unpublished paper, talk
    or event it names None: null here."""

    issuer = OrganizationRef(allow_null=True)
    publication = PublicationRef(allow_null=True)
    talk = TalkRef(allow_null=True)
    event = EventRef(allow_null=True)

    class Meta:
        model = Award
        fields = ["kind", "title", "issuer", "date", "date_precision", "amount", "currency"]
        fields += ["distinction", "publication", "talk", "event"]


class ServiceSerializer(PeriodMixin, ModelSerializer):
    """A service fetched ``with_profile_entries()``: an unpublished event is null."""

    venue = VenueRef(allow_null=True)
    event = EventRef(allow_null=True)
    organization = OrganizationRef(allow_null=True)

    class Meta:
        model = Service
        fields = ["kind", "role", "venue", "event", "organization", "description"]
        fields += ["start_date", "end_date", "date_precision", "period"]


class FunderSerializer(serializers.Serializer):
    name = serializers.CharField(source="funder_name")
    ror_id = serializers.CharField(source="funder_ror_id", help_text="ROR id, or empty.")
    funder_id = serializers.CharField(
        help_text="Crossref Funder ID (the digits after 10.13039/), or empty."
    )
    doi = serializers.CharField(source="funder_doi", help_text="The Funder ID as a DOI.")


class InvestigatorSerializer(serializers.Serializer):
    researcher = ResearcherRefSerializer()
    role = serializers.ChoiceField(choices=GrantInvestigator.Role.choices)


class ProjectRef(ModelSerializer):
    class Meta:
        model = Project
        fields = ["slug", "title"]


class GrantSerializer(PeriodMixin, ModelSerializer):
    """A public grant fetched ``with_people()``: its public investigators, in order, and
    its public papers and projects."""

    url = serializers.HyperlinkedIdentityField(view_name="api:grant-detail", lookup_field="pk")
    funder = FunderSerializer(source="*")
    homepage = LinkField(source="url", help_text="A page about the award.")
    investigators = InvestigatorSerializer(many=True, source="public_investigators")
    publications = PublicationRef(many=True)
    projects = ProjectRef(many=True)

    class Meta:
        model = Grant
        fields = ["id", "url", "kind", "title", "funder", "award_number", "homepage"]
        fields += ["start_date", "end_date", "date_precision", "period", "amount", "currency"]
        fields += ["description", "investigators", "publications", "projects"]


class GrantRoleSerializer(serializers.Serializer):
    """One of the researcher's grants, with their role on it."""

    role = serializers.ChoiceField(choices=GrantInvestigator.Role.choices)
    grant = GrantSerializer()


class GrantFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Grant.Kind.choices)
    funder_id = django_filters.CharFilter(help_text="A Crossref Funder ID, e.g. 501100001809.")
    funder_ror_id = django_filters.CharFilter(help_text="A funder's ROR id.")
    # One link per person and grant: the filter repeats no grant, so no DISTINCT.
    investigator = filters.ResearcherFilter(
        field_name="investigator_links__researcher",
        queryset=Researcher.objects.public(),
        distinct=False,
    )
    publication = django_filters.ModelChoiceFilter(
        field_name="publications",
        to_field_name="slug",
        queryset=Publication.objects.public(),
        distinct=False,
        help_text="A paper's slug: the grants that funded it.",
        error_messages={"invalid_choice": "No paper on this site has the slug “%(value)s”."},
    )
    ordering = filters.OrderingFilter(
        fields=[("start_date", "start_date"), ("end_date", "end_date")],
        help_text="start_date or end_date; '-' for descending.",
    )

    class Meta:
        model = Grant
        fields = ["kind", "funder_id", "funder_ror_id", "investigator", "publication"]


class GrantViewSet(ReadOnlyViewSet):
    """Public grants, latest first: funder, award number, period, amount, investigators and
    the papers they funded."""

    lookup_field = "pk"
    serializer_class = GrantSerializer
    filterset_class = GrantFilter

    def get_queryset(self):
        return Grant.objects.public().with_people()


UNSYNCED = "null until some public paper has citation data: a zero would claim no citations."


class MetricsSerializer(serializers.Serializer):
    """Computed from the site's public papers and their citation counts (stored, kept
    current on every change: cv.models.ResearcherFigures). The citation figures are null
    while no citation data was ever synced for any of the papers."""

    papers = serializers.IntegerField()
    citations = serializers.IntegerField(allow_null=True, help_text=UNSYNCED)
    h_index = serializers.IntegerField(allow_null=True, help_text=UNSYNCED)
    i10_index = serializers.IntegerField(allow_null=True, help_text=UNSYNCED)
    coauthors = serializers.IntegerField(source="coauthor_count")
    citations_synced = serializers.BooleanField(source="citations_known")

    def to_representation(self, figures):
        data = super().to_representation(figures)
        if not figures.citations_known:
            data.update(citations=None, h_index=None, i10_index=None)
        return data


class ResearcherDetailSerializer(ResearcherSerializer):
    """A researcher with every profile entry nested; their papers and talks are linked."""

    positions = PositionSerializer(many=True)
    education = EducationSerializer(many=True)
    interests = serializers.SerializerMethodField()
    awards = AwardSerializer(many=True)
    teaching = TeachingSerializer(many=True)
    service = ServiceSerializer(many=True, source="services")
    projects = serializers.SerializerMethodField()
    grants = GrantRoleSerializer(many=True, source="public_grant_roles")
    sections = SectionSerializer(many=True, source="public_sections")
    metrics = serializers.SerializerMethodField()

    class Meta(ResearcherSerializer.Meta):
        fields = [*ResearcherSerializer.Meta.fields, "bio", "interests_intro", "office"]
        fields += ["metrics", "positions", "education", "interests", "awards", "teaching"]
        fields += ["service", "projects", "grants", "sections"]

    @extend_schema_field(InterestSerializer(many=True))
    def get_interests(self, researcher):
        return InterestSerializer(researcher.interest_list, many=True, context=self.context).data

    @extend_schema_field(ProjectSerializer(many=True))
    def get_projects(self, researcher):
        # with_profile_entries() prefetches public projects only.
        projects = [membership.project for membership in researcher.project_memberships.all()]
        return ProjectSerializer(projects, many=True, context=self.context).data

    @extend_schema_field(MetricsSerializer)
    def get_metrics(self, researcher):
        return MetricsSerializer(stored_figures(researcher)).data


class ResumeRenderer(renderers.JSONRenderer):
    """JSON Resume (https://jsonresume.org/schema): the whole public profile, as the site's
    /people/<slug>/resume.json. It has no media type of its own, so only ``?format=resume``
    asks for it; ``Accept: application/json`` gets the API's own JSON."""

    format = "resume"

    def body_schema(self, many: bool) -> dict:
        return {"type": "object", "description": "JSON Resume 1.0 (resume-schema)."}


class ResumeSerializer(serializers.BaseSerializer):
    def to_representation(self, researcher):
        return json_resume(researcher, self.context["request"].build_absolute_uri)


class ResearcherViewSet(ReadOnlyViewSet):
    """Researchers with a public profile: the group's members and alumni. One researcher is
    also given as JSON Resume with ``?format=resume``."""

    filterset_class = ResearcherFilter
    format_serializers = {"resume": ResumeSerializer}

    def get_renderers(self):
        renderers_ = super().get_renderers()
        if self.action == "retrieve":
            renderers_.append(ResumeRenderer())
        return renderers_

    def get_queryset(self):
        people = Researcher.objects.public_members().defer("search_vector")
        if self.action != "retrieve":
            return people
        return with_profile_entries(people.select_related("figures")).prefetch_related(
            Prefetch(
                "interests",
                queryset=ResearchInterest.objects.public().prefetch_related(
                    Prefetch("publications", queryset=Publication.objects.public())
                ),
                to_attr="interest_list",
            ),
            Prefetch(
                "sections", queryset=ProfileSection.objects.public(), to_attr="public_sections"
            ),
        )

    def get_serializer_class(self):
        if self.action != "retrieve":
            return ResearcherSerializer
        return self.format_serializers.get(
            getattr(getattr(self.request, "accepted_renderer", None), "format", None),
            ResearcherDetailSerializer,
        )
