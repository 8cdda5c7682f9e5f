"""The API's publications and venues: serializers, renderers for citation formats, viewsets.

A publication endpoint answers in JSON, in BibTeX (``Accept: application/x-bibtex`` or
``?format=bibtex``), in RIS (``Accept: application/x-research-info-systems`` or
``?format=ris``) or in CSL-JSON (``Accept: application/vnd.citationstyles.csl+json`` or
``?format=csljson``), from the same formatters the site's pages and downloads use.
"""

import json
from functools import partial
from operator import attrgetter

import django_filters
from django.conf import settings
from django.db.models import Sum
from django.db.models.fields.json import KT
from django.http import QueryDict
from django.utils import translation
from django.utils.encoding import iri_to_uri
from rest_framework import renderers, serializers
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

from core.api import LinkField, ModelSerializer, PageURLField, ReadOnlyViewSet
from core.pagination import Pagination
from profiles.api import (
    ResearcherRecordsViewSet,
    ResearcherRefSerializer,
    VenueRef,
    researcher_ref,
)
from publications import rendering, ris
from publications.csl import CSL_ITEM_SCHEMA
from publications.filters import PublicationApiFilter
from publications.models import Authorship, FacetCount, Publication, Venue
from publications.views import CountedPaginator

# What stands for the scheme and host in a stored representation: a NUL, which no text in
# PostgreSQL holds, so that in the stored JSON '"\u0000' is where an address starts and
# nowhere else (a NUL in a string is escaped so; a quote opens or closes a string, or is
# itself escaped).
STORED_ORIGIN = "\x00"
STORED_ADDRESS = json.dumps(STORED_ORIGIN)[:-1]


class TextRenderer(renderers.BaseRenderer):
    """A citation format written as text: ``write_many`` for a list, ``write_one`` for one."""

    charset = "utf-8"
    pages_in_headers = True

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        write = self.write_many if isinstance(data, list) else self.write_one
        # Text, which DRF encodes: as bytes, an empty file (no paper matches) would lose
        # its Content-Type, since DRF drops that header from an empty bytes body.
        return write(data)


class BibTeXRenderer(TextRenderer):
    media_type = "application/x-bibtex"
    format = "bibtex"
    write_many = staticmethod(rendering.bibtex_file)
    write_one = staticmethod(attrgetter("bibtex"))

    def body_schema(self, many: bool) -> dict:
        what = "one entry per paper" if many else "one entry"
        return {
            "type": "string",
            "description": f"BibTeX: {what}, under the key the paper has in every download.",
        }


class RisRenderer(TextRenderer):
    media_type = "application/x-research-info-systems"
    format = "ris"
    write_many = staticmethod(ris.format_records)
    write_one = staticmethod(ris.format_record)

    def body_schema(self, many: bool) -> dict:
        what = "one record per paper" if many else "one record"
        return {"type": "string", "description": f"RIS, CRLF line endings: {what}."}


class StoredJSON:
    """JSON text written out as it is: stored representations, addressed to the request."""

    def __init__(self, text: str):
        self.text = text


