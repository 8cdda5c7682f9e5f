import copy
import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import DatabaseError, models
from django.db.models import Case, F, OuterRef, Q, Value, When
from django.db.models.functions import Concat, JSONObject
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import changes, roles
from core.avatars import hue, initials
from core.changes import ALL
from core.fields import OrcidField
from core.models import (
    ArrayToString,
    DatePrecision,
    PublicQuerySet,
    SlugModel,
    TimeStampedModel,
    Visibility,
    VisibilityModel,
    format_partial_date,
)
from core.search import CompiledOnce, cjk_characters, folded_vector
from core.validators import (
    MAX_SEARCHED_TEXT,
    MAX_YEAR,
    MIN_YEAR,
    validate_openalex_author_id,
    validate_ror_id,
    year_validators,
)
from profiles.services import researcher_names_changed


def sane_year_constraint(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__range": (MIN_YEAR, MAX_YEAR)}),
        name=name,
        violation_error_message=f"The year must lie between {MIN_YEAR} and {MAX_YEAR}.",
    )


def end_not_before_start(start: str, end: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message="The end cannot be before the start.",
    )


class DateRangeMixin(models.Model):
    """Start and end dates with a precision, as CVs give them ("2021.09 - Present")."""

    start_date = models.DateField(
        null=True, blank=True, help_text="First day of the period; for a month, its 1st."
    )
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty while ongoing.")
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.MONTH,
        help_text="How much of the dates to show: 2022, Sep 2021 or 1 Sep 2021.",
    )

    class Meta:
        abstract = True

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= datetime.date.today()

    @property
    def period(self) -> str:
        start = format_partial_date(self.start_date, self.date_precision)
        end = format_partial_date(self.end_date, self.date_precision) or _("present")
        if not start:
            return "" if self.end_date is None else end
        if start == end:
            return start
        return f"{start} – {end}"


class Organization(SlugModel, TimeStampedModel):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        SCHOOL = "school", _("School or faculty")
        DEPARTMENT = "department", _("Department")
        INSTITUTE = "institute", _("Institute or centre")
        PROGRAM = "program", _("Programme or honours class")
        COMPANY = "company", _("Company")
        GOVERNMENT = "government", _("Government body")
        SOCIETY = "society", _("Learned society or association")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True, help_text="e.g. SJTU, BICMR.")
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.UNIVERSITY)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The larger body: a school belongs to its university.",
    )
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    ror_id = models.CharField(
        "ROR id",
        max_length=9,
        blank=True,
        validators=[validate_ror_id],
        help_text="Research Organization Registry id, e.g. 0220qvk04.",
    )
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ror_id"], condition=~Q(ror_id=""), name="organization_unique_ror"
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="organization_not_own_parent"
            ),
        ]

    def __str__(self):
        if self.parent_id:
            return f"{self.name}, {self.parent}"
        return self.name

    def slug_source(self) -> str:
        return self.short_name or self.name

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "An organization cannot be inside itself."})
            ancestor = ancestor.parent

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.city, self.country) if part)


class IdentityLink(NamedTuple):
    kind: str  # the icon's id in static/icons.svg
    label: str
    url: str


def researcher_name_forms(prefix: str = "") -> Case:
    """Every name of a researcher in one text, for search vectors; ``prefix`` reaches the
    researcher across a relation, e.g. "researcher__". Of a researcher who is not public,
    only the full name, which bylines and speaker lists print: their other spellings and
    native name stay private, so a public paper or talk is not found by them."""
    variants = ArrayToString(f"{prefix}name_variants", Value(" "))
    names = ["full_name", "given_name", "family_name", "native_name"]
    parts = [part for name in names for part in (F(f"{prefix}{name}"), Value(" "))]
    return Case(
        When(
            **{f"{prefix}visibility": Visibility.PUBLIC},
            then=Concat(*parts, variants, output_field=models.TextField()),
        ),
        default=F(f"{prefix}full_name"),
        output_field=models.TextField(),
    )


