"""The stored papers' BibTeX keys, as the site gave them before they were stored, then
their rendered fragments."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import JSONObject

from core.models import Visibility
from publications import bibtex
from publications.citekeys import KeyedRow, backfilled_keys


def first_author(name: dict) -> bibtex.Person:
    # As publications.citation.person reads an authorship, from the values alone.
    if not name["printed_name"] and name["family_name"]:
        return bibtex.Person(family=name["family_name"], given=name["given_name"])
    _, _, family = (name["printed_name"] or name["full_name"]).strip().rpartition(" ")
    return bibtex.Person(family=family)


def backfill_keys(apps, schema_editor):
    Publication = apps.get_model("publications", "Publication")
    Authorship = apps.get_model("publications", "Authorship")
    first = (
        Authorship.objects.filter(publication=OuterRef("pk"))
        .order_by("position")
        .values(
            name=JSONObject(
                printed_name="printed_name",
                full_name="researcher__full_name",
                family_name="researcher__family_name",
                given_name="researcher__given_name",
            )
        )[:1]
    )
    rows = []
    for pk, visibility, imported, kind, title, year, name in (
        Publication.objects.order_by("pk")
        .annotate(first_author=Subquery(first))
        .values_list("pk", "visibility", "citation_key", "kind", "title", "year", "first_author")
    ):
        authors = (first_author(name),) if name else ()
        generated = bibtex.citation_key(bibtex.Citation(kind, title, authors, year))
        rows.append(KeyedRow(pk, visibility == Visibility.PUBLIC, imported, generated, bool(name)))
    keys = backfilled_keys(rows)
    papers = [Publication(pk=pk, bibtex_key=key) for pk, key in keys.items()]
    Publication.objects.bulk_update(papers, ["bibtex_key"], batch_size=1000)


def render(apps, schema_editor):
    pks = list(apps.get_model("publications", "Publication").objects.values_list("pk", flat=True))
    if not pks:
        return
    # The app's renderer, on the rows as they are now: what it reads is named field by
    # field (rendering.PAPER_FIELDS), so later columns are not asked for, and it writes
    # the columns this table has (later ones, such as plain_title, come with their own).
    from publications import rendering

    rendering.render_now(
        pks,
        columns=[
            "bibtex_key",
            "rendered_title",
            "rendered_abstract",
            "rendered_entry",
            "bibtex",
            "csl_json",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("publications", "0008_stored_renders")]

    operations = [
        migrations.RunPython(backfill_keys, migrations.RunPython.noop),
        migrations.RunPython(render, migrations.RunPython.noop),
    ]
