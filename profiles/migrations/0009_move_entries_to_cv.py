"""Research interests, awards and service move to the cv app (cv/0001_initial.py)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('profiles', '0008_searched_text_limit'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table): only Django's record of
            # which app owns the models changes.
            state_operations=[
                migrations.RemoveField(
                    model_name='researchinterest',
                    name='parent',
                ),
                migrations.RemoveField(
                    model_name='researchinterest',
                    name='publications',
                ),
                migrations.RemoveField(
                    model_name='researchinterest',
                    name='researcher',
                ),
                migrations.RemoveField(
                    model_name='service',
                    name='event',
                ),
                migrations.RemoveField(
                    model_name='service',
                    name='organization',
                ),
                migrations.RemoveField(
                    model_name='service',
                    name='researcher',
                ),
                migrations.RemoveField(
                    model_name='service',
                    name='venue',
                ),
                migrations.DeleteModel(
                    name='Award',
                ),
                migrations.DeleteModel(
                    name='ResearchInterest',
                ),
                migrations.DeleteModel(
                    name='Service',
                ),
            ],
            database_operations=[],
        ),
    ]
