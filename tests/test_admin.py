import datetime
import inspect

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR, InlineModelAdmin
from django.test import RequestFactory
from django.urls import reverse

from events.models import Talk
from inbox.tasks import harvest_later
from profiles.admin import ResearcherItemAdmin
from profiles.models import Researcher, SiteLink, SiteSettings
from publications.models import Publication
from tests import factories as f

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("core", "profiles", "publications", "events", "cv", "inbox")
REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
REGISTERED_IDS = [model._meta.label for model, _ in REGISTERED]
PROJECT_ADMINS = [
    model_admin for model, model_admin in REGISTERED if model._meta.app_label in PROJECT_APPS
]
EXPLICIT_OPTIONS = (
    "list_display",
    "list_filter",
    "search_fields",
    "autocomplete_fields",
    "list_select_related",
)
CHANGELIST_ROWS = 30
# Fixed per page: session, user, two counts, the rows, one prefetch, filter choices.
# A query per row would need more than CHANGELIST_ROWS.
CHANGELIST_MAX_QUERIES = 10


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def management_form(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def make_one_of_each():
    """At least one row of every registered model, linked the way real data is."""
    university = f.OrganizationFactory(name="Shanghai Jiao Tong University", short_name="SJTU")
    school = f.OrganizationFactory(name="School of Mathematical Sciences", parent=university)
    member = f.ResearcherFactory(
        full_name="Zhi-Qin John Xu",
        name_variants=["Zhiqin Xu", "Z.-Q. J. Xu"],
        is_member=True,
        role=Researcher.Role.FACULTY,
    )
    venue = f.VenueFactory(short_name="JMLR")
    publication = f.PublicationFactory(venue=venue)
    f.AuthorshipFactory(publication=publication, researcher=member, position=1)
    f.AuthorshipFactory(publication=publication, position=2, corresponding=True)
    f.CitationCountFactory(publication=publication, year=2024)
    event = f.EventFactory()
    event.organizers.add(school)
    talk = f.TalkFactory(event=event, host_organization=school)
    talk.publications.add(publication)
    f.TalkSpeakerFactory(talk=talk, researcher=member, position=1)
    f.TalkHostFactory(talk=talk)
    f.ParticipationFactory(researcher=member, event=event)
    f.PositionFactory(researcher=member, organization=school)
    education = f.EducationFactory(researcher=member, institution=university)
    education.advisors.add(f.ResearcherFactory())
    interest = f.ResearchInterestFactory(researcher=member)
    interest.publications.add(publication)
    f.ResearchInterestFactory(researcher=member, parent=interest)
    f.AwardFactory(researcher=member, issuer=university, publication=publication, event=event)
    f.ServiceFactory(researcher=member, venue=venue)
    f.TeachingFactory(researcher=member, organization=school, instructor=f.ResearcherFactory())
    f.ProjectMemberFactory(researcher=member)
    f.ProfileSectionFactory(researcher=member)
    f.MetricsSnapshotFactory(researcher=member)
    f.MembershipFactory(researcher=member)
    grant = f.GrantFactory(url="https://example.org/grant")
    f.GrantInvestigatorFactory(grant=grant, researcher=member)
    grant.publications.add(publication)
    f.SeedRecordFactory(target=publication)
    site = SiteSettings.objects.create(name="Deep Learning Theory Group")
    SiteLink.objects.create(site=site, label="Seminar", url="https://example.org/seminar")
    f.CandidateFactory(researcher=member)
    harvest_later(member)  # a job of the queue (procrastinate's admin)
    # django-axes's records of admin logins: what a failed and a successful login leave.
    request = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "editor"}
    request |= {"http_accept": "text/html", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**request, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**request)
    AccessLog.objects.create(**request)
    return member


@pytest.fixture(scope="class")
def one_of_each(class_rows):
    with class_rows():
        make_one_of_each()


@pytest.fixture
def superuser_request(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return request


# The same rows for each of these tests, made once (class_rows).
@pytest.mark.usefixtures("one_of_each")
class TestEveryRegisteredModel:
    @pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=REGISTERED_IDS)
    def test_changelist_renders(self, admin_client, model, model_admin):
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200

    @pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=REGISTERED_IDS)
    def test_changelist_search_renders(self, admin_client, model, model_admin):
        response = admin_client.get(admin_url(model, "changelist"), {"q": "x"})
        assert response.status_code == 200

    @pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=REGISTERED_IDS)
    def test_change_page_renders(self, admin_client, model, model_admin):
        obj = model._default_manager.first()
        assert obj is not None, f"the fixture made no {model._meta.label}"
        assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=REGISTERED_IDS)
