from django.core.management import call_command
from django.db import migrations, models


def create_page_cache_table(apps, schema_editor):
    # Django's own table for DatabaseCache, made as `createcachetable` makes it; the pages
    # are kept there unless REDIS_URL names a Redis (config/settings/base.py).
    call_command("createcachetable", "core_page_cache", database=schema_editor.connection.alias)


def drop_page_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS core_page_cache")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_content_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="contentversion",
            name="day",
            field=models.DateField(
                help_text="The last day whose date changes (talks past, positions ended) ran.",
                null=True,
            ),
        ),
        migrations.CreateModel(
            name="ContentScope",
            fields=[
                ("name", models.CharField(max_length=300, primary_key=True, serialize=False)),
                ("version", models.PositiveBigIntegerField(default=0)),
                ("changed", models.DateTimeField()),
            ],
            options={"verbose_name": "content scope"},
        ),
        migrations.RunPython(create_page_cache_table, drop_page_cache_table),
    ]
