"""What every endpoint of the read-only JSON API shares.

Strict query parameters (an unknown, repeated or empty one is a 400), errors as JSON
bodies that name the problem, conditional requests and caching headers from the site's
content version, the serializer fields for links, and the schema class that documents all
of it. Pagination and throttling live in core.pagination and core.throttling, which DRF
imports from the settings.
"""

import datetime

from django.conf import settings
from django.db import models
from django.http import JsonResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import exceptions, mixins, renderers, serializers, viewsets
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.changes import current_version

READS = frozenset({"GET", "HEAD"})
# As a regular expression: any character but the controls core.middleware refuses.
NO_CONTROL_CHARACTERS = r"[^\x00-\x1f\x7f]"
ERROR_RESPONSES = {
    "400": (
        "A query parameter is unknown, repeated or has a bad value (`errors` names each), "
        "or the address holds a control character or bytes that are not UTF-8."
    ),
    "404": "No such record (at that slug, or named by a filter), or a page past the last one.",
    "406": "The Accept header or `format` asks for a format this endpoint does not give.",
    "414": "The address is longer than the API reads.",
    "429": "Too many requests: wait the seconds that Retry-After gives.",
}


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: each offending query parameter and what is wrong with it.",
    )


class ConditionalResponse(exceptions.APIException):
    """Raised when a conditional GET is answered without running the view (304 or 412)."""

    def __init__(self, response):
        self.response = response
        super().__init__()


def exception_handler(exc, context):
    if isinstance(exc, ConditionalResponse):
        view = context["view"]
        response = Response(status=exc.response.status_code)
        view.set_cache_headers(response)
        return response
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"query": response.data}
        body["detail"] = "Bad query parameters: " + ", ".join(errors) + "."
        body["errors"] = errors
    else:
        body["detail"] = str(response.data.get("detail", response.status_text))
    response.data = body
    return response


class ApiViewSet(viewsets.GenericViewSet):
    """Every query parameter checked; conditional GETs answered before any work is done."""

    lookup_field = "slug"
    # Any path segment without control characters (those are refused before routing): a slug
    # that cannot exist still gets this API's JSON 404.
    lookup_value_regex = r"[^/\x00-\x1f\x7f]+"
    # Renderer format -> the serializer giving that format's data; others use serializer_class.
    format_serializers: dict = {}

    def get_serializer_class(self):
        renderer = getattr(self.request, "accepted_renderer", None)
        return self.format_serializers.get(getattr(renderer, "format", None), self.serializer_class)

    def perform_content_negotiation(self, request, force=False):
        formats = [renderer.format for renderer in self.get_renderers()]
        wanted = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
        if wanted is not None and wanted not in formats and not force:
            raise exceptions.ValidationError(
                {
                    "format": [
                        f"Unknown format “{wanted}”; this endpoint gives {', '.join(formats)}."
                    ]
                }
            )
        try:
            return super().perform_content_negotiation(request, force)
        except exceptions.NotAcceptable:
            types = ", ".join(renderer.media_type for renderer in self.get_renderers())
            raise exceptions.NotAcceptable(
                f"Nothing here matches the Accept header; this endpoint gives: {types}."
            ) from None

    def allowed_query_parameters(self) -> set[str]:
        allowed = set()
        if len(self.get_renderers()) > 1:
            allowed.add(api_settings.URL_FORMAT_OVERRIDE)
        if self.action == "list":
            allowed |= {"page", "page_size"}
            if filterset_class := getattr(self, "filterset_class", None):
                allowed |= set(filterset_class.base_filters)
        return allowed

    def check_query_parameters(self, request) -> None:
        allowed = self.allowed_query_parameters()
        errors = {}
        for name, values in request.query_params.lists():
            if name not in allowed:
                known = ", ".join(sorted(allowed)) or "none"
                errors[name] = [f"Unknown query parameter; this endpoint takes: {known}."]
            elif len(values) > 1:
                errors[name] = ["Given more than once; give it once."]
            elif not values[0]:
                errors[name] = ["Empty; leave the parameter out to not filter by it."]
        if errors:
            raise exceptions.ValidationError(errors)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in READS:
            return  # OPTIONS describes the endpoint; any other method is refused with a 405
        self.check_query_parameters(request)
        # The page cache read it already, unless the request is one it does not serve.
        self.version = getattr(request, "content_version", None) or current_version()
        response = get_conditional_response(
            request._request, etag=self.etag(), last_modified=self.last_modified()
        )
        if response is not None:
            raise ConditionalResponse(response)

    def etag(self) -> str:
        # Weak: the gzip middleware may change the bytes, never the meaning. The day is in it
        # as in the cache key: "upcoming" changes at midnight with no edit.
        day = datetime.date.today().isoformat()
        return f'W/"{self.version.number}-{day}-{self.request.accepted_renderer.format}"'

    def last_modified(self) -> int:
        return int(self.version.changed.timestamp())

    def set_cache_headers(self, response) -> None:
        response["ETag"] = self.etag()
        response["Last-Modified"] = http_date(self.last_modified())
        response["Cache-Control"] = f"public, max-age={settings.API_CACHE_SECONDS}"
        patch_vary_headers(response, ["Accept"])

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(response, "exception", False) or request.method not in READS:
            # Errors and OPTIONS descriptions are JSON whatever format was asked for.
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = response.accepted_renderer.media_type
        elif response.status_code == 200:
            self.set_cache_headers(response)
        return response


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """A list and a detail."""


