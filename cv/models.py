"""A researcher's entries that name papers and events: research interests citing papers,
awards for a paper or a talk, service to a venue or an event.

They live above ``profiles``, ``publications`` and ``events`` (the app order is core <
profiles < publications < events < cv < scholarfolio), so that the apps below never point
up. The tables keep the names they had under ``profiles`` (``db_table``)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.fields import FunderIdField
from core.models import (
    DatePrecision,
    PublicQuerySet,
    PublicTreeQuerySet,
    TimeStampedModel,
    Visibility,
    VisibilityModel,
    format_partial_date,
    tree_depth_problem,
)
from core.validators import FUNDER_DOI_PREFIX, MAX_YEAR, MIN_YEAR, validate_ror_id
from events.models import Event, Talk
from profiles.models import (
    DateRangeMixin,
    Organization,
    Project,
    Researcher,
    ResearcherItem,
    end_not_before_start,
)
from publications.models import Publication, Venue


class ResearchInterestQuerySet(PublicTreeQuerySet):
    def public(self):
        """Public interests under public ones all the way up: hiding a topic hides every
        subtopic below it."""
        return self.published()


class ResearchInterest(ResearcherItem):
    """A node of a researcher's interest tree; may cite papers as the seed CV's [1][4] do."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    publications = models.ManyToManyField(
        Publication,
        blank=True,
        related_name="research_interests",
        db_table="profiles_researchinterest_publications",
        help_text="Papers this interest cites.",
    )

    objects = ResearchInterestQuerySet.as_manager()

    class Meta(ResearcherItem.Meta):
        db_table = "profiles_researchinterest"
        default_related_name = "interests"
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="interest_not_own_parent")
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        if self.parent.researcher_id != self.researcher_id:
            raise ValidationError(
                {"parent": "A broader topic must be one of the same researcher's interests."}
            )
        if problem := tree_depth_problem(self):
            raise ValidationError({"parent": problem})


class Award(ResearcherItem):
    class Kind(models.TextChoices):
        AWARD = "award", _("Award or prize")
        SCHOLARSHIP = "scholarship", _("Scholarship")
        FELLOWSHIP = "fellowship", _("Fellowship")
        HONOUR = "honour", _("Honour")
        COMPETITION = "competition", _("Competition result")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AWARD)
    title = models.CharField(max_length=300)
    issuer = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="awards_given"
    )
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use an ISO 4217 code such as CNY.")],
        help_text="ISO 4217 code, e.g. CNY.",
    )
    distinction = models.CharField(max_length=100, blank=True, help_text="e.g. top 1%.")
    # What a CV says of the award (JSON Resume's summary, Hugo Blox's), shown under it.
    description = models.TextField(blank=True, help_text="Markdown.")
    url = models.URLField(blank=True, max_length=500, help_text="A page about the award.")
    publication = models.ForeignKey(
        Publication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awards",
    )
    talk = models.ForeignKey(
        Talk, null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )

    class Meta:
        db_table = "profiles_award"
        ordering = ["researcher", "order", "-date"]
        default_related_name = "awards"
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | ~Q(currency=""),
                name="award_amount_has_currency",
                violation_error_message="An amount needs a currency.",
            ),
            models.CheckConstraint(
                condition=Q(date__isnull=True) | Q(date__year__range=(MIN_YEAR, MAX_YEAR)),
                name="award_sane_year",
                violation_error_message=f"The year must lie between {MIN_YEAR} and {MAX_YEAR}.",
            ),
        ]
        indexes = [models.Index(fields=["researcher", "date"])]

    def __str__(self):
        return self.title

    @property
    def when(self) -> str:
        return format_partial_date(self.date, self.date_precision)