def test_add_page_renders(admin_client, superuser_request, model, model_admin):
    response = admin_client.get(admin_url(model, "add"))
    expected = 200 if model_admin.has_add_permission(superuser_request) else 403
    assert response.status_code == expected


@pytest.mark.parametrize("model_admin", PROJECT_ADMINS, ids=str)
def test_project_admin_sets_every_list_option_explicitly(model_admin):
    own_classes = [
        cls for cls in type(model_admin).__mro__ if cls.__module__.split(".")[0] in PROJECT_APPS
    ]
    missing = [
        name for name in EXPLICIT_OPTIONS if not any(name in vars(cls) for cls in own_classes)
    ]
    assert not missing


def unknown_options(admin_class, base):
    """Class attributes Django does not know: a misspelt option is silently ignored."""
    names = set()
    for cls in admin_class.__mro__:
        if cls.__module__.split(".")[0] not in PROJECT_APPS:
            continue
        for name, value in vars(cls).items():
            if name.startswith("_") or inspect.isfunction(value) or isinstance(value, type):
                continue
            if not hasattr(base, name):
                names.add(name)
    return names


@pytest.mark.parametrize("model_admin", PROJECT_ADMINS, ids=str)
def test_project_admin_options_are_names_django_knows(model_admin):
    assert not unknown_options(type(model_admin), admin.ModelAdmin)
    for inline in model_admin.inlines:
        assert not unknown_options(inline, InlineModelAdmin), inline


def test_seed_records_can_be_listed_but_not_written(superuser_request):
    from core.models import SeedRecord

    seed_admin = admin.site._registry[SeedRecord]
    assert not seed_admin.has_add_permission(superuser_request)
    assert not seed_admin.has_change_permission(superuser_request)
    assert not seed_admin.has_delete_permission(superuser_request)
    assert seed_admin.has_view_permission(superuser_request)


def test_researcher_popup_add_form_shows_no_inlines(admin_client):
    response = admin_client.get(admin_url(Researcher, "add"), {IS_POPUP_VAR: "1"})
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"] == []
    first_fieldset = next(iter(response.context["adminform"]))
    assert "full_name" in str(first_fieldset.fields)
    assert "collapse" not in first_fieldset.classes


def test_researcher_popup_adds_a_name_only_coauthor(admin_client):
    url = admin_url(Researcher, "add") + f"?{IS_POPUP_VAR}=1&_to_field=id"
    response = admin_client.post(
        url,
        {
            IS_POPUP_VAR: "1",
            "_to_field": "id",
            "full_name": "Tao Luo",
            "family_name": "Luo",
            "given_name": "Tao",
            "name_variants": "T. Luo, Luo Tao",
            "role": Researcher.Role.EXTERNAL,
            "visibility": "public",
            "sort_order": "100",
        },
    )
    assert response.status_code == 200
    assert "popup_response" in response.templates[0].name
    researcher = Researcher.objects.get(full_name="Tao Luo")
    assert researcher.name_variants == ["T. Luo", "Luo Tao"]
    assert not researcher.is_member


def test_publication_form_saves_authorship_flags_in_position_order(admin_client):
    publication = f.PublicationFactory()
    first, second, third = f.ResearcherFactory.create_batch(3)
    data = {
        "title": publication.title,
        "kind": publication.kind,
        "status": publication.status,
        "year": "2024",
        "venue": str(publication.venue_id),
        "visibility": "public",
        **management_form("authorships", total=3),
        # Typed out of order: the position, not the row, decides the order.
        "authorships-0-position": "2",
        "authorships-0-researcher": str(second.pk),
        "authorships-0-equal_contribution": "on",
        "authorships-1-position": "1",
        "authorships-1-researcher": str(first.pk),
        "authorships-1-equal_contribution": "on",
        "authorships-2-position": "3",
        "authorships-2-researcher": str(third.pk),
        "authorships-2-printed_name": "C. Third",
        "authorships-2-corresponding": "on",
        **management_form("citation_counts", total=0),
        "_save": "Save",
    }

    response = admin_client.post(admin_url(Publication, "change", publication.pk), data)

    assert response.status_code == 302, response.context["errors"]
    rows = list(
        publication.authorships.values_list(
            "position", "researcher", "equal_contribution", "corresponding"
        )
    )
    assert rows == [
        (1, first.pk, True, False),
        (2, second.pk, True, False),
        (3, third.pk, False, True),
    ]
    assert [str(a) for a in publication.authorships.all()] == [
        f"1. {first.full_name}#",
        f"2. {second.full_name}#",
        "3. C. Third*",
    ]
    page = admin_client.get(admin_url(Publication, "change", publication.pk))
    inline = page.context["inline_admin_formsets"][0]
    assert [form.form.instance.position for form in inline if form.original] == [1, 2, 3]


