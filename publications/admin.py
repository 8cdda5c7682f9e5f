from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.postgres.forms import SimpleArrayField
from django.db.models import Count, F, Prefetch
from django.urls import path

from core import roles
from core.admin import (
    OwnerLinkFormSet,
    ScopedAdmin,
    ScopedTabularInline,
    ScopedVersionAdmin,
    ThroughTableAdmin,
    TimeStampedAdmin,
)
from publications import rendering
from publications.admin_import import CitationSyncMixin, import_view, source_import_view
from publications.models import Authorship, CitationCount, Publication, Venue

AUTHORS_SHOWN = 3


class AliasesField(SimpleArrayField):
    """A venue's aliases, one a line (names hold commas); blank lines are left out."""

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(
            forms.CharField(max_length=300),
            delimiter="\n",
            widget=forms.Textarea(attrs={"rows": 4}),
            **kwargs,
        )

    def to_python(self, value):
        lines = [line.strip() for line in (value or "").splitlines()]
        return super().to_python("\n".join(line for line in lines if line))


class VenueForm(forms.ModelForm):
    aliases = AliasesField(required=False, help_text=Venue._meta.get_field("aliases").help_text)

    class Meta:
        model = Venue
        fields = ["name", "short_name", "aliases", "kind", "publisher", "issn", "url", "slug"]


@admin.register(Venue)
class VenueAdmin(TimeStampedAdmin):
    form = VenueForm
    list_display = ["name", "short_name", "kind", "publisher", "issn", "publication_count"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "publisher", "=issn"]
    autocomplete_fields = []
    list_select_related = []
    fields = VenueForm.Meta.fields

    # Django drops Meta.ordering from GROUP BY queries, which the count annotation makes.
    ordering = Venue._meta.ordering

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(publication_count=Count("publications"))

    @admin.display(description="papers", ordering="publication_count")
    def publication_count(self, obj):
        return obj.publication_count


class AuthorshipForm(forms.ModelForm):
    position = forms.IntegerField(
        min_value=1,
        max_value=32767,
        required=False,
        widget=forms.NumberInput(attrs={"class": "vSmallField"}),
        help_text="Blank: after the others. Type a number to move the author there.",
    )


class AuthorListFormSet(OwnerLinkFormSet):
    """Numbers the authors 1, 2, 3, ... on every save: in the order of the positions typed,
    a row left blank after the others, and an author moved onto a taken number before the
    one who had it. So a new co-author needs no number, and typing 1 on the last row
    makes them the first author."""

    owner_missing = "Keep yourself among the authors: members edit only their own papers."

    def kept_forms(self) -> list:
        return [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and form.cleaned_data.get("researcher") is not None
            and not self._should_delete_form(form)
        ]

    def clean(self):
        if not any(self.errors):
            self.number_authors()
        super().clean()

    def number_authors(self) -> None:
        def order(indexed):
            index, form = indexed
            typed = form.cleaned_data.get("position")
            moved = "position" in form.changed_data
            return (typed is None, typed or 0, not moved, index)

        ranked = sorted(enumerate(self.kept_forms()), key=order)
        for number, (_, form) in enumerate(ranked, start=1):
            form.cleaned_data["position"] = number
            form.instance.position = number
            if form.initial.get("position") != number and "position" not in form.changed_data:
                form.changed_data.append("position")  # so that the row is saved

    def save_existing_objects(self, commit=True):
        # The authors keep distinct positions after the save, but not necessarily at each
        # row's save in between (a swap): the unique (paper, position) constraint holds at
        # every statement, so the moving rows step aside first, past any real position.
        if commit:
            moving = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk
                and (self._should_delete_form(form) or "position" in form.changed_data)
            ]
            Authorship.objects.filter(pk__in=moving).update(position=F("position") + 16000)
        return super().save_existing_objects(commit)


class AuthorshipInline(ScopedTabularInline):
    """Authors in printed order. A co-author who is only a name is added with the "+"
    next to the researcher box, which opens the short researcher form."""

    model = Authorship
    form = AuthorshipForm
    formset = AuthorListFormSet
    fields = [
        "position",
        "researcher",
        "printed_name",
        "equal_contribution",
        "corresponding",
        "other_marks",
    ]
    autocomplete_fields = ["researcher"]
    ordering = ["position"]
    extra = 1


class CitationCountInline(ScopedTabularInline):
    model = CitationCount
    fields = ["year", "count", "source"]
    ordering = ["year"]
    extra = 0


