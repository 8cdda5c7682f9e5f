import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Func
from django.db.models.expressions import RawSQL
from django.utils import dateformat
from django.utils.text import slugify
from django.utils.translation import pgettext

from core.markup import plain_text


class TimeStampedModel(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    DRAFT = "draft", "Draft (editors only)"
    HIDDEN = "hidden", "Hidden"


class PublicQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Visibility.PUBLIC)


class VisibilityModel(models.Model):
    """A row shown on the site only while public; ``objects.public()`` finds those."""

    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        abstract = True


# Levels of a tree (interests under interests, sessions under conferences) that pages show;
# a page draws a tree by recursion, so a row deeper than this is published nowhere.
MAX_TREE_DEPTH = 8


class PublicTreeQuerySet(PublicQuerySet):
    """Rows of a model whose ``parent`` is another row of it, nested up to MAX_TREE_DEPTH."""

    def published(self):
        """Public rows whose every ancestor is public: hiding a node hides all below it."""
        meta, quote = self.model._meta, connection.ops.quote_name
        table, pk = quote(meta.db_table), quote(meta.pk.column)
        parent = quote(meta.get_field("parent").column)
        # Walked down from the public roots, so a cycle of parents is never entered.
        below_public_roots = RawSQL(
            f"WITH RECURSIVE published AS ("
            f"SELECT {pk}, 1 AS depth FROM {table} WHERE {parent} IS NULL AND visibility = %s "
            f"UNION ALL SELECT child.{pk}, published.depth + 1 FROM {table} child "
            f"JOIN published ON child.{parent} = published.{pk} "
            f"WHERE child.visibility = %s AND published.depth < %s"
            f") SELECT {pk} FROM published",
            (Visibility.PUBLIC, Visibility.PUBLIC, MAX_TREE_DEPTH),
        )
        return self.filter(pk__in=below_public_roots)


def tree_depth_problem(row) -> str:
    """What is wrong with ``row``'s parent chain (a cycle, or more than MAX_TREE_DEPTH
    levels), or "" when nothing is."""
    seen, ancestor, depth = {row.pk}, row.parent, 1
    while ancestor is not None:
        if ancestor.pk in seen:
            return "This would put it inside itself."
        seen.add(ancestor.pk)
        depth += 1
        if depth > MAX_TREE_DEPTH:
            return f"At most {MAX_TREE_DEPTH} levels: this would be deeper."
        ancestor = ancestor.parent
    return ""


class ArrayToString(Func):
    """PostgreSQL's array_to_string(array, delimiter): an array field as one text."""

    function = "array_to_string"
    output_field = models.TextField()


# Month names and their usual abbreviations -> the month's number, as dates are written.
MONTH_NUMBERS = {
    name: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


class DatePrecision(models.TextChoices):
    """How much of a stored date is known: CVs often give only "2021.09" or "2022"."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


def format_partial_date(value, precision: str) -> str:
    if value is None:
        return ""
    # Django's date format characters, translated per language ("Y年n月j日" in Chinese).
    if precision == DatePrecision.YEAR:
        return dateformat.format(value, pgettext("date: year only", "Y"))
    if precision == DatePrecision.MONTH:
        return dateformat.format(value, pgettext("date: month and year", "M Y"))
    return dateformat.format(value, pgettext("date: day, month and year", "j M Y"))


def iso_partial_date(value, precision: str) -> str:
    """ISO 8601 at the precision known: '2023', '2025-09' or '2025-10-16'."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%Y-%m}"
    return value.isoformat()


SLUG_BASE_LENGTH = 70


def slug_base(source: str) -> str:
    """The slug a title or name would have before any "-2": its math written out first, so
    "Sharp $\\ell_1$ bounds" gives "sharp-l1-bounds", not "sharp-ell_1-bounds"; cut at
    the last whole word within ``SLUG_BASE_LENGTH``. Only new rows get one: a slug, once
    saved, is a permanent URL."""
    slug = slugify(plain_text(source).replace("_", " "))
    if len(slug) <= SLUG_BASE_LENGTH:
        return slug
    cut = slug[: SLUG_BASE_LENGTH + 1].rpartition("-")[0]
    return cut or slug[:SLUG_BASE_LENGTH]


def unique_slug(instance: models.Model, source: str, field: str = "slug") -> str:
    """A slug from ``source`` that no other row of the model uses: 'name', 'name-2', ...
    One query reads every slug of that form, so the hundredth "Wei Zhang" costs what the
    second does."""
    base = slug_base(source) or instance._meta.model_name
    taken = set(
        type(instance)
        ._default_manager.filter(**{f"{field}__regex": rf"^{re.escape(base)}(-[0-9]+)?$"})
        .exclude(pk=instance.pk)
        .values_list(field, flat=True)
    )
    n = 1
    while (candidate := base if n == 1 else f"{base}-{n}") in taken:
        n += 1
    return candidate


class SlugModel(models.Model):
    """A model whose ``slug`` is made from ``slug_source()`` when first saved without one,
    unique among its rows; the subclass declares the field, whose length differs."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.slug_source())
        super().save(*args, **kwargs)

    def slug_source(self) -> str:
        raise NotImplementedError


class SeedRecord(models.Model):
    """What ``loaddemo`` last wrote to a row, so a later run can tell editor changes apart.

    ``fingerprint`` is a hash of the field values the loader wrote. If the row's current
    values hash differently, an editor changed it and the loader leaves it alone.
    """

    key = models.CharField(max_length=200, unique=True, help_text="Stable key in the demo data.")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    fields = models.JSONField(default=list, help_text="Names of the fields the loader wrote.")
    fingerprint = models.CharField(max_length=64, help_text="Hash of those fields as written.")
    source_hash = models.CharField(max_length=64, help_text="Hash of the demo data entry.")
    loaded = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "demo data record"
        ordering = ["key"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.key


class ContentVersion(models.Model):
    """One row counting changes to the site's content, and when the last one was made.

    Every save or delete of a profile, publication or event row bumps it (core.changes),
    so a response built from the content at version N is current while the version is N:
    API ETags and Last-Modified headers come from it.
    """

    version = models.PositiveBigIntegerField(default=0)
    changed = models.DateTimeField()
    day = models.DateField(
        null=True, help_text="The last day whose date changes (talks past, positions ended) ran."
    )

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"version {self.version} of {self.changed:%Y-%m-%d %H:%M:%S}"


class ContentScope(models.Model):
    """A version per part of the site ("researcher:ann", "publications", ...), bumped with
    the site's version by a change to what that part shows (core.changes): a cached page is
    keyed by the versions of the parts it shows, so an edit empties only those pages."""

    name = models.CharField(max_length=300, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)
    changed = models.DateTimeField()

    class Meta:
        verbose_name = "content scope"

    def __str__(self):
        return f"{self.name} at version {self.version}"


class EditorLanguage(models.Model):
    """The language an editor chose for the admin (the language form in its header), kept
    with the account so that it follows them to any browser (core.i18n)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor_language"
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = "editor's language"

    def __str__(self):
        return f"{self.user}: {self.language}"
