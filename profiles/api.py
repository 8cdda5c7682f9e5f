"""The API's organizations and what the other apps' endpoints share about researchers: their
references, list serializer, filters and profile entries (``cv.api`` serves researchers)."""

import django_filters
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.reverse import reverse

from core.api import (
    LinkField,
    ListViewSet,
    ModelSerializer,
    PageURLField,
    ReadOnlyViewSet,
    reference,
)
from core.filters import OrderingFilter, RankedFilterSet, SearchFilter
from core.models import Visibility
from profiles.models import (
    Education,
    Organization,
    Position,
    ProfileSection,
    Project,
    Researcher,
    Teaching,
)

OrganizationRef = reference("OrganizationRef", "organization-detail", page=False)
VenueRef = reference("VenueRef", "venue-detail", page=False)
EventRef = reference("EventRef", "event-detail")
PublicationRef = reference("PublicationRef", "publication-detail", label="title")
TalkRef = reference("TalkRef", "talk-detail", label="title")


def published_researcher(slug: str) -> Researcher:
    """The public member with this slug, for the endpoints under /researchers/<slug>/."""
    try:
        return Researcher.objects.public_members().get(slug=slug)
    except Researcher.DoesNotExist:
        raise NotFound(f"No researcher with a public profile has the slug “{slug}”.") from None


# On the class, not on its list: a subclass may write its own (publications.api).
@extend_schema(
    parameters=[
        OpenApiParameter(
            "researcher_slug",
            str,
            OpenApiParameter.PATH,
            description="The slug of a researcher with a public profile.",
        )
    ]
)
class ResearcherRecordsViewSet(ListViewSet):
    """Base of the lists under /researchers/<slug>/: a subclass gives ``records()`` and
    ``of_researcher(records, researcher)``; a slug with no public profile is a 404."""

    def get_queryset(self):
        records = self.records()
        if getattr(self, "swagger_fake_view", False):  # the schema generator's stand-in
            return records.none()
        return self.of_researcher(records, published_researcher(self.kwargs["researcher_slug"]))


class PublicPeopleSerializer(serializers.ListSerializer):
    """A list of people leaves hidden ones out, rather than holding nulls."""

    def to_representation(self, data):
        return [person for person in super().to_representation(data) if person is not None]


def researcher_ref(researcher: Researcher, request) -> dict | None:
    """What ResearcherRefSerializer's fields give (tests compare the two), written out: a
    list of papers names hundreds of people, and DRF's walk of the fields costs ten times
    this. None for a hidden person."""
    if researcher.visibility != Visibility.PUBLIC:
        return None
    profile = researcher.has_profile
    return {
        "slug": researcher.slug,
        "name": researcher.full_name,
        "native_name": researcher.native_name,
        "orcid": researcher.orcid,
        "url": reverse("api:researcher-detail", kwargs={"slug": researcher.slug}, request=request)
        if profile
        else None,
        "html_url": request.build_absolute_uri(researcher.get_absolute_url()) if profile else None,
    }


class ResearcherRefSerializer(ModelSerializer):
    """A person named on a paper, a talk or a profile. ``url`` and ``html_url`` are null
    unless they have a profile here; a hidden person is null altogether (and left out of
    lists of people)."""

    name = serializers.CharField(source="full_name")
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Researcher
        fields = ["slug", "name", "native_name", "orcid", "url", "html_url"]
        list_serializer_class = PublicPeopleSerializer

    def to_representation(self, researcher):
        return researcher_ref(researcher, self.context["request"])

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, researcher) -> str | None:
        if not researcher.has_profile:
            return None
        request = self.context["request"]
        return reverse("api:researcher-detail", kwargs={"slug": researcher.slug}, request=request)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_html_url(self, researcher) -> str | None:
        if not researcher.has_profile:
            return None
        return self.context["request"].build_absolute_uri(researcher.get_absolute_url())


class OrganizationSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organization-detail", lookup_field="slug"
    )
    parent = OrganizationRef(allow_null=True)
    homepage = LinkField(source="url")

    class Meta:
        model = Organization
        fields = ["slug", "url", "name", "short_name", "kind", "parent", "city", "country"]
        fields += ["ror_id", "homepage"]


class PeriodMixin(serializers.Serializer):
    period = serializers.CharField(help_text="The dates as the page shows them.")


class PositionSerializer(PeriodMixin, ModelSerializer):
    organization = OrganizationRef()

    class Meta:
        model = Position
        fields = ["kind", "title", "organization", "description"]
        fields += ["start_date", "end_date", "date_precision", "period"]


class EducationSerializer(PeriodMixin, ModelSerializer):
    institution = OrganizationRef()
    partner_institutions = OrganizationRef(many=True)
    advisors = ResearcherRefSerializer(many=True)

    class Meta:
        model = Education
        fields = ["degree", "degree_title", "field", "institution", "partner_institutions"]
        fields += ["advisors", "honours_programme", "thesis_title", "rank_note", "description"]
        fields += ["start_date", "end_date", "date_precision", "period"]


class TeachingSerializer(ModelSerializer):
    organization = OrganizationRef()
    instructor = ResearcherRefSerializer(allow_null=True)
    course_url = LinkField(source="url")

    class Meta:
        model = Teaching
        fields = ["course", "course_code", "role", "year", "term", "organization"]
        fields += ["programme", "instructor", "course_url"]


class ProjectSerializer(ModelSerializer):
    members = serializers.SerializerMethodField()
    homepage = LinkField(source="url")

    class Meta:
        model = Project
        fields = ["slug", "title", "kind", "language", "description", "homepage", "code_url"]
        fields += ["members"]

    @extend_schema_field(ResearcherRefSerializer(many=True))
    def get_members(self, project):
        people = [m.researcher for m in project.memberships.all()]
        return ResearcherRefSerializer(people, many=True, context=self.context).data


class SectionSerializer(ModelSerializer):
    class Meta:
        model = ProfileSection
        fields = ["title", "body"]


class ResearcherSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:researcher-detail", lookup_field="slug"
    )
    html_url = PageURLField()
    photo = serializers.ImageField(allow_null=True, use_url=True)
    publications = serializers.SerializerMethodField()
    talks = serializers.SerializerMethodField()

    class Meta:
        model = Researcher
        fields = ["slug", "url", "html_url", "full_name", "given_name", "family_name"]
        fields += ["native_name", "name_variants", "role", "headline", "photo", "homepage"]
        fields += ["orcid", "google_scholar_id", "github", "openalex_id", "arxiv_author_id"]
        fields += ["publications", "talks"]

    def _link(self, researcher, view_name: str) -> str:
        return reverse(
            view_name, kwargs={"researcher_slug": researcher.slug}, request=self.context["request"]
        )

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_publications(self, researcher) -> str:
        return self._link(researcher, "api:researcher-publications-list")

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_talks(self, researcher) -> str:
        return self._link(researcher, "api:researcher-talks-list")


class ResearcherFilter(RankedFilterSet):
    role = django_filters.ChoiceFilter(choices=Researcher.Role.choices)
    q = SearchFilter()
    ordering = OrderingFilter(
        fields=[("sort_order", "order"), ("family_name", "family_name")],
        help_text="order (the site's member order) or family_name; '-' for descending.",
    )

    class Meta:
        model = Researcher
        fields = ["role"]


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices)
    country = django_filters.CharFilter(help_text="Exact, e.g. China.")
    ordering = OrderingFilter(fields=[("name", "name")])

    class Meta:
        model = Organization
        fields = ["kind", "country"]


class OrganizationViewSet(ReadOnlyViewSet):
    """Universities, schools, companies and societies that profiles and talks name."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    queryset = Organization.objects.select_related("parent")
