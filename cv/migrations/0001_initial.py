"""Research interests, awards and service, moved from profiles with their tables
(profiles/0009_move_entries_to_cv.py)."""

from functools import partial

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


ENTRIES = ["researchinterest", "award", "service"]


def content_types_to(app_label, apps, schema_editor):
    """Move the content types, so that permissions, revisions and seed records follow."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    source = "profiles" if app_label == "cv" else "cv"
    for model in ENTRIES:
        if not ContentType.objects.filter(app_label=app_label, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=app_label)



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('events', '0004_searched_text_limit'),
        ('profiles', '0009_move_entries_to_cv'),
        ('publications', '0005_searched_text_limit'),
    ]

    operations = [
        migrations.RunPython(
            partial(content_types_to, "cv"), partial(content_types_to, "profiles")
        ),
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table): only Django's record of
            # which app owns the models changes.
            state_operations=[
                migrations.CreateModel(
                    name='Award',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('visibility', models.CharField(choices=[('public', 'Public'), ('draft', 'Draft (editors only)'), ('hidden', 'Hidden')], default='public', max_length=10)),
                        ('order', models.PositiveSmallIntegerField(default=0, help_text='Lower comes first.')),
                        ('kind', models.CharField(choices=[('award', 'Award or prize'), ('scholarship', 'Scholarship'), ('fellowship', 'Fellowship'), ('honour', 'Honour'), ('competition', 'Competition result')], default='award', max_length=20)),
                        ('title', models.CharField(max_length=300)),
                        ('date', models.DateField(blank=True, null=True)),
                        ('date_precision', models.CharField(choices=[('day', 'Day'), ('month', 'Month'), ('year', 'Year')], default='year', max_length=5)),
                        ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)])),
                        ('currency', models.CharField(blank=True, help_text='ISO 4217 code, e.g. CNY.', max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Use an ISO 4217 code such as CNY.')])),
                        ('distinction', models.CharField(blank=True, help_text='e.g. top 1%.', max_length=100)),
                        ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='awards', to='events.event')),
                        ('issuer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='awards_given', to='profiles.organization')),
                        ('publication', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='awards', to='publications.publication')),
                        ('researcher', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='profiles.researcher')),
                        ('talk', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='awards', to='events.talk')),
                    ],
                    options={
                        'db_table': 'profiles_award',
                        'ordering': ['researcher', 'order', '-date'],
                        'default_related_name': 'awards',
                        'indexes': [models.Index(fields=['researcher', 'date'], name='profiles_aw_researc_a0d90c_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('amount__isnull', True), models.Q(('currency', ''), _negated=True), _connector='OR'), name='award_amount_has_currency', violation_error_message='An amount needs a currency.'), models.CheckConstraint(condition=models.Q(('date__isnull', True), ('date__year__range', (1900, 2100)), _connector='OR'), name='award_sane_year', violation_error_message='The year must lie between 1900 and 2100.')],
                    },
                ),
                migrations.CreateModel(
                    name='ResearchInterest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('visibility', models.CharField(choices=[('public', 'Public'), ('draft', 'Draft (editors only)'), ('hidden', 'Hidden')], default='public', max_length=10)),
                        ('order', models.PositiveSmallIntegerField(default=0, help_text='Lower comes first.')),
                        ('title', models.CharField(max_length=200)),
                        ('description', models.TextField(blank=True, help_text='Markdown.')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='children', to='cv.researchinterest')),
                        ('publications', models.ManyToManyField(blank=True, db_table='profiles_researchinterest_publications', help_text='Papers this interest cites.', related_name='research_interests', to='publications.publication')),
                        ('researcher', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='profiles.researcher')),
                    ],
                    options={
                        'db_table': 'profiles_researchinterest',
                        'ordering': ['researcher', 'order'],
                        'abstract': False,
                        'default_related_name': 'interests',
                        'constraints': [models.CheckConstraint(condition=models.Q(('parent', models.F('pk')), _negated=True), name='interest_not_own_parent')],
                    },
                ),
                migrations.CreateModel(
                    name='Service',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('visibility', models.CharField(choices=[('public', 'Public'), ('draft', 'Draft (editors only)'), ('hidden', 'Hidden')], default='public', max_length=10)),
                        ('start_date', models.DateField(blank=True, help_text='First day of the period; for a month, its 1st.', null=True)),
                        ('end_date', models.DateField(blank=True, help_text='Leave empty while ongoing.', null=True)),
                        ('date_precision', models.CharField(choices=[('day', 'Day'), ('month', 'Month'), ('year', 'Year')], default='month', help_text='How much of the dates to show: 2022, Sep 2021 or 1 Sep 2021.', max_length=5)),
                        ('order', models.PositiveSmallIntegerField(default=0, help_text='Lower comes first.')),
                        ('kind', models.CharField(choices=[('reviewer', 'Reviewer'), ('editor', 'Editor'), ('committee', 'Committee member'), ('chair', 'Chair'), ('organizer', 'Organizer'), ('volunteer', 'Volunteer'), ('officer', 'Officer (president, secretary...)')], max_length=20)),
                        ('role', models.CharField(help_text='As printed, e.g. Reviewer, President.', max_length=200)),
                        ('description', models.TextField(blank=True)),
                        ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='services', to='events.event')),
                        ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='services', to='profiles.organization')),
                        ('researcher', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='profiles.researcher')),
                        ('venue', models.ForeignKey(blank=True, help_text='Conference or journal served.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='services', to='publications.venue')),
                    ],
                    options={
                        'verbose_name_plural': 'service',
                        'db_table': 'profiles_service',
                        'ordering': ['researcher', 'order'],
                        'abstract': False,
                        'default_related_name': 'services',
                        'constraints': [models.CheckConstraint(condition=models.Q(('end_date__isnull', True), ('start_date__isnull', True), ('end_date__gte', models.F('start_date')), _connector='OR'), name='service_end_after_start', violation_error_message='The end cannot be before the start.')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