class Service(DateRangeMixin, ResearcherItem):
    class Kind(models.TextChoices):
        REVIEWER = "reviewer", _("Reviewer")
        EDITOR = "editor", _("Editor")
        COMMITTEE = "committee", _("Committee member")
        CHAIR = "chair", _("Chair")
        ORGANIZER = "organizer", _("Organizer")
        VOLUNTEER = "volunteer", _("Volunteer")
        OFFICER = "officer", _("Officer (president, secretary...)")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    role = models.CharField(max_length=200, help_text="As printed, e.g. Reviewer, President.")
    venue = models.ForeignKey(
        Venue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        help_text="Conference or journal served.",
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    description = models.TextField(blank=True)

    class Meta(ResearcherItem.Meta):
        db_table = "profiles_service"
        verbose_name_plural = "service"
        default_related_name = "services"
        constraints = [end_not_before_start("start_date", "end_date", "service_end_after_start")]

    def __str__(self):
        target = self.venue or self.event or self.organization
        return f"{self.role}, {target}" if target else self.role


def with_profile_entries(researchers):
    """``researchers`` with every public entry a profile shows prefetched, each with what it
    names: an unpublished event, talk or paper gets None in its place (the entry shows,
    never what it names). Their public grants are ``public_grant_roles``, their own role
    on each with the grant, its investigators, and its public papers and projects."""
    published_events = Event.objects.published().select_related("parent")
    return researchers.with_entries().prefetch_related(
        models.Prefetch(
            "awards",
            queryset=Award.objects.public()
            .select_related("issuer")
            .prefetch_related(
                models.Prefetch("event", queryset=published_events),
                models.Prefetch("talk", queryset=Talk.objects.published()),
                models.Prefetch("publication", queryset=Publication.objects.public()),
            ),
        ),
        models.Prefetch(
            "services",
            queryset=Service.objects.public()
            .select_related("venue", "organization")
            .prefetch_related(models.Prefetch("event", queryset=published_events)),
        ),
        models.Prefetch(
            "grant_roles",
            queryset=GrantInvestigator.objects.filter(grant__visibility=Visibility.PUBLIC)
            .select_related("grant")
            .prefetch_related(
                models.Prefetch(
                    "grant__investigator_links",
                    queryset=GrantInvestigator.objects.select_related("researcher").defer(
                        "researcher__search_vector", "researcher__bio"
                    ),
                ),
                models.Prefetch(
                    "grant__publications",
                    queryset=Publication.objects.public().only(
                        "slug", "title", "rendered_title", "year"
                    ),
                ),
                models.Prefetch("grant__projects", queryset=Project.objects.public()),
            )
            .order_by(F("grant__start_date").desc(nulls_last=True), "grant__funder_name"),
            to_attr="public_grant_roles",
        ),
    )


class ResearcherAlias(models.Model):
    """A slug a researcher was known by before being merged into another (cv.merge):
    /people/<slug>/ answers with a permanent redirect to the one kept, while no researcher
    has that slug."""

    slug = models.SlugField(max_length=80, unique=True)
    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="aliases")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "researcher aliases"
        ordering = ["slug"]

    def __str__(self):
        return f"{self.slug} → {self.researcher.slug}"