class ResearcherQuerySet(PublicQuerySet):
    def members(self):
        return self.filter(is_member=True)

    def public_members(self):
        """The people with a page of their own: ``Researcher.has_profile``."""
        return self.public().members()

    def with_entries(self):
        """Prefetch the public entries of this app that a profile shows, each with what it
        links to. A hidden instructor gets None in its place and hidden advisors are left
        out: the entry shows, never what it names. ``cv.models.with_profile_entries`` adds
        the entries that name papers and events."""
        people = Researcher.objects.public()
        return self.prefetch_related(
            models.Prefetch(
                "positions", queryset=Position.objects.public().select_related("organization")
            ),
            models.Prefetch(
                "education",
                queryset=Education.objects.public()
                .select_related("institution__parent")
                .prefetch_related(
                    models.Prefetch("advisors", queryset=people), "partner_institutions"
                ),
            ),
            models.Prefetch(
                "teaching",
                queryset=Teaching.objects.public()
                .select_related("organization")
                .prefetch_related(models.Prefetch("instructor", queryset=people)),
            ),
            models.Prefetch(
                "project_memberships",
                queryset=ProjectMember.objects.filter(project__visibility=Visibility.PUBLIC)
                .select_related("project")
                .prefetch_related("project__memberships__researcher"),
            ),
        )

    def update_search_vector(self) -> int:
        """Recompute the stored search vector of these rows in one UPDATE."""
        return self.update(search_vector=CompiledOnce(self.search_vector))

    @staticmethod
    def search_vector() -> SearchVector:
        """What a researcher's search vector holds: their names, headlines and bios."""
        # Names in 'simple': no stemming and no stop words ("He", "An" are surnames), and
        # a native-script name such as 白志威 stays one whole token.
        return (
            folded_vector(researcher_name_forms(), config="simple", weight="A")
            + folded_vector("headline_en", config="english", weight="B")
            + SearchVector(cjk_characters(F("headline_zh_hans")), config="simple", weight="B")
            + folded_vector("bio_en", config="english", weight="D")
            + SearchVector(cjk_characters(F("bio_zh_hans")), config="simple", weight="D")
        )


