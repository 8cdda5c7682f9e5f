"""The FilterSets of publication lists: the HTML list's, and the API's, which extends it."""

import html
from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django.http import QueryDict
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from core.filters import (
    BooleanFilter,
    OrderingFilter,
    RankedFilterSet,
    ResearcherFilter,
    SearchFilter,
    YearFilter,
)
from profiles.models import Researcher
from publications import facets
from publications.models import Publication, Venue


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]
    selected_label: str
    remove_query: str

    @property
    def options_html(self) -> SafeString:
        """The select's options, joined here rather than by a template loop: the author
        filter alone lists every public author with a paper."""
        # html.escape, which Django's escape wraps, and each count localized once: with
        # every author listed, the wrappers were most of the page's filter form.
        numbers = {count: localize(count) for count in {option.count for option in self.options}}
        return mark_safe(
            "".join(
                f'<option value="{html.escape(str(option.value))}"'
                f"{' selected' if option.selected else ''}>"
                f"{html.escape(str(option.label))} ({numbers[option.count]})</option>\n      "
                for option in self.options
            )
        )


class PublicationFilter(django_filters.FilterSet):
    year = YearFilter(label=_("Year"))
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Publication.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Publication.Status.choices)
    # An author is any public researcher, co-authors included. One authorship per person
    # and paper, and one venue per paper: neither filter repeats a paper, so no DISTINCT.
    author = ResearcherFilter(
        label=_("Author"),
        field_name="authorships__researcher",
        queryset=Researcher.objects.public(),
        distinct=False,
    )
    venue = django_filters.ModelChoiceFilter(
        label=_("Venue"),
        to_field_name="slug",
        queryset=Venue.objects.all(),
        distinct=False,
        error_messages={"invalid_choice": _("No venue on this site has the id “%(value)s”.")},
    )

    class Meta:
        model = Publication
        fields = ["year", "kind", "status", "author", "venue"]

    def facets(self, unfiltered_counts: Callable[[], dict] | None = None) -> list[Facet]:
        """Each filter's values with how many papers each would give, the other filters kept.

        One grouped query per filter, whatever the number of papers. ``unfiltered_counts``
        gives the counts over the whole queryset at once (``facets.stored`` for every
        public paper, the list's): a filter with no other on takes them, so the unfiltered
        list counts in one query.
        """
        stored = None
        result = []
        for name in facets.Facet.values:
            if unfiltered_counts is None or self._others_on(name):
                rows = facets.counts(self._without(name), name)
            else:
                stored = stored if stored is not None else unfiltered_counts()
                rows = stored[name]
            result.append(self._facet(name, [(row.value, row.label, row.count) for row in rows]))
        return result

    def unfiltered(self) -> bool:
        """No valid filter value is on: the list is every public paper."""
        return not self._others_on("")

    def _valid_values(self) -> dict:
        # As FilterSet.qs does, a filter whose value is invalid is left out.
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    def _others_on(self, name: str) -> bool:
        return any(
            value not in EMPTY_VALUES
            for other, value in self._valid_values().items()
            if other != name
        )

    def _without(self, skipped: str):
        queryset = self.queryset
        for name, value in self._valid_values().items():
            if name != skipped:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def _facet(self, name: str, counts: list[tuple[str, str, int]]) -> Facet:
        raw = self.data.get(name, "")
        cleaned = self._valid_values().get(name)
        options = [
            FacetOption(value, option_label, count, selected=value == raw)
            for value, option_label, count in counts
        ]
        selected_label = next((o.label for o in options if o.selected), "")
        if cleaned not in (None, "") and not selected_label:
            # A valid value that matches nothing here still shows, with its zero.
            selected_label = dict(self.filters[name].extra.get("choices", ())).get(
                cleaned, str(cleaned)
            )
            options.append(FacetOption(raw, selected_label, 0, selected=True))
        query = QueryDict(mutable=True)
        query.update(self.data)
        query.pop(name, None)
        query.pop("page", None)
        return Facet(name, self.filters[name].label, options, selected_label, query.urlencode())


class PublicationApiFilter(PublicationFilter, RankedFilterSet):
    """The HTML list's filters, plus what programs ask for."""

    year_min = YearFilter(label=_("From year"), field_name="year", lookup_expr="gte")
    year_max = YearFilter(label=_("To year"), field_name="year", lookup_expr="lte")
    has_doi = BooleanFilter(label=_("Has a DOI"), method="filter_has")
    has_arxiv = BooleanFilter(label=_("Has an arXiv id"), method="filter_has")
    featured = BooleanFilter(label=_("Selected paper"))
    q = SearchFilter()
    ordering = OrderingFilter(
        fields=[
            ("year", "year"),
            ("date", "date"),
            ("title", "title"),
            ("citation_count", "citations"),
        ],
        help_text="year, date, title or citations; a leading '-' for descending.",
    )

    class Meta:
        model = Publication
        fields = [*PublicationFilter.Meta.fields, "year_min", "year_max", "featured"]

    def filter_has(self, queryset, name, value):
        field = {"has_doi": "doi", "has_arxiv": "arxiv_id"}[name]
        empty = {field: ""}
        return queryset.exclude(**empty) if value else queryset.filter(**empty)