class JSONRenderer(renderers.JSONRenderer):
    """DRF's, which also writes a StoredJSON as it is, alone or as a page's results: the
    same bytes as DRF's encoding of what it holds, which an indented answer gets."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        results = data.get("results") if isinstance(data, dict) else None
        stored = results if isinstance(results, StoredJSON) else data
        if not isinstance(stored, StoredJSON):
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            parsed = json.loads(stored.text)
            data = {**data, "results": parsed} if stored is results else parsed
            return super().render(data, accepted_media_type, renderer_context)
        if stored is data:
            return stored.text.encode()
        # The page's other keys as DRF writes them, the results where a placeholder is.
        page = super().render({**data, "results": STORED_ORIGIN}, accepted_media_type)
        return page.replace(f'{STORED_ADDRESS}"'.encode(), stored.text.encode(), 1)


class CslJsonRenderer(renderers.JSONRenderer):
    """CSL-JSON, the citation data citeproc processors and reference managers read."""

    media_type = "application/vnd.citationstyles.csl+json"
    format = "csljson"
    pages_in_headers = True

    def body_schema(self, many: bool) -> dict:
        return {"type": "array", "items": CSL_ITEM_SCHEMA} if many else CSL_ITEM_SCHEMA


class PublicationItemSerializer(serializers.BaseSerializer):
    """The publication itself: RisRenderer formats it, BibTeXRenderer writes its stored
    entry."""

    def to_representation(self, publication):
        return publication


class CslItemSerializer(serializers.BaseSerializer):
    def to_representation(self, publication):
        return rendering.csl_items([publication])[0]


class AuthorSerializer(ModelSerializer):
    name = serializers.CharField(source="display_name", help_text="As printed on the paper.")
    researcher = ResearcherRefSerializer(allow_null=True)

    class Meta:
        model = Authorship
        fields = ["position", "name", "equal_contribution", "corresponding", "researcher"]


class PublicationSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:publication-detail", lookup_field="slug"
    )
    html_url = PageURLField()
    venue = VenueRef(allow_null=True)
    authors = AuthorSerializer(source="authorships", many=True)
    publisher_url = LinkField(source="url", help_text="The publisher's page.")
    pdf_url = LinkField(source="pdf_link", help_text="The paper's own PDF, else arXiv's.")
    doi_url = LinkField(help_text="https://doi.org/... for the DOI.")
    arxiv_url = LinkField(help_text="The arXiv abstract page.")

    class Meta:
        model = Publication
        fields = ["slug", "url", "html_url", "title", "kind", "status", "year", "date"]
        fields += ["authors", "venue", "venue_detail", "volume", "issue", "pages"]
        fields += ["article_number", "doi", "arxiv_id", "arxiv_category", "arxiv_date"]
        fields += ["abstract", "note", "keywords", "featured", "citation_count"]
        fields += ["publisher_url", "pdf_url", "code_url", "doi_url", "arxiv_url"]

    def to_representation(self, paper):
        """What the fields above give (tests compare the two), written out: DRF's walk of
        the fields and of every author's took most of a page of the list."""
        request = self.context["request"]
        venue = paper.venue
        return {
            "slug": paper.slug,
            "url": reverse("api:publication-detail", kwargs={"slug": paper.slug}, request=request),
            "html_url": request.build_absolute_uri(paper.get_absolute_url()),
            "title": paper.title,
            "kind": paper.kind,
            "status": paper.status,
            "year": paper.year,
            "date": iso_date(paper.date),
            "authors": [
                {
                    "position": author.position,
                    "name": author.display_name,
                    "equal_contribution": author.equal_contribution,
                    "corresponding": author.corresponding,
                    "researcher": author.researcher and researcher_ref(author.researcher, request),
                }
                for author in paper.authorships.all()
            ],
            "venue": venue
            and {
                "slug": venue.slug,
                "name": venue.name,
                "url": reverse("api:venue-detail", kwargs={"slug": venue.slug}, request=request),
            },
            "venue_detail": paper.venue_detail,
            "volume": paper.volume,
            "issue": paper.issue,
            "pages": paper.pages,
            "article_number": paper.article_number,
            "doi": paper.doi,
            "arxiv_id": paper.arxiv_id,
            "arxiv_category": paper.arxiv_category,
            "arxiv_date": iso_date(paper.arxiv_date),
            "abstract": paper.abstract,
            "note": paper.note,
            "keywords": list(paper.keywords),
            "featured": paper.featured,
            "citation_count": paper.citation_count,
            "publisher_url": paper.url or None,
            "pdf_url": paper.pdf_link or None,
            "code_url": paper.code_url or None,
            "doi_url": paper.doi_url or None,
            "arxiv_url": paper.arxiv_url or None,
        }


def iso_date(value):
    return value and value.isoformat()


class StoredRequest:
    """The request a representation is stored for: what it reads of one (the ``format``
    that DRF's links repeat, none here; absolute addresses, here from STORED_ORIGIN)."""

    GET = QueryDict()

    def build_absolute_uri(self, location: str) -> str:
        # As HttpRequest.build_absolute_uri does an absolute path, the host left out.
        return STORED_ORIGIN + iri_to_uri(location)


def stored_representations(paper: Publication) -> dict[str, str]:
    """The paper's JSON as the API writes it, by language, its addresses from
    STORED_ORIGIN: what publications.rendering stores, and ``stored_json`` reads."""
    serializer = PublicationSerializer(context={"request": StoredRequest()})
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            data = serializer.to_representation(paper)
        texts[language] = renderers.JSONRenderer().render(data).decode()
    return texts


def addressed(text: str, request) -> str:
    """Stored JSON with the request's scheme and host where STORED_ORIGIN stands."""
    origin = json.dumps(request.build_absolute_uri("/")[:-1])[:-1]
    return text.replace(STORED_ADDRESS, origin)


def stored_json():
    """The stored representation of each paper in the language of the answer."""
    return KT(f"api_json__{translation.get_language()}")