class ResearcherFigures(models.Model):
    """A researcher's figures over their public papers, stored: the profile's tiles and
    charts and the member lists' paper counts read them instead of aggregating over every
    authorship on each view. Database triggers (migration 0005) recompute the rows of the
    researchers a change concerns, in the statement's own transaction, whoever writes: the
    admin, an import's COPY, a bulk ``update()``, raw SQL. ``cv.metrics.computed_figures``
    is the same definition in Python, which ``manage.py refresh_metrics --check`` compares
    against. A researcher without a row has no public paper: every figure is zero."""

    researcher = models.OneToOneField(
        Researcher, primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    papers = models.PositiveIntegerField(default=0)
    citations = models.PositiveBigIntegerField(default=0)
    h_index = models.PositiveIntegerField(default=0)
    i10_index = models.PositiveIntegerField(default=0)
    coauthor_count = models.PositiveIntegerField(
        default=0, help_text="Public researchers sharing at least one public paper."
    )
    papers_per_year = models.JSONField(default=list, help_text="[[year, papers], ...] by year.")
    citations_per_year = models.JSONField(
        default=list, help_text="[[year, citations], ...] by year, from the citation sync."
    )
    citations_known = models.BooleanField(
        default=False,
        help_text="Some public paper has citation data (a count above zero or a yearly row); "
        "without any, a zero may mean never synced rather than never cited.",
    )

    class Meta:
        verbose_name_plural = "researcher figures"

    def __str__(self):
        return f"{self.researcher_id}: {self.papers} papers, {self.citations} citations"


class GrantQuerySet(PublicQuerySet):
    def with_people(self):
        """Each grant with its investigators in order (hidden people among them too: a
        page names only the public ones) and its public papers and projects."""
        return self.prefetch_related(
            models.Prefetch(
                "investigator_links",
                queryset=GrantInvestigator.objects.select_related("researcher").defer(
                    "researcher__search_vector", "researcher__bio"
                ),
            ),
            models.Prefetch("publications", queryset=Publication.objects.public()),
            models.Prefetch("projects", queryset=Project.objects.public()),
        )


class Grant(DateRangeMixin, VisibilityModel, TimeStampedModel):
    """Funding: an award from a funder, with its principal and co-investigators among the
    site's researchers, the papers it paid for and the projects it belongs to. The funder
    is named as given and identified by its ROR id and/or its Crossref Funder ID, which ORCID
    and Crossref give. Repeatable imports match a grant on the funder and award number."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("Grant")
        CONTRACT = "contract", _("Contract")
        AWARD = "award", _("Award")
        SALARY_AWARD = "salary-award", _("Salary award or fellowship")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GRANT)
    title = models.CharField(max_length=500, blank=True)
    funder_name = models.CharField("funder", max_length=300)
    funder_ror_id = models.CharField(
        "funder ROR id",
        max_length=9,
        blank=True,
        validators=[validate_ror_id],
        help_text="Research Organization Registry id, e.g. 01h0zpd94.",
    )
    funder_id = FunderIdField(
        "Crossref Funder ID",
        max_length=12,
        blank=True,
        help_text="The digits after 10.13039/, e.g. 501100001809; the DOI or its URL is "
        "accepted and shortened.",
    )
    award_number = models.CharField(
        max_length=100, blank=True, help_text="The funder's number, e.g. 12371511."
    )
    url = models.URLField(blank=True, max_length=500, help_text="A page about the award.")
    amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use an ISO 4217 code such as CNY.")],
        help_text="ISO 4217 code, e.g. CNY.",
    )
    description = models.TextField(blank=True, help_text="Markdown.")
    investigators = models.ManyToManyField(
        Researcher, through="GrantInvestigator", related_name="grants", blank=True
    )
    publications = models.ManyToManyField(
        Publication, blank=True, related_name="grants", help_text="Papers it funded."
    )
    projects = models.ManyToManyField(
        Project, blank=True, related_name="grants", help_text="Projects it belongs to."
    )

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "funder_name", "award_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | ~Q(currency=""),
                name="grant_amount_has_currency",
                violation_error_message="An amount needs a currency.",
            ),
            end_not_before_start("start_date", "end_date", "grant_end_after_start"),
            models.UniqueConstraint(
                Lower("funder_name"),
                "award_number",
                condition=~Q(award_number=""),
                name="grant_unique_award",
                violation_error_message="This funder's award number is already a grant here.",
            ),
        ]

    def __str__(self):
        number = f" {self.award_number}" if self.award_number else ""
        return f"{self.funder_name}{number}" + (f": {self.title}" if self.title else "")

    @property
    def funder_doi(self) -> str:
        return f"{FUNDER_DOI_PREFIX}{self.funder_id}" if self.funder_id else ""

    @property
    def public_investigators(self) -> list:
        """The investigator links of public researchers, from ``with_people()``."""
        return [
            link
            for link in self.investigator_links.all()
            if link.researcher.visibility == Visibility.PUBLIC
        ]


class GrantInvestigator(models.Model):
    """A researcher on a grant, in its order, with their role. ``orcid_put_code`` is the
    grant's put-code in this researcher's ORCID record, so a second import finds it."""

    class Role(models.TextChoices):
        PRINCIPAL = "pi", _("Principal investigator")
        CO_PRINCIPAL = "co-pi", _("Co-principal investigator")
        CO_INVESTIGATOR = "co-i", _("Co-investigator")
        # As ORCID's funding summaries and Crossref leave it: on the grant, role not given.
        INVESTIGATOR = "investigator", _("Investigator")
        PARTICIPANT = "participant", _("Participant")

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="investigator_links")
    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="grant_roles")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.INVESTIGATOR)
    order = models.PositiveSmallIntegerField(default=0)
    orcid_put_code = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["grant", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "researcher"], name="grant_investigator_unique"
            )
        ]

    def __str__(self):
        return f"{self.researcher} ({self.get_role_display()}) on {self.grant}"
