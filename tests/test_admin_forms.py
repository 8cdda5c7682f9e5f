"""Admin forms reject bad input with a message on the field and save nothing.

Known bad values first, then hypothesis: whatever text lands in a field, the form either
saves one row or answers 200 with an error and leaves the table as it was (never a 500).
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.models import Event, Talk
from profiles.models import Researcher
from publications.models import Publication
from tests import factories as f
from tests.test_admin import admin_url, management_form

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# What people paste: identifiers with stray text, dates in other orders, tags and quotes.
TYPED = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")
    | st.sampled_from("0123456789-/.:{}<>\"' "),
    max_size=60,
)


def inline_management(client, model):
    """The management forms of the add page's inlines, with no rows."""
    page = client.get(admin_url(model, "add"))
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        data |= management_form(inline.formset.prefix, total=0)
    return data


def base_form(client, model):
    venue = f.VenueFactory()
    forms = {
        Researcher: {
            "full_name": "Zhi-Qin John Xu",
            "given_name": "Zhi-Qin",
            "family_name": "Xu",
            "name_variants": "",
            "role": Researcher.Role.FACULTY,
            "visibility": "public",
            "sort_order": "100",
        },
        Publication: {
            "title": "Frequency principle",
            "kind": Publication.Kind.JOURNAL_ARTICLE,
            "status": Publication.Status.PUBLISHED,
            "year": "2020",
            "venue": str(venue.pk),
            "visibility": "public",
        },
        Talk: {
            "title": "Frequency principle",
            "kind": Talk.Kind.INVITED,
            "date_precision": "day",
            "timezone": "Asia/Shanghai",
            "date": "2024-06-02",
            "visibility": "public",
        },
        Event: {
            "name": "CSML 2024",
            "kind": Event.Kind.CONFERENCE,
            "date_precision": "day",
            "timezone": "Asia/Shanghai",
            "start_date": "2024-06-01",
            "end_date": "2024-06-03",
            "visibility": "public",
        },
    }
    return {**forms[model], **inline_management(client, model)}


# A megabyte of distinct words: its search vector would pass PostgreSQL's 1 MB tsvector limit.
MEGABYTE = " ".join(f"w{n}" for n in range(150_000))

BAD_VALUES = [
    # Translated fields are posted per language (modeltranslation): bio_en, bio_zh_hans.
    pytest.param(Researcher, "bio_en", MEGABYTE, id="bio-megabyte"),
    pytest.param(Researcher, "bio_zh_hans", MEGABYTE, id="chinese-bio-megabyte"),
    pytest.param(Publication, "abstract", MEGABYTE, id="abstract-megabyte"),
    pytest.param(Talk, "abstract_en", MEGABYTE, id="talk-abstract-megabyte"),
    (Researcher, "orcid", "0000-0002-1825-0098"),
    (Researcher, "orcid", "orcid.org/0000"),
    (Researcher, "email", "xu@"),
    (Researcher, "homepage", "javascript:alert(1)"),
    (Researcher, "google_scholar_id", "short"),
    (Researcher, "github", "-not-a-user-"),
    (Researcher, "openalex_id", "W123"),
    (Researcher, "full_name", ""),
    (Publication, "year", "20x5"),
    (Publication, "year", "1066"),
    (Publication, "date", "2024-13-45"),
    (Publication, "doi", "not a doi"),
    (Publication, "arxiv_id", "1234"),
    (Publication, "url", "javascript:alert(1)"),
    (Publication, "pdf_url", "ftp:/broken"),
    (Publication, "title", ""),
    (Talk, "timezone", "Mars/Olympus_Mons"),
    (Talk, "date", "02/30/2024"),
    (Talk, "slides_url", "data:text/html,<script>alert(1)</script>"),
    (Event, "start_date", "2024-02-30"),
    (Event, "end_date", "2024-05-01"),
    (Event, "url", "javascript:alert(1)"),
]


@pytest.mark.parametrize(("model", "field", "value"), BAD_VALUES)
def test_bad_value_is_refused_with_a_message_and_nothing_saved(admin_client, model, field, value):
    data = base_form(admin_client, model) | {field: value}
    before = model.objects.count()

    response = admin_client.post(admin_url(model, "add"), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    messages = form.errors.get(field) or form.non_field_errors()
    assert messages and all(messages)
    assert "errornote" in response.content.decode()
    assert model.objects.count() == before


def test_an_existing_row_keeps_its_values_when_an_edit_is_refused(admin_client):
    publication = f.PublicationFactory(doi="10.1000/good")
    data = base_form(admin_client, Publication) | {
        "title": "Changed title",
        "doi": "not a doi",
        **management_form("authorships", total=0),
        **management_form("citation_counts", total=0),
    }

    response = admin_client.post(admin_url(Publication, "change", publication.pk), data)

    assert response.status_code == 200
    refreshed = Publication.objects.get(pk=publication.pk)
    assert (refreshed.title, refreshed.doi) == (publication.title, "10.1000/good")


FUZZED_FIELDS = [
    (Researcher, "orcid"),
    (Researcher, "homepage"),
    (Researcher, "name_variants"),
    (Publication, "year"),
    (Publication, "doi"),
    (Publication, "arxiv_id"),
    (Publication, "date"),
    (Talk, "timezone"),
    (Event, "end_date"),
]


@pytest.mark.parametrize(("model", "field"), FUZZED_FIELDS)
def test_any_typed_value_saves_a_row_or_is_refused_whole(admin_client, model, field):
    base = base_form(admin_client, model)

    @PROPERTY
    @given(value=TYPED)
    def check(value):
        with transaction.atomic():
            before = model.objects.count()
            response = admin_client.post(admin_url(model, "add"), base | {field: value})
            if response.status_code == 302:
                assert model.objects.count() == before + 1
            else:
                assert response.status_code == 200
                assert response.context["adminform"].form.errors
                assert model.objects.count() == before
            transaction.set_rollback(True)

    check()