def test_researcher_autocomplete_finds_a_name_variant(admin_client):
    xu = f.ResearcherFactory(full_name="Zhi-Qin John Xu", name_variants=["Zhiqin Xu", "Z. Xu"])
    f.ResearcherFactory(full_name="Tao Luo", name_variants=["T. Luo"])

    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "publications",
            "model_name": "authorship",
            "field_name": "researcher",
            "term": "zhiqin",
        },
    )

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(xu.pk)]


def test_researcher_changelist_search_matches_a_name_variant(admin_client):
    xu = f.ResearcherFactory(full_name="Zhi-Qin John Xu", name_variants=["Zhiqin Xu"])
    f.ResearcherFactory(full_name="Tao Luo")

    response = admin_client.get(admin_url(Researcher, "changelist"), {"q": "Zhiqin Xu"})

    assert list(response.context["cl"].result_list) == [xu]


def test_publication_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries
):
    for publication in f.PublicationFactory.create_batch(CHANGELIST_ROWS):
        for position in (1, 2, 3, 4):
            f.AuthorshipFactory(publication=publication, position=position)

    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        response = admin_client.get(admin_url(Publication, "changelist"))

    rows = response.context["cl"].result_list
    assert len(rows) == CHANGELIST_ROWS
    assert {row.author_count for row in rows} == {4}


def test_researcher_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries, django_user_model
):
    publications = f.PublicationFactory.create_batch(2)
    for n in range(CHANGELIST_ROWS):
        user = django_user_model.objects.create_user(username=f"editor{n}")
        researcher = f.ResearcherFactory(user=user, is_member=True)
        for publication in publications:
            f.AuthorshipFactory(publication=publication, researcher=researcher, position=n + 1)

    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        response = admin_client.get(admin_url(Researcher, "changelist"))

    rows = response.context["cl"].result_list
    assert len(rows) == CHANGELIST_ROWS
    assert {row.paper_count for row in rows} == {2}


def test_talk_times_are_entered_in_the_talks_time_zone(admin_client):
    data = {
        "title_en": "Frequency principle",
        "kind": Talk.Kind.INVITED,
        "date_precision": "day",
        "timezone": "Asia/Shanghai",
        "start_0": "2024-06-02",
        "start_1": "14:00",
        "visibility": "public",
        **management_form("speaker_links", total=0),
        **management_form("host_links", total=0),
        "_save": "Save",
    }

    response = admin_client.post(admin_url(Talk, "add"), data)

    assert response.status_code == 302, response.context["errors"]
    talk = Talk.objects.get()
    assert talk.start == datetime.datetime(2024, 6, 2, 6, 0, tzinfo=datetime.UTC)
    assert talk.date == datetime.date(2024, 6, 2)
    page = admin_client.get(admin_url(Talk, "change", talk.pk))
    assert 'value="14:00:00"' in page.content.decode()


def test_talk_without_date_or_start_is_refused(admin_client):
    data = {
        "title": "Frequency principle",
        "kind": Talk.Kind.TALK,
        "date_precision": "day",
        "timezone": "UTC",
        "visibility": "public",
        **management_form("speaker_links", total=0),
        **management_form("host_links", total=0),
    }

    response = admin_client.post(admin_url(Talk, "add"), data)

    assert response.status_code == 200
    assert "date" in response.context["adminform"].form.errors
    assert not Talk.objects.exists()


def test_view_on_site_is_offered_for_members_only(admin_client):
    member = f.ResearcherFactory(is_member=True)
    coauthor = f.ResearcherFactory()

    member_page = admin_client.get(admin_url(Researcher, "change", member.pk))
    coauthor_page = admin_client.get(admin_url(Researcher, "change", coauthor.pk))

    assert member_page.context["has_absolute_url"]
    assert not coauthor_page.context["has_absolute_url"]


@pytest.mark.parametrize(
    "model_admin", [a for a in PROJECT_ADMINS if isinstance(a, ResearcherItemAdmin)], ids=str
)
def test_a_profile_entry_form_ends_with_its_visibility(admin_client, model_admin):
    form = admin_client.get(admin_url(model_admin.model, "add")).context["adminform"].form
    assert list(form.fields)[-1] == "visibility"