class Researcher(SlugModel, VisibilityModel, TimeStampedModel):
    """Every person the site knows: members with a profile, and co-authors, advisors,
    speakers and instructors who appear only by name."""

    # What papers' and talks' search text holds of a researcher (researcher_name_forms).
    NAME_FIELDS = (
        "full_name",
        "given_name",
        "family_name",
        "native_name",
        "name_variants",
        "visibility",
    )
    # Fields whose change save() acts on beyond this row, as attnames.
    TRACKED_FIELDS = ("user_id", *NAME_FIELDS)

    class Role(models.TextChoices):
        FACULTY = "faculty", _("Faculty")
        POSTDOC = "postdoc", _("Postdoctoral researcher")
        PHD = "phd", _("PhD student")
        MASTERS = "masters", _("Master's student")
        UNDERGRAD = "undergrad", _("Undergraduate student")
        STAFF = "staff", _("Staff")
        ALUMNUS = "alumnus", _("Alumnus")
        EXTERNAL = "external", _("External")

    slug = models.SlugField(max_length=80, unique=True, blank=True)
    full_name = models.CharField(max_length=200, help_text="As the person writes it.")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    native_name = models.CharField(
        max_length=100, blank=True, help_text="Name in its native script, e.g. 白志威."
    )
    name_variants = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Other spellings used on papers, comma-separated: Zhiqin Xu, Z.-Q. J. Xu.",
    )
    is_member = models.BooleanField(
        "member", default=False, help_text="Members get a public profile page."
    )
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        default=Role.EXTERNAL,
        help_text="External: a co-author, advisor, speaker or instructor outside the group.",
    )
    headline = models.CharField(
        max_length=200, blank=True, help_text="Short position line, e.g. Ph.D. Student."
    )
    email = models.EmailField(blank=True, help_text="Shown obfuscated against scrapers.")
    office = models.CharField(max_length=300, blank=True, help_text="Postal or office address.")
    photo = models.ImageField(upload_to="people/", blank=True)
    bio = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(MAX_SEARCHED_TEXT)],
        help_text=f"Markdown; $...$ for math. At most {MAX_SEARCHED_TEXT:,} characters.",
    )
    interests_intro = models.TextField(
        blank=True, help_text="Markdown shown above the research interests."
    )
    homepage = models.URLField(blank=True)
    orcid = OrcidField(
        "ORCID iD",
        max_length=19,
        blank=True,
        help_text="0000-0002-1825-0097; the URL form is accepted and shortened.",
    )
    google_scholar_id = models.CharField(
        "Google Scholar id",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[\w-]{12}$", "A Scholar id has 12 characters.")],
    )
    github = models.CharField(
        "GitHub user",
        max_length=39,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Za-z\d](?:[A-Za-z\d-]{0,37}[A-Za-z\d])?$", "Not a GitHub user.")
        ],
    )
    linkedin = models.CharField(
        "LinkedIn profile",
        max_length=100,
        blank=True,
        db_default="",
        validators=[RegexValidator(r"^[\w-]{3,100}$", "The part after linkedin.com/in/.")],
        help_text="The part after linkedin.com/in/.",
    )
    bluesky = models.CharField(
        "Bluesky handle",
        max_length=253,
        blank=True,
        db_default="",
        validators=[
            RegexValidator(
                r"^(?=.{1,253}$)([a-z\d]([a-z\d-]{0,61}[a-z\d])?\.)+[a-z][a-z\d-]*$",
                "A handle such as ann.bsky.social, without the @.",
            )
        ],
        help_text="ann.bsky.social, without the @.",
    )
    mastodon = models.URLField(
        "Mastodon profile",
        blank=True,
        db_default="",
        help_text="The profile's address: https://mathstodon.xyz/@ann.",
    )
    x = models.CharField(
        "X (Twitter) user",
        max_length=15,
        blank=True,
        db_default="",
        validators=[RegexValidator(r"^\w{1,15}$", "An X user name, without the @.")],
        help_text="Without the @.",
    )
    openalex_id = models.CharField(
        "OpenAlex id", max_length=20, blank=True, validators=[validate_openalex_author_id]
    )
    arxiv_author_id = models.CharField("arXiv author id", max_length=60, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="researcher",
        help_text="The account allowed to edit this profile.",
    )
    sort_order = models.PositiveSmallIntegerField(
        default=100, help_text="Lower comes first in member lists."
    )
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Derived by update_search_vector(); not typed in."
    )

    objects = ResearcherQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "family_name", "given_name", "full_name"]
        permissions = [
            ("edit_any_researcher", "Can edit every researcher's records, not only their own")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["orcid"], condition=~Q(orcid=""), name="researcher_unique_orcid"
            ),
            models.UniqueConstraint(
                fields=["openalex_id"],
                condition=~Q(openalex_id=""),
                name="researcher_unique_openalex",
            ),
        ]
        indexes = [
            models.Index(fields=["is_member", "visibility", "sort_order"]),
            models.Index(fields=["family_name", "given_name"]),
            GinIndex(fields=["search_vector"], name="researcher_search_vector"),
        ]

    def __str__(self):
        if self.native_name:
            return f"{self.full_name} ({self.native_name})"
        return self.full_name

    @property
    def native_first(self) -> bool:
        """On a Chinese page a name in Chinese script leads: 白志威 (Zhiwei Bai). Only a public
        person's: a hidden co-author's page prints their full name alone. A row read without
        these fields (a list's ``.only()``) shows the full name, and reads nothing more."""
        if {"native_name", "visibility"} & self.get_deferred_fields():
            return False
        return (
            bool(self.native_name)
            and self.visibility == Visibility.PUBLIC
            and (get_language() or "").startswith("zh")
        )

    @property
    def display_name(self) -> str:
        if self.native_first:
            return f"{self.native_name} ({self.full_name})"
        return self.full_name

    @classmethod
    def from_db(cls, db, field_names, values):
        researcher = super().from_db(db, field_names, values)
        researcher._stored = researcher.tracked_values()
        return researcher

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        self._stored = {**getattr(self, "_stored", {}), **self.tracked_values(fields)}

    def save(self, *args, **kwargs):
        """Also links or unlinks the account when ``user`` changes, and rebuilds the search
        text of their papers and talks when their names, or which of them show, change."""
        stored = self.stored_values()
        super().save(*args, **kwargs)
        now = self.tracked_values(kwargs.get("update_fields"))
        self._stored = {**(stored or {}), **now}
        if stored is None:  # a new row: maybe an account to link, no papers or talks yet
            if self.user_id is not None:
                roles.link_account(self)
            return
        changed = {name for name, value in now.items() if name in stored and value != stored[name]}
        if "user_id" in changed:
            roles.link_account(self, stored["user_id"])
        if changed & set(self.NAME_FIELDS):
            researcher_names_changed(researcher=self)

    def get_absolute_url(self):
        return reverse("people:detail", kwargs={"slug": self.slug})

    def slug_source(self) -> str:
        return self.full_name

    def tracked_values(self, fields=None) -> dict:
        """The tracked fields loaded on this instance; only those in ``fields`` if given."""
        deferred = self.get_deferred_fields()
        return {
            name: copy.copy(getattr(self, name))  # a copy: name_variants is changed in place
            for name in self.TRACKED_FIELDS
            if name not in deferred
            and (fields is None or name in fields or name.removesuffix("_id") in fields)
        }

    def stored_values(self) -> dict | None:
        """The tracked fields as the database holds them; None for a row not stored yet."""
        if self._state.adding and self.pk is None:
            return None
        stored = {} if self._state.adding else dict(getattr(self, "_stored", {}))
        # Built with a primary key rather than loaded, or set since being deferred at load.
        if unknown := [name for name in self.tracked_values() if name not in stored]:
            row = Researcher.objects.filter(pk=self.pk).values(*unknown).first()
            if row is None:
                return None
            stored |= row
        return stored

    @property
    def has_profile(self) -> bool:
        """A public member: the people with a page of their own."""
        return self.is_member and self.visibility == Visibility.PUBLIC

    @property
    def identity_links(self) -> list[IdentityLink]:
        """The person's pages elsewhere, in the order a profile's header shows them (and a
        crawler's ``sameAs`` lists them); the e-mail is not among them (shown obfuscated)."""
        candidates = [
            ("homepage", "Homepage", self.homepage),
            ("orcid", "ORCID", self.orcid and f"https://orcid.org/{self.orcid}"),
            (
                "scholar",
                "Google Scholar",
                self.google_scholar_id
                and f"https://scholar.google.com/citations?user={self.google_scholar_id}",
            ),
            ("github", "GitHub", self.github and f"https://github.com/{self.github}"),
            (
                "linkedin",
                "LinkedIn",
                self.linkedin and f"https://www.linkedin.com/in/{self.linkedin}",
            ),
            ("bluesky", "Bluesky", self.bluesky and f"https://bsky.app/profile/{self.bluesky}"),
            ("mastodon", "Mastodon", self.mastodon),
            ("x", "X", self.x and f"https://x.com/{self.x}"),
        ]
        return [IdentityLink(kind, label, url) for kind, label, url in candidates if url]

    @property
    def initials(self) -> str:
        return initials(self.given_name, self.family_name, self.full_name)

    @property
    def avatar_hue(self) -> int:
        return hue(self.full_name)

    @property
    def all_names(self) -> list[str]:
        names = [self.full_name, *self.name_variants]
        if self.native_name:
            names.append(self.native_name)
        return names


