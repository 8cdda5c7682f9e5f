"""Who may do what in the admin: every registered model x role x action, over HTTP.

Two members, Alice and Bob, each own a full set of records; the member role is Alice. "own"
is Alice's row of a model, "other" is Bob's (for shared models, any row).
"""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group

from core import roles
from core.models import SeedRecord
from events.models import Event, Talk
from profiles.models import Position, Researcher
from publications.models import Publication
from tests import factories as f
from tests.test_admin import admin_url, management_form

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)

ENTRY = "list add change-own delete-own"
SHARED = "list add view-all"
EVERYTHING = "list add change-all delete-all"
# What each role may do, written out by hand: the test fails when the code and this disagree.
EXPECTED = {
    "member": {
        "profiles.researcher": "list add change-own",
        "profiles.position": ENTRY,
        "profiles.education": ENTRY,
        "profiles.researchinterest": ENTRY,
        "profiles.award": ENTRY,
        "profiles.service": ENTRY,
        "profiles.teaching": ENTRY,
        "profiles.profilesection": ENTRY,
        "profiles.metricssnapshot": ENTRY,
        "profiles.project": "list add change-own",
        "profiles.projectmember": ENTRY,
        "profiles.organization": SHARED,
        "publications.publication": "list add change-own",
        "publications.authorship": ENTRY,
        "publications.citationcount": ENTRY,
        "publications.venue": SHARED,
        "events.talk": "list add change-own",
        "events.talkspeaker": ENTRY,
        "events.talkhost": ENTRY,
        "events.participation": ENTRY,
        "events.event": SHARED,
    },
    "editor": {
        **dict.fromkeys(
            [
                "profiles.researcher",
                "profiles.position",
                "profiles.education",
                "profiles.researchinterest",
                "profiles.award",
                "profiles.service",
                "profiles.teaching",
                "profiles.profilesection",
                "profiles.metricssnapshot",
                "profiles.project",
                "profiles.projectmember",
                "profiles.organization",
                "publications.publication",
                "publications.authorship",
                "publications.citationcount",
                "publications.venue",
                "events.talk",
                "events.talkspeaker",
                "events.talkhost",
                "events.participation",
                "events.event",
            ],
            EVERYTHING,
        ),
        "core.seedrecord": "list view-all",
    },
    # A staff account in no group: the admin index and nothing else.
    "staff": {},
}
# Superusers: everything the admin classes allow; the login records are written by
# django-axes and the demo bookkeeping by loaddemo, not by hand.
EXPECTED["superuser"] = {
    **EXPECTED["editor"],
    "auth.group": EVERYTHING,
    "auth.user": EVERYTHING,
    "axes.accessattempt": "list change-all delete-all",
    "axes.accessfailurelog": "list change-all delete-all",
    "axes.accesslog": "list change-all delete-all",
}


def records_of(researcher, venue, organization, event):
    """One row of every model a researcher can own, keyed by model label."""
    publication = f.PublicationFactory(venue=venue, title=f"Paper of {researcher.full_name}")
    authorship = f.AuthorshipFactory(publication=publication, researcher=researcher, position=1)
    f.AuthorshipFactory(publication=publication, position=2)
    talk = f.TalkFactory(event=event, title=f"Talk of {researcher.full_name}")
    project = f.ProjectFactory()
    return {
        "profiles.researcher": researcher,
        "profiles.position": f.PositionFactory(researcher=researcher, organization=organization),
        "profiles.education": f.EducationFactory(researcher=researcher, institution=organization),
        "profiles.researchinterest": f.ResearchInterestFactory(researcher=researcher),
        "profiles.award": f.AwardFactory(researcher=researcher, issuer=organization),
        "profiles.service": f.ServiceFactory(researcher=researcher, venue=venue),
        "profiles.teaching": f.TeachingFactory(researcher=researcher, organization=organization),
        "profiles.profilesection": f.ProfileSectionFactory(researcher=researcher),
        "profiles.metricssnapshot": f.MetricsSnapshotFactory(researcher=researcher),
        "profiles.project": project,
        "profiles.projectmember": f.ProjectMemberFactory(researcher=researcher, project=project),
        "publications.publication": publication,
        "publications.authorship": authorship,
        "publications.citationcount": f.CitationCountFactory(publication=publication),
        "events.talk": talk,
        "events.talkspeaker": f.TalkSpeakerFactory(talk=talk, researcher=researcher),
        "events.talkhost": f.TalkHostFactory(talk=talk),
        "events.participation": f.ParticipationFactory(researcher=researcher, event=event),
    }


