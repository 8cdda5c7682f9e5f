"""The API's pagination. Kept apart from core.api: DRF imports it from the settings while
rest_framework.views, which core.api needs, is still loading."""

from django.conf import settings
from django.core.paginator import EmptyPage
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class Pagination(PageNumberPagination):
    """Page-number pagination that rejects what it cannot honour instead of guessing.

    JSON bodies wrap the page in ``count``/``next``/``previous``/``results``; bodies in
    other formats (BibTeX, CSL-JSON, iCalendar) are the page itself, with the same links
    in a Link header. Every response carries X-Total-Count.
    """

    page_size_query_param = "page_size"

    @property
    def page_size(self):
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def _positive(self, request, name: str, maximum: int | None = None) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        bound = f" from 1 to {maximum}" if maximum else " of 1 or more"
        try:
            value = int(raw)
        except ValueError:
            raise exceptions.ValidationError({name: [f"Expected a whole number{bound}."]}) from None
        if value < 1 or (maximum and value > maximum):
            raise exceptions.ValidationError({name: [f"Expected a whole number{bound}."]})
        return value

    def get_page_size(self, request):
        return self._positive(request, "page_size", self.max_page_size) or self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        number = self._positive(request, "page") or 1
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        try:
            self.page = paginator.page(number)
        except EmptyPage:
            raise exceptions.NotFound(
                f"There is no page {number}: the last page is {paginator.num_pages}."
            ) from None
        self.request = request
        return list(self.page)

    def get_paginated_response(self, data):
        headers = {"X-Total-Count": str(self.page.paginator.count)}
        links = [(self.get_next_link(), "next"), (self.get_previous_link(), "prev")]
        if link := ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links if url):
            headers["Link"] = link
        if getattr(self.request.accepted_renderer, "pages_in_headers", False):
            return Response(data, headers=headers)
        body = {
            "count": self.page.paginator.count,
            "pages": self.page.paginator.num_pages,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        }
        return Response(body, headers=headers)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "pages", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0, "description": "Matching records."},
                "pages": {"type": "integer", "minimum": 1},
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Results per page (default {settings.API_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
            },
        ]