class ResearcherItem(VisibilityModel, TimeStampedModel):
    """Base of the ordered entries shown on a profile (positions, awards, ...)."""

    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        abstract = True
        ordering = ["researcher", "order"]


class Position(DateRangeMixin, ResearcherItem):
    class Kind(models.TextChoices):
        STUDY = "study", _("Student position")
        EMPLOYMENT = "employment", _("Employment")
        INTERNSHIP = "internship", _("Internship")
        VISITING = "visiting", _("Visiting")
        AFFILIATION = "affiliation", _("Affiliation")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EMPLOYMENT)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="e.g. Ph.D. Student, Algorithm Intern; empty for a bare affiliation.",
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT)
    description = models.TextField(blank=True, help_text="Markdown.")

    class Meta(ResearcherItem.Meta):
        default_related_name = "positions"
        constraints = [end_not_before_start("start_date", "end_date", "position_end_after_start")]

    def __str__(self):
        return f"{self.title}, {self.organization}" if self.title else str(self.organization)


class Education(DateRangeMixin, ResearcherItem):
    class Degree(models.TextChoices):
        PHD = "phd", _("Ph.D.")
        MASTERS = "masters", _("Master's")
        BACHELORS = "bachelors", _("Bachelor's")
        MINOR = "minor", _("Minor")
        OTHER = "other", _("Other")

    degree = models.CharField(max_length=20, choices=Degree.choices)
    degree_title = models.CharField(
        max_length=200, help_text="As printed: Ph.D. in Mathematics, Bachelor of Science."
    )
    field = models.CharField(max_length=200, blank=True, help_text="e.g. Applied Mathematics.")
    institution = models.ForeignKey(Organization, on_delete=models.PROTECT)
    partner_institutions = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="partner_programmes",
        help_text="Other institutions of a joint programme.",
    )
    advisors = models.ManyToManyField(Researcher, blank=True, related_name="advised_education")
    honours_programme = models.CharField(
        max_length=200, blank=True, help_text="e.g. Wu Wenjun Honors Class."
    )
    thesis_title = models.CharField(max_length=300, blank=True)
    rank_note = models.CharField(
        "ranking / GPA", max_length=300, blank=True, help_text="e.g. Ranking 1/111, GPA 4.84/5."
    )
    description = models.TextField(blank=True, help_text="Markdown.")

    class Meta(ResearcherItem.Meta):
        verbose_name_plural = "education"
        default_related_name = "education"
        constraints = [end_not_before_start("start_date", "end_date", "education_end_after_start")]

    def __str__(self):
        return f"{self.degree_title}, {self.institution}"