class PublicationPagination(Pagination):
    """Counts a list the stored facet counts hold (the view's ``stored_count``) from them:
    counting every public paper took a fifth of the list's time."""

    def paginate_queryset(self, queryset, request, view=None):
        count = view.stored_count() if view is not None else None
        if count is not None:
            # A paginator per view, hence per request.
            self.django_paginator_class = partial(CountedPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)


class PublicationFormats:
    """The papers in every format; in JSON, each written from its stored representation
    (publications.rendering) unless ``format`` is given, which DRF's links then repeat."""

    renderer_classes = [JSONRenderer, BibTeXRenderer, RisRenderer, CslJsonRenderer]
    pagination_class = PublicationPagination
    format_serializers = {
        "bibtex": PublicationItemSerializer,
        "ris": PublicationItemSerializer,
        "csljson": CslItemSerializer,
    }
    # The formats written from what is stored on the row, and the columns each reads.
    stored_formats = {"bibtex": ("bibtex_key", "bibtex"), "csljson": ("csl_json",)}
    serializer_class = PublicationSerializer
    filterset_class = PublicationApiFilter

    def records(self):
        papers = Publication.objects.public()
        renderer = getattr(self.request, "accepted_renderer", None)
        stored = self.stored_formats.get(getattr(renderer, "format", None))
        if stored:
            return papers.only("slug", *stored)
        if self.stored_json_answer():
            return papers
        return papers.with_authors().defer("search_vector", *rendering.STORED_TEXTS)

    def stored_json_answer(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        asked = api_settings.URL_FORMAT_OVERRIDE in self.request.query_params
        return isinstance(renderer, JSONRenderer) and not asked

    def unfiltered(self) -> bool:
        parameters = self.request.query_params
        return not any(name in parameters for name in self.filterset_class.base_filters)

    def filter_queryset(self, queryset):
        # With no filter given, django-filter's form (made and validated for nothing) took
        # a fifth of the list's time.
        return queryset if self.unfiltered() else super().filter_queryset(queryset)

    def list(self, request, *args, **kwargs):
        if not self.stored_json_answer():
            return super().list(request, *args, **kwargs)
        papers = self.filter_queryset(self.get_queryset())
        texts = self.paginate_queryset(papers.values_list(stored_json(), flat=True))
        if None in texts:
            # Written past the signals and not rendered yet (render_publications), or a
            # language added since: this page from the fields, as the HTML pages do.
            return super().list(request, *args, **kwargs)
        return self.get_paginated_response(StoredJSON(addressed(f"[{','.join(texts)}]", request)))


class PublicationViewSet(PublicationFormats, ReadOnlyViewSet):
    """Public papers, newest first. Filters combine; ``q`` searches as the site does."""

    def get_queryset(self):
        return self.records()

    def retrieve(self, request, *args, **kwargs):
        if not self.stored_json_answer():
            return super().retrieve(request, *args, **kwargs)
        papers = self.filter_queryset(self.get_queryset())
        text = get_object_or_404(papers.values_list(stored_json(), flat=True), slug=kwargs["slug"])
        if text is None:  # not rendered yet, as in ``list``
            return super().retrieve(request, *args, **kwargs)
        return Response(StoredJSON(addressed(text, request)))

    def stored_count(self) -> int | None:
        """Every public paper has a year: with no filter on, the stored year counts add
        up to them all."""
        if not self.unfiltered():
            return None
        years = FacetCount.objects.filter(facet=FacetCount.Facet.YEAR)
        return years.aggregate(total=Sum("count", default=0))["total"]


class ResearcherPublicationViewSet(PublicationFormats, ResearcherRecordsViewSet):
    """The public papers of one researcher with a profile, with the same filters."""

    def of_researcher(self, records, researcher):
        self.researcher = researcher
        return records.for_researcher(researcher)

    def stored_count(self) -> int | None:
        """A member's stored author count is how many public papers they have."""
        if not self.unfiltered():
            return None
        author = FacetCount.objects.filter(facet=FacetCount.Facet.AUTHOR, key=self.researcher.pk)
        return author.values_list("count", flat=True).first() or 0


class VenueSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:venue-detail", lookup_field="slug")
    homepage = LinkField(source="url")

    class Meta:
        model = Venue
        fields = ["slug", "url", "name", "short_name", "kind", "publisher", "issn", "homepage"]


class VenueFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Venue.Kind.choices)

    class Meta:
        model = Venue
        fields = ["kind"]


class VenueViewSet(ReadOnlyViewSet):
    """Journals, conferences, workshops and preprint servers."""

    serializer_class = VenueSerializer
    filterset_class = VenueFilter
    queryset = Venue.objects.all()
