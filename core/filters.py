"""Filters the API's FilterSets share: strict where django-filter is lenient, so a bad
value is a clear error instead of a filter silently left out."""

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchRank
from django.db.models import F
from django_filters.fields import BaseCSVField
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions

from core.search import MAX_QUERY_LENGTH, MAX_RANKED, clean_query, search_query
from core.validators import MAX_YEAR, MIN_YEAR, normalize_orcid

ORCID_FORM = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error, where django-filter reads it as unset."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.VALUES[str(value).lower()]
        except KeyError:
            raise forms.ValidationError(
                "Expected true or false, not “%(value)s”.", params={"value": value}
            ) from None


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field({"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR})
class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)


class ItemsRequiredCSVField(BaseCSVField):
    """Comma-separated values none of which is empty ("year," is a mistake, not "year")."""

    def clean(self, value):
        if value and "" in value:
            raise forms.ValidationError("An empty item; give names separated by commas.")
        return super().clean(value)


class OrderingFilter(django_filters.OrderingFilter):
    """Ordering on a whitelist, with the primary key last so pages never overlap."""

    base_field_class = ItemsRequiredCSVField

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


@extend_schema_field({"type": "string", "maxLength": MAX_QUERY_LENGTH})
class SearchFilter(django_filters.CharFilter):
    """`q`: the site search's full-text query against the model's stored search vector;
    matches are annotated with ``rank``. As on the site, only the most recent MAX_RANKED
    matches (in the model's own order) are ranked, and counted."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Full-text search, as on the site's search page")
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        text = clean_query(value or "")
        if not text:
            return qs
        query = search_query(text)
        ordering = (*qs.model._meta.ordering, "pk")
        matches = qs.filter(search_vector=query).order_by(*ordering).values("pk")[:MAX_RANKED]
        return qs.filter(pk__in=matches).annotate(rank=SearchRank(F("search_vector"), query))


class RankedFilterSet(django_filters.FilterSet):
    """A FilterSet with `q` and `ordering`: a search without an ordering is best first."""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "rank" in queryset.query.annotations and not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by("-rank", *queryset.model._meta.ordering, "pk")
        return queryset


class ResearcherField(forms.ModelChoiceField):
    """A researcher named by slug or by ORCID iD (either form, with or without the URL)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        orcid = normalize_orcid(value)
        lookup = {"orcid": orcid} if ORCID_FORM.fullmatch(orcid) else {"slug": value}
        try:
            return self.queryset.get(**lookup)
        except self.queryset.model.DoesNotExist:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class ResearcherFilter(django_filters.ModelChoiceFilter):
    field_class = ResearcherField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("help_text", "A researcher's slug or ORCID iD.")
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": "No researcher on this site has the slug or ORCID iD “%(value)s”."},
        )
        super().__init__(*args, **kwargs)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that a well-formed slug naming no public record (an
    author, venue, event) is a 404, as it is on a detail endpoint: the request is valid by
    the schema, the record is not there. Any other bad value makes it a 400."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if filterset.is_valid():
            return filterset.qs
        fields, errors = filterset.form.fields, filterset.form.errors.as_data()
        if all(
            isinstance(fields[name], forms.ModelChoiceField)
            and all(error.code == "invalid_choice" for error in field_errors)
            for name, field_errors in errors.items()
        ):
            raise exceptions.NotFound(" ".join(m for ms in filterset.errors.values() for m in ms))
        raise translate_validation(filterset.errors)