class TeachingTerm(models.TextChoices):
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"
    FALL = "fall", "Fall"
    WINTER = "winter", "Winter"
    YEAR = "year", "Full year"


# Latest first: within a year, fall after summer after spring after winter.
TERMS_LATEST_FIRST = [
    TeachingTerm.FALL,
    TeachingTerm.SUMMER,
    TeachingTerm.SPRING,
    TeachingTerm.WINTER,
]
TEACHING_TERM_RANK = models.Case(
    *[
        models.When(term=term.value, then=len(TERMS_LATEST_FIRST) - rank)
        for rank, term in enumerate(TERMS_LATEST_FIRST)
    ],
    default=0,
    output_field=models.IntegerField(),
)


class Teaching(ResearcherItem):
    Term = TeachingTerm

    class Role(models.TextChoices):
        INSTRUCTOR = "instructor", _("Instructor")
        TA = "ta", _("Teaching Assistant")
        LECTURER = "lecturer", _("Guest lecturer")
        GRADER = "grader", _("Grader")

    course = models.CharField(max_length=200)
    course_code = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.TA)
    year = models.PositiveSmallIntegerField(validators=year_validators)
    term = models.CharField(max_length=10, choices=Term.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT)
    programme = models.CharField(
        max_length=200, blank=True, help_text="e.g. Zhiyuan Honors Program, Summer School."
    )
    instructor = models.ForeignKey(
        Researcher,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses_taught",
        help_text="Who taught the course, when the researcher assisted.",
    )
    url = models.URLField(blank=True)

    class Meta:
        verbose_name_plural = "teaching"
        ordering = ["researcher", "-year", TEACHING_TERM_RANK.desc(), "order"]
        default_related_name = "teaching"
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "course", "year", "term", "role"],
                name="teaching_unique_term",
                violation_error_message="This course, term and role is already listed.",
            ),
            sane_year_constraint("year", "teaching_sane_year"),
        ]

    def __str__(self):
        return f"{self.course} ({self.get_term_display()} {self.year})"


class Project(SlugModel, VisibilityModel, TimeStampedModel):
    class Kind(models.TextChoices):
        BOOK = "book", _("Book")
        SOFTWARE = "software", _("Software")
        GRANT = "grant", _("Grant")
        DATASET = "dataset", _("Dataset")
        OTHER = "other", _("Other")

    slug = models.SlugField(max_length=80, unique=True, blank=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    language = models.CharField(max_length=40, blank=True, help_text="e.g. Chinese.")
    description = models.TextField(blank=True, help_text="Markdown.")
    url = models.URLField(blank=True)
    code_url = models.URLField(blank=True, help_text="Repository, e.g. on GitHub.")
    members = models.ManyToManyField(Researcher, through="ProjectMember", related_name="projects")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def slug_source(self) -> str:
        return self.title


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    researcher = models.ForeignKey(
        Researcher, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(max_length=100, blank=True, help_text="e.g. Author, Maintainer.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "researcher"], name="project_member_unique")
        ]

    def __str__(self):
        return f"{self.researcher} on {self.project}"


class ProfileSection(ResearcherItem):
    """A free, ordered Markdown section for what has no model: Contact, a transcript."""

    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown; tables are allowed.")
    # A section imported from a JSON Resume section that has no model (languages, skills,
    # certificates, references) keeps that section's items, so the resume export gives
    # them back as they came.
    resume_key = models.CharField(
        max_length=20, blank=True, help_text="The JSON Resume section it came from, if any."
    )
    resume_items = models.JSONField(default=list, blank=True)

    class Meta(ResearcherItem.Meta):
        default_related_name = "sections"
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "title"], name="profile_section_unique_title"
            )
        ]

    def __str__(self):
        return self.title