@pytest.fixture
def site(django_user_model):
    venue = f.VenueFactory()
    organization = f.OrganizationFactory()
    event = f.EventFactory()
    shared = {
        "publications.venue": venue,
        "profiles.organization": organization,
        "events.event": event,
    }
    accounts = {}
    owned = {}
    for name in ("alice", "bob"):
        user = django_user_model.objects.create_user(username=name, password="x")
        researcher = f.ResearcherFactory(full_name=name.title(), is_member=True, user=user)
        accounts[name] = user
        owned[name] = records_of(researcher, venue, organization, event)
    f.SeedRecordFactory(target=owned["bob"]["publications.publication"])
    login = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "bob"}
    login |= {"http_accept": "text/html", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**login, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**login)
    AccessLog.objects.create(**login)
    accounts["editor"] = django_user_model.objects.create_user(
        username="editor", password="x", is_staff=True
    )
    accounts["editor"].groups.add(Group.objects.get(name=roles.EDITORS))
    accounts["staff"] = django_user_model.objects.create_user(
        username="staff", password="x", is_staff=True
    )
    accounts["superuser"] = django_user_model.objects.create_superuser(
        username="root", password="x"
    )
    accounts["member"] = accounts["alice"]
    return {"accounts": accounts, "own": owned["alice"], "other": owned["bob"], "shared": shared}


def row(site, model, whose):
    key = model._meta.label_lower
    if key in site["shared"]:
        return site["shared"][key]
    if key in site[whose]:
        return site[whose][key]
    return model._default_manager.order_by("pk").first()


def change_access(client, model, obj):
    """'change', 'view' or 'none', as the change page answers."""
    response = client.get(admin_url(model, "change", obj.pk))
    if response.status_code in (302, 403):
        return "none"
    assert response.status_code == 200
    return "change" if response.context["has_change_permission"] else "view"


def delete_allowed(client, model, obj):
    response = client.get(admin_url(model, "delete", obj.pk))
    assert response.status_code in (200, 302, 403)
    return response.status_code == 200


def access(client, model, own, other):
    """The flags of EXPECTED that the admin grants the logged-in account."""
    granted = set()
    listing = client.get(admin_url(model, "changelist"))
    assert listing.status_code in (200, 403)
    if listing.status_code == 200:
        granted.add("list")
        shown = set(listing.context["cl"].queryset.values_list("pk", flat=True))
        assert own.pk in shown
    if client.get(admin_url(model, "add")).status_code == 200:
        granted.add("add")
    own_access, other_access = (
        change_access(client, model, own),
        change_access(client, model, other),
    )
    if other_access != "none":
        granted.add(f"{other_access}-all")
        assert own_access == other_access
        assert other.pk in shown
    elif own_access == "change":
        granted.add("change-own")
        assert other.pk not in shown
    if delete_allowed(client, model, other):
        granted.add("delete-all")
    elif delete_allowed(client, model, own):
        granted.add("delete-own")
    return granted


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label_lower)
def test_role_matrix(client, site, model):
    own, other = row(site, model, "own"), row(site, model, "other")
    assert own is not None and other is not None
    granted = {}
    for role in ("superuser", "editor", "member", "staff"):
        client.force_login(site["accounts"][role])
        granted[role] = access(client, model, own, other)
    expected = {
        role: set(EXPECTED[role].get(model._meta.label_lower, "").split()) for role in granted
    }
    assert granted == expected


def test_every_registered_model_is_in_the_superuser_row():
    labels = {model._meta.label_lower for model in REGISTERED}
    assert labels == set(EXPECTED["superuser"])


def test_member_cannot_change_or_delete_a_colleagues_paper_by_posting(client, site):
    client.force_login(site["accounts"]["member"])
    paper = site["other"]["publications.publication"]

    change = client.post(admin_url(Publication, "change", paper.pk), {"title": "Taken over"})
    delete = client.post(admin_url(Publication, "delete", paper.pk), {"post": "yes"})

    assert change.status_code in (302, 403) and delete.status_code in (302, 403)
    paper.refresh_from_db()
    assert paper.title == "Paper of Bob"


