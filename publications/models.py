from urllib.parse import quote

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import ArxivIdField, DOIField
from core.models import (
    ArrayToString,
    PublicQuerySet,
    SlugModel,
    TimeStampedModel,
    Visibility,
    VisibilityModel,
)
from core.search import CompiledOnce, folded_vector
from core.validators import (
    MAX_SEARCHED_TEXT,
    validate_arxiv_category,
    validate_issn,
    year_validators,
)
from profiles.models import Researcher, researcher_name_forms, sane_year_constraint

LINK_LABELS = {
    "pdf": "PDF",
    "code": "Code",
    "html": "HTML",
    "slides": "Slides",
    "poster": "Poster",
    "website": "Website",
    "video": "Video",
    "supp": "Supplement",
    "blog": "Blog",
}


class Venue(SlugModel, TimeStampedModel):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        JOURNAL = "journal", _("Journal")
        WORKSHOP = "workshop", _("Workshop")
        PREPRINT_SERVER = "preprint", _("Preprint server")
        BOOK = "book", _("Book or book series")

    name = models.CharField(max_length=300, help_text="Full name, without the year.")
    short_name = models.CharField(max_length=60, blank=True, help_text="e.g. NeurIPS, JMLR.")
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    publisher = models.CharField(max_length=200, blank=True)
    issn = models.CharField("ISSN", max_length=9, blank=True, validators=[validate_issn])
    url = models.URLField(blank=True)
    aliases = ArrayField(
        models.CharField(max_length=300),
        blank=True,
        default=list,
        help_text="Other names an import takes for this venue (NeurIPS 2023, Proc. of ...), "
        "one a line; case, accents, years, ordinals and 'Proceedings of' are ignored.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "kind",
                name="venue_unique_name_kind",
                violation_error_message="A venue of this kind with this name exists.",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def slug_source(self) -> str:
        return self.short_name or self.name


class PublicationQuerySet(PublicQuerySet):
    def for_researcher(self, researcher):
        return self.filter(authorships__researcher=researcher)

    def with_authors(self):
        return self.select_related("venue").prefetch_related(
            models.Prefetch(
                "authorships",
                # Bylines need names and links, not the people's search vectors or bios.
                queryset=Authorship.objects.select_related("researcher")
                .defer("researcher__search_vector", "researcher__bio")
                .order_by("position"),
            )
        )

    def update_search_vector(self) -> int:
        """Recompute the stored search vector of these rows in one UPDATE."""
        return self.update(search_vector=CompiledOnce(self.search_vector))

    @staticmethod
    def search_vector() -> SearchVector:
        """What a paper's search vector holds: its title, venue, keywords, authors and
        abstract."""
        venue = Venue.objects.filter(pk=OuterRef("venue_id")).values(
            text=Concat("name", Value(" "), "short_name", output_field=models.TextField())
        )
        authors = (
            Authorship.objects.filter(publication=OuterRef("pk"))
            .order_by()
            .values("publication")
            .annotate(
                names=StringAgg(
                    Concat(
                        "printed_name",
                        Value(" "),
                        researcher_name_forms("researcher__"),
                        output_field=models.TextField(),
                    ),
                    delimiter=" ",
                )
            )
            .values("names")
        )
        keywords = ArrayToString("keywords", Value(" "))
        return (
            folded_vector("title", config="english", weight="A")
            + folded_vector(Subquery(venue), "venue_detail", keywords, config="english", weight="B")
            # Names in 'simple', as on Researcher: no stemming, no stop words.
            + folded_vector(Subquery(authors), config="simple", weight="B")
            + folded_vector("abstract", config="english", weight="C")
        )


class Publication(SlugModel, VisibilityModel, TimeStampedModel):
    class Kind(models.TextChoices):
        JOURNAL_ARTICLE = "article", _("Journal article")
        CONFERENCE_PAPER = "conference", _("Conference paper")
        WORKSHOP_PAPER = "workshop", _("Workshop paper")
        PREPRINT = "preprint", _("Preprint")
        THESIS = "thesis", _("Thesis")
        BOOK = "book", _("Book")
        CHAPTER = "chapter", _("Book chapter")
        REPORT = "report", _("Report")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        ACCEPTED = "accepted", _("Accepted")
        UNDER_REVIEW = "under_review", _("Under review")
        PREPRINT = "preprint", _("Preprint")
        IN_PREPARATION = "in_preparation", _("In preparation")

    slug = models.SlugField(max_length=100, unique=True, blank=True)
    title = models.CharField(max_length=500, help_text="$...$ for math.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="publications"
    )
    venue_detail = models.CharField(
        max_length=300,
        blank=True,
        help_text="The venue as printed for this paper, e.g. NeurIPS 2023 Workshop M3L.",
    )
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=40, blank=True, help_text="e.g. 350-389.")
    article_number = models.CharField(max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(validators=year_validators)
    date = models.DateField(null=True, blank=True, help_text="Publication date, when known.")
    doi = DOIField(
        "DOI",
        max_length=200,
        blank=True,
        help_text="10.4208/...; a doi.org URL is accepted and shortened.",
    )
    arxiv_id = ArxivIdField(
        "arXiv id",
        max_length=30,
        blank=True,
        help_text="Without version: 2506.04805. 'arXiv:2506.04805v2' is accepted.",
    )
    arxiv_category = models.CharField(
        "arXiv primary category",
        max_length=20,
        blank=True,
        validators=[validate_arxiv_category],
        help_text="e.g. cs.LG.",
    )
    arxiv_date = models.DateField(
        "arXiv submission date", null=True, blank=True, help_text="Date of the first version."
    )
    url = models.URLField(blank=True, help_text="Publisher's page.")
    pdf_url = models.URLField("PDF URL", blank=True)
    code_url = models.URLField("code URL", blank=True)
    abstract = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(MAX_SEARCHED_TEXT)],
        help_text=f"Markdown; $...$ for math. At most {MAX_SEARCHED_TEXT:,} characters.",
    )
    page_count = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="Distinction shown with the paper: Spotlight."
    )
    keywords = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    citation_count = models.PositiveIntegerField(
        default=0, help_text="From the last citation sync; not typed in by hand."
    )
    featured = models.BooleanField(default=False, help_text="Listed under selected papers.")
    # What BibTeX files (al-folio's above all) hold besides, so an export gives it back.
    citation_key = models.CharField(
        "BibTeX key", max_length=200, blank=True, help_text="The key it was imported under."
    )
    month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    et_al = models.BooleanField(
        "et al.", default=False, help_text="The author list goes on unnamed (“and others”)."
    )
    pmid = models.CharField(
        "PubMed id", max_length=12, blank=True, validators=[RegexValidator(r"^\d{1,12}$")]
    )
    publisher = models.CharField(max_length=200, blank=True)
    series = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=200, blank=True, help_text="Place of publication.")
    issn = models.CharField("ISSN", max_length=40, blank=True)
    isbn = models.CharField("ISBN", max_length=100, blank=True)
    venue_abbr = models.CharField(
        "venue badge", max_length=40, blank=True, help_text="e.g. NeurIPS (al-folio's abbr)."
    )
    award_name = models.CharField(
        max_length=200, blank=True, help_text="The paper's award, short: Best Paper."
    )
    award = models.TextField(blank=True, help_text="The award in full; Markdown.")
    full_note = models.TextField(
        blank=True, help_text="A note too long for the badge, kept whole (e.g. PubMed's)."
    )
    preview = models.CharField(
        max_length=500, blank=True, help_text="Preview image: a URL or al-folio's file name."
    )
    annotation = models.TextField(blank=True, help_text="Shown with the authors; Markdown.")
    additional_info = models.TextField(blank=True, help_text="Shown after the venue; Markdown.")
    google_scholar_id = models.CharField(max_length=40, blank=True)
    altmetric = models.CharField(max_length=100, blank=True, help_text="An id, or true.")
    dimensions = models.CharField(max_length=100, blank=True, help_text="An id, or true.")
    bibtex_show = models.BooleanField(
        "show BibTeX", default=False, help_text="al-folio's bibtex_show, kept for export."
    )
    links = models.JSONField(
        default=dict,
        blank=True,
        help_text="Typed links: pdf, code, html, slides, poster, website, video, supp, blog "
        "-> URL or path as given.",
    )
    extra_fields = models.JSONField(
        default=dict,
        blank=True,
        help_text="Every other imported BibTeX field -> value as written, exported as it came.",
    )
    authors = models.ManyToManyField(Researcher, through="Authorship", related_name="publications")
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Derived by update_search_vector(); not typed in."
    )
    # Derived by publications.rendering when the paper, its authors or its venue change, so
    # that pages and downloads read them instead of making them on each request.
    # NULL while it has none (no author yet): unique, and NULLs never clash where "" would.
    bibtex_key = models.TextField(  # noqa: DJ001 - see above
        "BibTeX key on the site",
        null=True,
        blank=True,
        editable=False,
        help_text="The paper's key in every download, chosen once: never changed after.",
    )
    rendered_title = models.TextField(blank=True, editable=False)
    plain_title = models.TextField(
        blank=True,
        editable=False,
        help_text="The title with its math as Unicode text: for <title>, meta tags and feeds.",
    )
    rendered_abstract = models.TextField(blank=True, editable=False)
    rendered_entry = models.TextField(
        blank=True, editable=False, help_text="The citation as lists show it; no owner marked."
    )
    bibtex = models.TextField("BibTeX entry", blank=True, editable=False)
    csl_json = models.TextField("CSL-JSON item", blank=True, editable=False)
    api_json = models.JSONField(
        "API representation",
        default=dict,
        blank=True,
        editable=False,
        help_text="The paper's JSON in the API, by language (its pages' addresses have it), "
        "the scheme and host left for the request to fill in (publications.api).",
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-date", "title"]
        constraints = [
            models.UniqueConstraint(
                Lower("doi"),
                condition=~Q(doi=""),
                name="publication_unique_doi",
                violation_error_message="Another publication has this DOI.",
            ),
            models.UniqueConstraint(
                fields=["arxiv_id"],
                condition=~Q(arxiv_id=""),
                name="publication_unique_arxiv",
                violation_error_message="Another publication has this arXiv id.",
            ),
            sane_year_constraint("year", "publication_sane_year"),
            models.CheckConstraint(
                condition=Q(doi="") | Q(doi__regex=r"^10\.[0-9]{4,9}/\S+$"),
                name="publication_doi_normalised",
                violation_error_message="The DOI must be stored as 10.xxxx/..., not as a URL.",
            ),
            models.CheckConstraint(
                condition=Q(arxiv_id="")
                | Q(arxiv_id__regex=r"^([0-9]{4}\.[0-9]{4,5}|[a-z-]+(\.[A-Z]{2})?/[0-9]{7})$"),
                name="publication_arxiv_id_normalised",
                violation_error_message="The arXiv id must be stored without URL or version.",
            ),
            # text_pattern_ops: a new key looks up its namesakes by prefix on this index.
            models.UniqueConstraint(
                fields=["bibtex_key"],
                name="publication_unique_bibtex_key",
                opclasses=["text_pattern_ops"],
                violation_error_message="Another publication has this BibTeX key.",
            ),
        ]
        indexes = [
            models.Index(fields=["visibility", "-year"]),
            # Lists in their default order read the first page off this index, not a sort.
            models.Index(
                fields=["-year", "-date", "title", "id"],
                condition=Q(visibility=Visibility.PUBLIC),
                name="pub_public_default_order",
            ),
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["featured"], condition=Q(featured=True), name="pub_featured"),
            GinIndex(fields=["search_vector"], name="publication_search_vector"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Also leaves the stored BibTeX key alone: publications.rendering chooses it on the
        row, so an instance read before that (or made with a primary key) has none, and
        writing that back would let the paper take another."""
        if (
            self.bibtex_key is None
            and not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.attname not in deferred
                and field.name != "bibtex_key"
            ]
        super().save(*args, **kwargs)

    def slug_source(self) -> str:
        return self.title

    def get_absolute_url(self):
        return reverse("publications:detail", kwargs={"slug": self.slug})

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def typed_links(self) -> list[tuple[str, str]]:
        """(label, URL) of the links that are addresses, in al-folio's order; relative paths
        (an al-folio file name imported without a base URL) are kept but not linked."""
        shown = []
        for kind, label in LINK_LABELS.items():
            url = self.links.get(kind, "")
            if kind == "pdf":
                url = self.pdf_url or url
            elif kind == "code":
                url = self.code_url or url
            if url.startswith(("https://", "http://")):
                shown.append((label, url))
        return shown

    @property
    def preview_url(self) -> str:
        """The preview image's address on this site: an al-folio file name is looked for
        under MEDIA_URL's previews/ (al-folio's assets/img/publication_preview/), a path
        is taken as it is. An image on another site is not shown: the
        Content-Security-Policy allows images from this site only."""
        preview = self.preview.strip()
        if not preview or "://" in preview or preview.startswith("//"):
            return ""
        if preview.startswith("/"):
            return preview
        return f"{settings.MEDIA_URL}previews/{quote(preview)}"

    @property
    def pdf_link(self) -> str:
        """The paper's own PDF, else arXiv's."""
        if self.pdf_url:
            return self.pdf_url
        if self.links.get("pdf", "").startswith(("https://", "http://")):
            return self.links["pdf"]
        return f"https://arxiv.org/pdf/{self.arxiv_id}" if self.arxiv_id else ""


class Authorship(models.Model):
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="authorships"
    )
    researcher = models.ForeignKey(Researcher, on_delete=models.PROTECT, related_name="authorships")
    position = models.PositiveSmallIntegerField(help_text="1 for the first author.")
    printed_name = models.CharField(
        max_length=200, blank=True, help_text="The name as printed on this paper, if different."
    )
    equal_contribution = models.BooleanField(
        "equal contribution (#)", default=False, help_text="Printed with # after the name."
    )
    corresponding = models.BooleanField(
        "corresponding author (*)", default=False, help_text="Printed with * after the name."
    )
    other_marks = models.CharField(
        max_length=10, blank=True, help_text="Marks from an import with no meaning here (‡, §)."
    )

    class Meta:
        ordering = ["publication", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "position"],
                name="authorship_unique_position",
                violation_error_message="Two authors cannot share a position on one paper.",
            ),
            models.UniqueConstraint(
                fields=["publication", "researcher"],
                name="authorship_unique_researcher",
                violation_error_message="This person is already an author of the paper.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="authorship_position_from_one"
            ),
        ]
        indexes = [models.Index(fields=["researcher", "publication"])]

    def __str__(self):
        marks = ("#" if self.equal_contribution else "") + ("*" if self.corresponding else "")
        return f"{self.position}. {self.display_name}{marks}"

    @property
    def display_name(self) -> str:
        return self.printed_name or self.researcher.full_name


class CitationCount(models.Model):
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="citation_counts"
    )
    year = models.PositiveSmallIntegerField(validators=year_validators)
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=50, default="OpenAlex")

    class Meta:
        ordering = ["publication", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "year"], name="citation_count_unique_year"
            ),
            sane_year_constraint("year", "citation_count_sane_year"),
        ]

    def __str__(self):
        return f"{self.publication}: {self.count} in {self.year}"


class ImportRecord(models.Model):
    """What an import last wrote to a paper, field by field, so that a later import updates
    what the source changed and leaves alone what an editor changed since."""

    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="import_record"
    )
    source = models.CharField(max_length=20, help_text="bibtex, orcid, arxiv, crossref…")
    key = models.CharField(max_length=200, blank=True, help_text="The entry's key in the source.")
    values = models.JSONField(default=dict, help_text="Field -> value as last imported.")
    imported = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-imported"]

    def __str__(self):
        return f"{self.source}: {self.key or self.publication_id}"


class FacetCount(models.Model):
    """How many public papers one value of a publication-list filter gives with no other
    filter on: the unfiltered list's counts, kept by publications.facets as papers,
    authorships, venues and researchers change, rather than counted on every view."""

    class Facet(models.TextChoices):
        YEAR = "year", _("Year")
        KIND = "kind", _("Type")
        STATUS = "status", _("Status")
        AUTHOR = "author", _("Author")
        VENUE = "venue", _("Venue")

    facet = models.CharField(max_length=10, choices=Facet.choices)
    key = models.CharField(
        max_length=20, help_text="The year, type or status; the researcher's or venue's id."
    )
    value = models.CharField(max_length=100, help_text="What the filter takes: a slug for people.")
    label = models.CharField(max_length=300)
    sort_name = models.CharField(max_length=300, help_text="Ties in the count are in this order.")
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["facet", "-count", "sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["facet", "key"], name="facet_count_unique_key")
        ]

    def __str__(self):
        return f"{self.facet} {self.label}: {self.count}"