class MetricsSnapshot(TimeStampedModel):
    """Figures an outside listing showed for a researcher on a date, kept as reported.

    The site's own figures are computed from its data and never stored here.
    """

    researcher = models.ForeignKey(
        Researcher, on_delete=models.CASCADE, related_name="metrics_snapshots"
    )
    source = models.CharField(max_length=200, help_text="Where the figures come from.")
    source_url = models.URLField(blank=True)
    as_of = models.DateField(help_text="When the figures were read.")
    paper_count = models.PositiveIntegerField(null=True, blank=True)
    citation_count = models.PositiveIntegerField(null=True, blank=True)
    h_index = models.PositiveIntegerField(null=True, blank=True)
    i10_index = models.PositiveIntegerField(null=True, blank=True)
    extra = models.JSONField(
        default=dict, blank=True, help_text="Other figures the source shows, by name."
    )

    class Meta:
        ordering = ["researcher", "-as_of"]
        get_latest_by = "as_of"
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "source", "as_of"], name="metrics_snapshot_unique"
            )
        ]

    def __str__(self):
        return f"{self.researcher} on {self.source}, {self.as_of}"

    @property
    def problems(self) -> list[str]:
        """Why these figures cannot all be true, if they cannot: a listing that miscounted or
        mixed up its columns. Editors see them in the admin; the profile does not show such a
        snapshot as fact. ``IMPLAUSIBLE`` finds the same rows in the database."""
        papers, citations = self.paper_count, self.citation_count
        h, i10 = self.h_index, self.i10_index
        found = []
        if h is not None and papers is not None and h > papers:
            found.append(f"h-index {h} is above the {papers} papers counted.")
        if i10 is not None and papers is not None and i10 > papers:
            found.append(f"i10-index {i10} is above the {papers} papers counted.")
        if h is not None and i10 is not None and h >= 10 and i10 < h:
            found.append(f"h-index {h} means {h} papers cited 10+ times, yet i10-index is {i10}.")
        if h is not None and citations is not None and citations < h * h:
            found.append(f"h-index {h} needs at least {h * h} citations, not {citations}.")
        return found


# The rows whose ``problems`` are not empty, as a filter.
IMPLAUSIBLE = (
    Q(h_index__gt=F("paper_count"))
    | Q(i10_index__gt=F("paper_count"))
    | Q(h_index__gte=10, i10_index__lt=F("h_index"))
    | Q(citation_count__lt=F("h_index") * F("h_index"))
)


# How many of (year, month, day) a date of each precision means.
DATE_PARTS = {DatePrecision.YEAR: 1, DatePrecision.MONTH: 2, DatePrecision.DAY: 3}


class Membership(DateRangeMixin, TimeStampedModel):
    """A period of a researcher in the group: when they joined, when they left, as what.
    Who belongs to the group is an editor's record (members only see theirs); the people
    list's alumni and a paper's marks of who was a member when it appeared are read here."""

    class Role(models.TextChoices):
        FACULTY = "faculty", _("Faculty")
        POSTDOC = "postdoc", _("Postdoctoral researcher")
        PHD = "phd", _("PhD student")
        MASTERS = "masters", _("Master's student")
        UNDERGRAD = "undergrad", _("Undergraduate student")
        STAFF = "staff", _("Staff")
        VISITOR = "visitor", _("Visitor")

    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    start_date = models.DateField(help_text="When they joined; for a month, its 1st.")
    end_date = models.DateField(
        null=True, blank=True, help_text="When they left; empty while still in the group."
    )

    class Meta:
        ordering = ["researcher", "start_date"]
        constraints = [
            end_not_before_start("start_date", "end_date", "membership_end_after_start"),
            sane_year_constraint("start_date__year", "membership_sane_start"),
        ]
        indexes = [models.Index(fields=["researcher", "start_date"])]

    def __str__(self):
        return f"{self.researcher}: {self.get_role_display()}, {self.period}"

    @property
    def years(self) -> str:
        """The period in years, as an alumni list gives it: 2019-2023, or 2021-present."""
        start = self.start_date.year
        if self.end_date is None:
            return f"{start}–present"
        return str(start) if self.end_date.year == start else f"{start}–{self.end_date.year}"

    def covers(self, day: datetime.date, precision: str) -> bool:
        """Whether ``day``, known to ``precision`` (a paper's year alone, say), falls in the
        period: compared at the coarser of the two precisions, so a paper of 2022 counts for
        a member who joined in September 2022."""
        parts = min(DATE_PARTS[precision], DATE_PARTS[self.date_precision])

        def cut(value: datetime.date) -> tuple:
            return (value.year, value.month, value.day)[:parts]

        if cut(day) < cut(self.start_date):
            return False
        return self.end_date is None or cut(day) <= cut(self.end_date)


