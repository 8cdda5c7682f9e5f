"""Each paper's JSON in the API, stored as its other renders are (publications.rendering)."""

import json

from django.db import migrations, models


def backfill(apps, schema_editor):
    # The app's own code, on the rows as they are now, as 0009 renders the other fragments.
    from publications import bulk, rendering
    from publications.api import stored_representations
    from publications.models import Publication

    pks = list(Publication.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), rendering.CHUNK):
        papers = rendering.rendered_papers().filter(pk__in=pks[start : start + rendering.CHUNK])
        rows = [
            (paper.pk, json.dumps(stored_representations(paper), ensure_ascii=False))
            for paper in papers
        ]
        bulk.update_columns(Publication, ["api_json"], rows)


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0012_authorship_mark_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="api_json",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="The paper's JSON in the API, by language (its pages' addresses have "
                "it), the scheme and host left for the request to fill in (publications.api).",
                verbose_name="API representation",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