class ListViewSet(mixins.ListModelMixin, ApiViewSet):
    """A list alone, such as one researcher's papers."""


def _header(description: str, schema: dict | None = None) -> dict:
    return {"schema": schema or {"type": "string"}, "description": description}


# The language of the translated fields (core.i18n): a researcher's headline, bio and
# interests' introduction, a section's or project's texts, a talk's title and abstract.
ACCEPT_LANGUAGE = {
    "in": "header",
    "name": "Accept-Language",
    "required": False,
    # Any value is taken: a language the site lacks, or a malformed header, gives English.
    "schema": {"type": "string", "example": "zh-Hans"},
    "description": (
        "The language of the translated texts (a researcher's headline, bio and interests' "
        "introduction, profile sections, projects, a talk's title and abstract): `zh-Hans` "
        "(or zh, zh-CN) for Simplified Chinese, where given, else English. English by "
        "default. Names, titles of papers and every other field are the same in both."
    ),
}


class ApiSchema(AutoSchema):
    """drf-spectacular's schema, plus what this API does on every operation: the error
    bodies, the caching and paging headers, and the body of each other format (a renderer
    with ``body_schema(many)`` describes its own)."""

    def _get_parameters(self):
        parameters = super()._get_parameters()
        # What the server refuses, declared: an empty query parameter
        # (ApiViewSet.check_query_parameters) and control characters anywhere in the address
        # (core.middleware.BadAddressMiddleware).
        for parameter in parameters:
            schema = parameter["schema"]
            if schema.get("type") == "string" and "enum" not in schema:
                schema.setdefault("pattern", f"^{NO_CONTROL_CHARACTERS}*$")
                if parameter["in"] == "query":
                    schema.setdefault("minLength", 1)
            elif schema.get("type") == "array":
                schema.setdefault("minItems", 1)
        return [*parameters, ACCEPT_LANGUAGE]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        ok = responses.get("200", {})
        for renderer in self.view.get_renderers():
            if hasattr(renderer, "body_schema"):
                body = renderer.body_schema(many=self._is_list_view())
                ok["content"][renderer.media_type] = {"schema": body}
        for code, description in ERROR_RESPONSES.items():
            responses[code] = self._get_response_for_code(
                OpenApiResponse(ErrorSerializer, description=description),
                code,
                media_types=["application/json"],
            )
        return responses

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if status_code == "200":
            headers["ETag"] = _header("Changes whenever the site's content changes.")
            headers["Content-Language"] = _header("The language of the translated texts.")
            headers["Last-Modified"] = _header("When the site's content last changed.")
            headers["Cache-Control"] = _header("public, with a max-age in seconds.")
            if self._is_list_view():
                headers["X-Total-Count"] = _header("Matching records.", {"type": "integer"})
                headers["Link"] = _header("The next and previous pages (RFC 8288).")
        if status_code == "429":
            headers["Retry-After"] = _header("Seconds to wait.", {"type": "integer"})
        return headers


class LinkField(serializers.URLField):
    """An optional link: null when there is none, never an empty string."""

    def __init__(self, **kwargs):
        kwargs["allow_null"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: LinkField,
    }


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The absolute URL of the record's public page."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


def reference(
    name: str, view_name: str, label: str = "name", page: bool = True
) -> type[serializers.Serializer]:
    """A serializer for a link to a record of another resource: slug, name, API URL and,
    for a record with a public page, that page."""
    fields = {
        "slug": serializers.SlugField(read_only=True),
        "name": serializers.CharField(
            read_only=True, **({"source": label} if label != "name" else {})
        ),
        "url": serializers.HyperlinkedIdentityField(
            view_name=f"api:{view_name}", lookup_field="slug"
        ),
    }
    if page:
        fields["html_url"] = PageURLField()
    return type(name, (serializers.Serializer,), fields)


def not_found(request, *args, **kwargs):
    """Any other path under /api/: the API's JSON 404, not the site's HTML page."""
    body = {"status": 404, "detail": f"No API endpoint at {request.path}; see /api/docs/."}
    return JsonResponse(body, status=404)
