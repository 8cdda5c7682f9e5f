from django.core.management import call_command
from django.db import migrations, models
from django.utils import timezone


def create_page_cache_table(apps, schema_editor):
    # Django's own table for DatabaseCache, made as `createcachetable` makes it; the pages
    # are kept there unless REDIS_URL names a Redis (config/settings/base.py).
    call_command("createcachetable", "core_page_cache", database=schema_editor.connection.alias)


def start_the_day(apps, schema_editor):
    # Nothing cached predates this migration: the day rules start from today.
    ContentVersion = apps.get_model("core", "ContentVersion")
    version, _ = ContentVersion.objects.get_or_create(pk=1, defaults={"changed": timezone.now()})
    version.day = timezone.localdate()
    version.save(update_fields=["day"])


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
        migrations.RunPython(start_the_day, migrations.RunPython.noop),
    ]