@admin.register(Publication)
class PublicationAdmin(CitationSyncMixin, ScopedVersionAdmin):
    actions = ["sync_citations"]
    list_display = [
        "title",
        "author_list",
        "year",
        "kind",
        "status",
        "venue",
        "citation_count",
        "featured",
        "visibility",
    ]
    list_filter = ["kind", "status", "visibility", "featured", "venue__kind", "year"]
    search_fields = [
        "title",
        "venue_detail",
        "venue__name",
        "venue__short_name",
        "authorships__researcher__full_name",
        "authorships__printed_name",
        "=doi",
        "=arxiv_id",
    ]
    search_help_text = "Title, venue, author, DOI or arXiv id."
    autocomplete_fields = ["venue"]
    list_select_related = ["venue"]
    readonly_fields = ["citation_count"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    ("kind", "status"),
                    ("year", "date"),
                    "venue",
                    "venue_detail",
                    ("volume", "issue", "pages", "article_number", "page_count"),
                    ("month", "et_al"),
                    "note",
                    "full_note",
                    ("publisher", "series", "address"),
                    ("issn", "isbn"),
                ]
            },
        ),
        (
            "Identifiers and links",
            {
                "fields": [
                    ("doi", "arxiv_id"),
                    ("arxiv_category", "arxiv_date"),
                    ("pmid", "citation_key"),
                    "url",
                    ("pdf_url", "code_url"),
                    "links",
                ]
            },
        ),
        (
            "al-folio",
            {
                "classes": ["collapse"],
                "fields": [
                    ("venue_abbr", "award_name", "bibtex_show"),
                    "award",
                    "preview",
                    "annotation",
                    "additional_info",
                    ("google_scholar_id", "altmetric", "dimensions"),
                    "extra_fields",
                ],
            },
        ),
        ("Content", {"classes": ["collapse"], "fields": ["abstract", "keywords"]}),
        (
            "Publishing",
            {"fields": [("visibility", "featured"), "slug", "citation_count"]},
        ),
    ]
    inlines = [AuthorshipInline, CitationCountInline]
    ordering = Publication._meta.ordering  # see VenueAdmin.ordering

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(author_count=Count("authorships"))
            .prefetch_related(
                Prefetch(
                    "authorships",
                    queryset=Authorship.objects.select_related("researcher").order_by("position"),
                )
            )
        )

    def get_changeform_initial_data(self, request):
        # Most papers typed in by hand are published journal articles (the status's default).
        initial = {"kind": Publication.Kind.JOURNAL_ARTICLE}
        return initial | super().get_changeform_initial_data(request)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(partial(function, self))

        return [
            path("import/", view(import_view), name="publications_publication_import"),
            path(
                "import-source/",
                view(source_import_view),
                name="publications_publication_import_source",
            ),
            *super().get_urls(),
        ]

    def save_related(self, request, form, formsets, change):
        # The paper is rendered once its authors are all saved, not once for each: its
        # BibTeX key is made from the first author, whichever row is saved first.
        with rendering.batched():
            super().save_related(request, form, formsets, change)
            rendering.changed([form.instance.pk])

    def changelist_view(self, request, extra_context=None):
        can_import = self.has_add_permission(request) and not roles.is_scoped(request.user)
        return super().changelist_view(request, {**(extra_context or {}), "can_import": can_import})

    @admin.action(description="Update citation counts from OpenAlex", permissions=["sync"])
    def sync_citations(self, request, queryset):
        self.sync_citations_of(request, queryset)

    @admin.display(description="authors", ordering="author_count")
    def author_list(self, obj):
        names = [a.display_name for a in obj.authorships.all()[:AUTHORS_SHOWN]]
        if obj.author_count > AUTHORS_SHOWN:
            names.append(f"… ({obj.author_count} authors)")
        return ", ".join(names)


@admin.register(Authorship)
class AuthorshipAdmin(ThroughTableAdmin, ScopedAdmin):
    list_display = [
        "publication",
        "position",
        "researcher",
        "printed_name",
        "equal_contribution",
        "corresponding",
    ]
    list_filter = ["equal_contribution", "corresponding", "researcher__is_member"]
    search_fields = ["publication__title", "researcher__full_name", "printed_name"]
    autocomplete_fields = ["publication", "researcher"]
    list_select_related = ["publication", "researcher"]
    ordering = ["publication__title", "position"]


@admin.register(CitationCount)
class CitationCountAdmin(ThroughTableAdmin, ScopedAdmin):
    list_display = ["publication", "year", "count", "source"]
    list_filter = ["source", "year"]
    search_fields = ["publication__title"]
    autocomplete_fields = ["publication"]
    list_select_related = ["publication"]