class SiteSettings(TimeStampedModel):
    """The group the site is about, edited in the admin: one row (id 1), read by every page
    through ``current()``. Any change to it retires every cached page (scholarfolio.scopes)."""

    name = models.CharField(
        "group name", max_length=200, blank=True, help_text="Empty: the SITE_NAME setting."
    )
    logo = models.ImageField(upload_to="site/", blank=True, help_text="Square works best.")
    introduction = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(MAX_SEARCHED_TEXT)],
        help_text="Markdown, shown on the front page under the name; $...$ for math.",
    )
    address = models.TextField(blank=True, help_text="Postal address, one line per line.")
    contact_email = models.EmailField(blank=True, help_text="Shown obfuscated against scrapers.")

    class Meta:
        verbose_name = verbose_name_plural = "site settings"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="site_settings_singleton")]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.pk = 1
        if self._state.adding and (
            created := SiteSettings.objects.filter(pk=1).values_list("created", flat=True).first()
        ):
            # A new instance saved over the one row keeps that row's creation time.
            self.created, self._state.adding = created, False
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.name or settings.SITE_NAME

    @property
    def initials(self) -> str:
        return initials(full=self.display_name)

    @property
    def avatar_hue(self) -> int:
        return hue(self.display_name)

    @classmethod
    def current(cls) -> "SiteSettings":
        """The stored row with its links (``link_list``), else an unsaved default. Where
        this process follows the content versions (core.changes' listener) it is kept in
        the process's cache under the ``all`` scope's version, which a change to it bumps
        (scholarfolio.scopes): no query, and never older than the page being made;
        elsewhere (a replica, the tests) it is read in one query."""
        # The process's listener as core.changes holds it now (a test swaps in its own).
        state = changes.listener.scopes_of([ALL]) if settings.CONTENT_VERSION_LISTEN else None
        if state is None:
            return cls.read()
        key = f"site-settings:{state.get(ALL, (0, None))[0]}"
        cache = caches["pages-local"]
        if (found := cache.get(key)) is None:
            found = cls.read()
            # Exact whatever its age, as its key names the version: kept with the page
            # cache off too (PAGE_CACHE_SECONDS=0), which is about pages.
            cache.set(key, found, None)
        return found

    @classmethod
    def read(cls) -> "SiteSettings":
        """The stored row with its links in one query (an array subquery)."""
        links = (
            SiteLink.objects.filter(site=OuterRef("pk"))
            .order_by("order", "pk")
            .values(data=JSONObject(label="label", url="url"))
        )
        try:
            found = cls.objects.annotate(link_data=ArraySubquery(links)).filter(pk=1).first()
        except DatabaseError:
            found = None  # an error page while the database is down still names the site
        if found is None:
            found = cls(pk=1)
            found.link_data = []
        found.link_list = [SiteLink(label=row["label"], url=row["url"]) for row in found.link_data]
        return found


class SiteLink(models.Model):
    """A link the front page and the footer show: the department, a seminar, a repository."""

    site = models.ForeignKey(SiteSettings, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=100)
    url = models.URLField("URL")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label


class ResearcherCard(models.Model):
    """A member's card as the front page and the people list show it, in one language:
    made when the member, their positions or organizations change (profiles.cards)."""

    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="cards")
    language = models.CharField(max_length=10)
    html = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "language"], name="researcher_card_unique_language"
            )
        ]

    def __str__(self):
        return f"{self.researcher_id} ({self.language})"
