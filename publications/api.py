"""The API's publications and venues: serializers, renderers for citation formats, viewsets.

A publication endpoint answers in JSON, in BibTeX (``Accept: application/x-bibtex`` or
``?format=bibtex``), in RIS (``Accept: application/x-research-info-systems`` or
``?format=ris``) or in CSL-JSON (``Accept: application/vnd.citationstyles.csl+json`` or
``?format=csljson``), from the same formatters the site's pages and downloads use.
"""

from operator import attrgetter

import django_filters
from rest_framework import renderers, serializers
from rest_framework.reverse import reverse

from core.api import LinkField, ModelSerializer, PageURLField, ReadOnlyViewSet
from profiles.api import (
    ResearcherRecordsViewSet,
    ResearcherRefSerializer,
    VenueRef,
    researcher_ref,
)
from publications import rendering, ris
from publications.csl import CSL_ITEM_SCHEMA
from publications.filters import PublicationApiFilter
from publications.models import Authorship, Publication, Venue


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


class PublicationFormats:
    renderer_classes = [renderers.JSONRenderer, BibTeXRenderer, RisRenderer, CslJsonRenderer]
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
        return papers.with_authors().defer("search_vector", *rendering.STORED_TEXTS)


class PublicationViewSet(PublicationFormats, ReadOnlyViewSet):
    """Public papers, newest first. Filters combine; ``q`` searches as the site does."""

    def get_queryset(self):
        return self.records()


class ResearcherPublicationViewSet(PublicationFormats, ResearcherRecordsViewSet):
    """The public papers of one researcher with a profile, with the same filters."""

    def of_researcher(self, records, researcher):
        return records.for_researcher(researcher)


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
