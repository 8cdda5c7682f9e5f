"""Each paper's title as plain Unicode text, stored as its rendered title is
(publications.rendering), for <title>, meta tags, citation_* tags, feeds and lists."""

from django.db import migrations, models

from core.markup import plain_text


def backfill(apps, schema_editor):
    Publication = apps.get_model("publications", "Publication")
    papers = [
        Publication(pk=pk, plain_title=plain_text(title))
        for pk, title in Publication.objects.values_list("pk", "title").iterator()
    ]
    Publication.objects.bulk_update(papers, ["plain_title"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0010_facet_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="plain_title",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The title with its math as Unicode text: for <title>, meta tags and feeds.",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