def test_member_edits_their_page_but_not_who_they_are(client, site, django_user_model):
    client.force_login(site["accounts"]["member"])
    alice = site["own"]["profiles.researcher"]
    page = client.get(admin_url(Researcher, "change", alice.pk))
    form = page.context["adminform"].form
    for name in roles.EDITOR_ONLY_RESEARCHER_FIELDS:
        assert name not in form.fields

    data = {
        "full_name": "Alice A. Smith",
        "given_name": "Alice",
        "family_name": "Smith",
        "name_variants": "",
        "slug": alice.slug,
        "visibility": "public",
        # Fields a member must not set: ignored, not saved.
        "user": str(site["accounts"]["bob"].pk),
        "is_member": "",
        "role": Researcher.Role.FACULTY,
        "sort_order": "1",
    }
    for inline in page.context["inline_admin_formsets"]:
        data |= management_form(inline.formset.prefix, total=0)  # entries left as they are
    response = client.post(admin_url(Researcher, "change", alice.pk), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    alice.refresh_from_db()
    assert alice.full_name == "Alice A. Smith"
    assert alice.user == site["accounts"]["alice"]
    assert alice.is_member
    assert alice.role == Researcher.Role.EXTERNAL
    assert alice.sort_order == 100


def test_member_cannot_file_an_entry_under_a_colleague(client, site):
    client.force_login(site["accounts"]["member"])
    bob = site["other"]["profiles.researcher"]
    before = Position.objects.count()

    response = client.post(
        admin_url(Position, "add"),
        {
            "researcher": str(bob.pk),
            "order": "0",
            "kind": Position.Kind.EMPLOYMENT,
            "title": "Professor",
            "organization": str(site["shared"]["profiles.organization"].pk),
            "start_date": "2024-01-01",
            "date_precision": "day",
            "visibility": "public",
        },
    )

    assert response.status_code == 200
    assert "researcher" in response.context["adminform"].form.errors
    assert Position.objects.count() == before


def paper_form(venue, authors):
    data = {
        "title": "A new paper",
        "kind": Publication.Kind.JOURNAL_ARTICLE,
        "status": Publication.Status.PUBLISHED,
        "year": "2025",
        "venue": str(venue.pk),
        "visibility": "public",
        **management_form("authorships", total=len(authors)),
        **management_form("citation_counts", total=0),
    }
    for n, researcher in enumerate(authors):
        data[f"authorships-{n}-position"] = str(n + 1)
        data[f"authorships-{n}-researcher"] = str(researcher.pk)
    return data


def test_member_adds_a_paper_only_as_one_of_its_authors(client, site):
    client.force_login(site["accounts"]["member"])
    alice = site["own"]["profiles.researcher"]
    coauthor = f.ResearcherFactory()
    venue = site["shared"]["publications.venue"]

    refused = client.post(admin_url(Publication, "add"), paper_form(venue, [coauthor]))

    assert refused.status_code == 200
    assert "Keep yourself among the authors" in refused.content.decode()
    assert not Publication.objects.filter(title="A new paper").exists()

    accepted = client.post(admin_url(Publication, "add"), paper_form(venue, [coauthor, alice]))

    assert accepted.status_code == 302
    paper = Publication.objects.get(title="A new paper")
    assert list(paper.authorships.values_list("researcher", flat=True)) == [coauthor.pk, alice.pk]
    assert change_access(client, Publication, paper) == "change"


def test_member_cannot_pick_a_hidden_researcher_or_paper(client, site):
    client.force_login(site["accounts"]["member"])
    hidden = f.ResearcherFactory(full_name="Hidden Person", visibility="hidden")
    hidden_paper = f.PublicationFactory(visibility="hidden")
    venue = site["shared"]["publications.venue"]
    alice = site["own"]["profiles.researcher"]

    found = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "publications",
            "model_name": "authorship",
            "field_name": "researcher",
            "term": "Hidden",
        },
    )
    posted = client.post(admin_url(Publication, "add"), paper_form(venue, [alice, hidden]))
    talk = site["own"]["events.talk"]
    picked = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "events",
            "model_name": "talk",
            "field_name": "publications",
            "term": hidden_paper.title[:8],
        },
    )

    assert found.status_code == 200 and found.json()["results"] == []
    assert posted.status_code == 200
    assert not Publication.objects.filter(title="A new paper").exists()
    assert str(hidden_paper.pk) not in {item["id"] for item in picked.json()["results"]}
    assert talk.publications.count() == 0


def test_member_sees_only_public_and_own_talks_of_an_event(client, site):
    client.force_login(site["accounts"]["member"])
    event = site["shared"]["events.event"]
    f.TalkFactory(event=event, title="A hidden talk of Bob", visibility="hidden")

    page = client.get(admin_url(Event, "change", event.pk))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Talk of Alice" in body
    assert "A hidden talk of Bob" not in body


def test_member_cannot_recover_deleted_records_or_read_a_colleagues_history(client, site):
    client.force_login(site["accounts"]["member"])
    bob_talk = site["other"]["events.talk"]

    assert client.get(admin_url(Talk, "recoverlist")).status_code == 403
    assert client.get(admin_url(Talk, "history", bob_talk.pk)).status_code in (302, 403)
    own = client.get(admin_url(Talk, "history", site["own"]["events.talk"].pk))
    assert own.status_code == 200


def test_seed_records_are_not_for_members(client, site):
    client.force_login(site["accounts"]["member"])
    assert client.get(admin_url(SeedRecord, "changelist")).status_code == 403


def test_linking_an_account_makes_a_member_and_unlinking_undoes_it(django_user_model):
    carol = django_user_model.objects.create_user(username="carol")
    researcher = f.ResearcherFactory(is_member=True)

    researcher.user = carol
    researcher.save()
    carol.refresh_from_db()
    assert carol.is_staff
    assert list(carol.groups.values_list("name", flat=True)) == [roles.MEMBERS]

    researcher.user = None
    researcher.save()
    assert not carol.groups.exists()


def test_roles_are_set_again_on_migrate():
    from django.core.management import call_command

    editors = Group.objects.get(name=roles.EDITORS)
    expected = set(editors.permissions.values_list("pk", flat=True))
    editors.permissions.clear()
    Group.objects.filter(name=roles.MEMBERS).delete()

    call_command("migrate", verbosity=0)

    assert set(editors.permissions.values_list("pk", flat=True)) == expected
    members = Group.objects.get(name=roles.MEMBERS)
    assert members.permissions.filter(codename="change_publication").exists()
    assert not members.permissions.filter(codename="delete_publication").exists()
