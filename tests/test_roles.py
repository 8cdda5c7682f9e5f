"""Who may do what in the admin: every registered model x role x action, over HTTP.

Two members, Alice and Bob, each own a full set of records; the member role is Alice. "own"
is Alice's row of a model, "other" is Bob's (for shared models, any row).
"""

import copy

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from reversion.models import Version

from core import roles
from core.models import SeedRecord, Visibility
from cv.models import ResearchInterest
from events.models import Event, Talk
from inbox.tasks import harvest_later
from profiles.models import Organization, Position, Project, Researcher, SiteSettings
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
        "cv.researchinterest": ENTRY,
        "cv.award": ENTRY,
        "cv.service": ENTRY,
        "cv.grant": "list add change-own",
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
        "inbox.candidate": "list change-own",
    },
    "editor": {
        **dict.fromkeys(
            [
                "profiles.researcher",
                "profiles.position",
                "profiles.education",
                "cv.researchinterest",
                "cv.award",
                "cv.service",
                "cv.grant",
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
        "inbox.candidate": "list change-all",
        # One record, added once and never deleted.
        "profiles.sitesettings": "list change-all",
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
    # The job queue's records (procrastinate's own admin): looked at, retried, cancelled.
    "procrastinate.procrastinatejob": "list view-all",
}


def records_of(researcher, venue, organization, event):
    """One row of every model a researcher can own, keyed by model label."""
    publication = f.PublicationFactory(venue=venue, title=f"Paper of {researcher.full_name}")
    authorship = f.AuthorshipFactory(publication=publication, researcher=researcher, position=1)
    f.AuthorshipFactory(publication=publication, position=2)
    talk = f.TalkFactory(event=event, title=f"Talk of {researcher.full_name}")
    project = f.ProjectFactory()
    grant = f.GrantFactory(title=f"Grant of {researcher.full_name}")
    return {
        "profiles.researcher": researcher,
        "profiles.position": f.PositionFactory(researcher=researcher, organization=organization),
        "profiles.education": f.EducationFactory(researcher=researcher, institution=organization),
        "cv.researchinterest": f.ResearchInterestFactory(researcher=researcher),
        "cv.award": f.AwardFactory(researcher=researcher, issuer=organization),
        "cv.service": f.ServiceFactory(researcher=researcher, venue=venue),
        "profiles.teaching": f.TeachingFactory(researcher=researcher, organization=organization),
        "profiles.profilesection": f.ProfileSectionFactory(researcher=researcher),
        "profiles.metricssnapshot": f.MetricsSnapshotFactory(researcher=researcher),
        "profiles.project": project,
        "profiles.projectmember": f.ProjectMemberFactory(researcher=researcher, project=project),
        "profiles.membership": f.MembershipFactory(researcher=researcher),
        "cv.grant": grant,
        "cv.grantinvestigator": f.GrantInvestigatorFactory(grant=grant, researcher=researcher),
        "publications.publication": publication,
        "publications.authorship": authorship,
        "publications.citationcount": f.CitationCountFactory(publication=publication),
        "events.talk": talk,
        "events.talkspeaker": f.TalkSpeakerFactory(talk=talk, researcher=researcher),
        "events.talkhost": f.TalkHostFactory(talk=talk),
        "events.participation": f.ParticipationFactory(researcher=researcher, event=event),
        "inbox.candidate": f.CandidateFactory(researcher=researcher),
    }


def build_site():
    django_user_model = get_user_model()
    venue = f.VenueFactory()
    organization = f.OrganizationFactory()
    event = f.EventFactory()
    shared = {
        "publications.venue": venue,
        "profiles.organization": organization,
        "events.event": event,
        "profiles.sitesettings": SiteSettings.objects.create(name="Lab"),
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
    harvest_later(owned["alice"]["profiles.researcher"])  # a job in the queue's admin
    return {"accounts": accounts, "own": owned["alice"], "other": owned["bob"], "shared": shared}


@pytest.fixture(scope="module")
def shared_site(module_rows):
    with module_rows():
        return build_site()


@pytest.fixture
def site(shared_site, db):
    return copy.deepcopy(shared_site)


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


# History, revisions and recovery (django-reversion). A version is reachable only through
# the admin of its own model and row, and a scoped account reverts only its own rows.
VERSIONED = [model for model in REGISTERED if model in (Researcher, Publication, Talk)]


def new_version(record, **changes):
    """Save ``record`` with ``changes`` in a revision of its own, as an admin save does."""
    with reversion.create_revision():
        for name, value in changes.items():
            setattr(record, name, value)
        record.save()
    return Version.objects.get_for_object(record).first()


def history_flags(model):
    """What EXPECTED implies for the history page: every row's, one's own or none."""
    flags = {
        role: set(EXPECTED[role].get(model._meta.label_lower, "").split()) for role in EXPECTED
    }
    return {
        role: {"history-all"}
        if flags[role] & {"change-all", "view-all"}
        else {"history-own"}
        if "change-own" in flags[role]
        else set()
        for role in flags
    }


def opens(client, url):
    response = client.get(url)
    assert response.status_code in (200, 302, 403, 404), url
    return response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label_lower)
def test_history_matrix(client, site, model):
    own, other = row(site, model, "own"), row(site, model, "other")
    granted = {}
    for role in EXPECTED:
        client.force_login(site["accounts"][role])
        if opens(client, admin_url(model, "history", other.pk)):
            granted[role] = {"history-all"}
        else:
            granted[role] = (
                {"history-own"} if opens(client, admin_url(model, "history", own.pk)) else set()
            )
    assert granted == history_flags(model)


FACTORIES = {
    Researcher: f.ResearcherFactory,
    Publication: f.PublicationFactory,
    Talk: f.TalkFactory,
}


@pytest.mark.parametrize("model", VERSIONED, ids=lambda model: model._meta.label_lower)
def test_revision_and_recover_matrix(client, site, model):
    own, other = row(site, model, "own"), row(site, model, "other")
    own_version, other_version = new_version(own), new_version(other)
    deleted = FACTORIES[model]()
    deleted_version = new_version(deleted)
    deleted.delete()
    urls = {
        "revision-own": admin_url(model, "revision", own.pk, own_version.pk),
        "revision-other": admin_url(model, "revision", other.pk, other_version.pk),
        "recover-list": admin_url(model, "recoverlist"),
        "recover": admin_url(model, "recover", deleted_version.pk),
    }
    granted = {}
    for role in ("superuser", "editor", "member", "staff"):
        client.force_login(site["accounts"][role])
        granted[role] = {flag for flag, url in urls.items() if opens(client, url)}
    assert granted == {
        "superuser": set(urls),
        "editor": set(urls),
        "member": {"revision-own"},
        "staff": set(),
    }


def owned_record(model, pk, researcher):
    """A row of ``model`` with primary key ``pk`` that ``researcher`` owns."""
    if model is Researcher:
        return researcher
    if model is Publication:
        paper = f.PublicationFactory(pk=pk, title=f"Paper of {researcher.full_name}")
        f.AuthorshipFactory(publication=paper, researcher=researcher, position=1)
        return paper
    talk = f.TalkFactory(pk=pk, title=f"Talk of {researcher.full_name}")
    f.TalkSpeakerFactory(talk=talk, researcher=researcher)
    return talk


COLLISIONS = [(mine, theirs) for mine in VERSIONED for theirs in VERSIONED if mine is not theirs]


@pytest.mark.parametrize(
    ("mine", "theirs"),
    COLLISIONS,
    ids=[f"{a._meta.model_name}-{b._meta.model_name}" for a, b in COLLISIONS],
)
def test_a_colleagues_version_does_not_open_through_a_row_with_the_same_pk(
    client, django_user_model, mine, theirs
):
    pk = 1_000_000
    accounts = [django_user_model.objects.create_user(username=n) for n in ("carol", "dave")]
    carol, dave = (
        f.ResearcherFactory(
            pk=pk if model is Researcher else None, full_name=name, is_member=True, user=user
        )
        for name, user, model in zip(("Carol", "Dave"), accounts, (mine, theirs), strict=True)
    )
    own, colleagues = owned_record(mine, pk, carol), owned_record(theirs, pk, dave)
    assert own.pk == colleagues.pk == pk
    public_version = new_version(colleagues)
    new_version(colleagues, visibility=Visibility.HIDDEN)

    client.force_login(accounts[0])
    url = admin_url(mine, "revision", pk, public_version.pk)
    seen, restored = client.get(url), client.post(url, {})

    assert (seen.status_code, restored.status_code) == (404, 404)
    colleagues.refresh_from_db()
    assert colleagues.visibility == Visibility.HIDDEN


def test_an_editor_recovers_only_deleted_rows_of_the_admins_own_model(client, site):
    paper = f.PublicationFactory(title="A deleted paper")
    version = new_version(paper)
    paper.delete()
    live_talk_version = new_version(site["own"]["events.talk"])
    client.force_login(site["accounts"]["editor"])

    assert client.get(admin_url(Talk, "recover", version.pk)).status_code == 404
    assert client.get(admin_url(Talk, "recover", live_talk_version.pk)).status_code == 404
    assert client.get(admin_url(Publication, "recover", version.pk)).status_code == 200
    assert not Publication.objects.filter(title="A deleted paper").exists()


def test_a_member_cannot_revert_a_revision_holding_a_row_no_longer_theirs(client, site):
    """Alice's page was saved while she was in Bob's project; she has left it since, so
    reverting that revision would put her back into a project that is not hers."""
    alice = site["own"]["profiles.researcher"]
    project = site["other"]["profiles.project"]
    membership = f.ProjectMemberFactory(project=project, researcher=alice)
    with reversion.create_revision():
        alice.save()
        reversion.add_to_revision(membership)
    version = Version.objects.get_for_object(alice).first()
    membership.delete()

    client.force_login(site["accounts"]["member"])
    url = admin_url(Researcher, "revision", alice.pk, version.pk)
    seen, restored = client.get(url), client.post(url, {})

    assert (seen.status_code, restored.status_code) == (403, 403)
    assert not project.memberships.filter(researcher=alice).exists()


def test_a_member_reverting_their_page_keeps_who_they_are(client, site):
    alice = site["own"]["profiles.researcher"]
    member = site["accounts"]["member"]
    old = new_version(
        alice, headline="Old headline", user=None, is_member=False, sort_order=100, role="external"
    )
    new_version(
        alice, headline="New headline", user=member, is_member=True, sort_order=5, role="faculty"
    )
    client.force_login(member)
    url = admin_url(Researcher, "revision", alice.pk, old.pk)
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "full_name": alice.full_name,
        "given_name": "",
        "family_name": "",
        "name_variants": "",
        "headline_en": "Old headline",
        "slug": alice.slug,
        "visibility": "public",
    }
    for inline in page.context["inline_admin_formsets"]:
        data |= management_form(inline.formset.prefix, total=0)

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    alice.refresh_from_db()
    assert alice.headline == "Old headline"
    assert (alice.user, alice.is_member, alice.sort_order, alice.role) == (
        member,
        True,
        5,
        "faculty",
    )
    assert member.groups.filter(name=roles.MEMBERS).exists()


def view_on_site_url(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def test_view_on_site_answers_404_for_a_record_the_account_may_not_view(client, site):
    hidden = Visibility.HIDDEN
    bob = site["other"]["profiles.researcher"]
    hidden_paper = f.PublicationFactory(title="Bob's hidden paper", visibility=hidden)
    f.AuthorshipFactory(publication=hidden_paper, researcher=bob, position=1)
    hidden_talk = f.TalkFactory(title="Bob's hidden talk", visibility=hidden)
    f.TalkSpeakerFactory(talk=hidden_talk, researcher=bob)
    hidden_researcher = f.ResearcherFactory(is_member=True, visibility=hidden)
    hidden_event = f.EventFactory(visibility=hidden)
    refused = [hidden_paper, hidden_talk, hidden_researcher, hidden_event]
    own_hidden = site["own"]["publications.publication"]
    own_hidden.visibility = hidden
    own_hidden.save()
    public_paper = site["other"]["publications.publication"]

    client.force_login(site["accounts"]["member"])
    answers = {str(obj): client.get(view_on_site_url(obj)).status_code for obj in refused}
    mine = client.get(view_on_site_url(own_hidden))
    public = client.get(view_on_site_url(public_paper))

    assert answers == dict.fromkeys(answers, 404)
    assert mine.status_code == 302 and mine["Location"].endswith(own_hidden.get_absolute_url())
    assert public.status_code == 302
    client.force_login(site["accounts"]["editor"])
    assert client.get(view_on_site_url(hidden_paper)).status_code == 302
    assert (
        client.get(f"/admin/r/{ContentType.objects.get_for_model(Talk).pk}/x/").status_code == 404
    )


def test_a_members_profile_form_with_errors_renders(client, site):
    client.force_login(site["accounts"]["member"])
    alice = site["own"]["profiles.researcher"]

    response = client.post(admin_url(Researcher, "change", alice.pk), {"slug": ""})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors


def project_form(title, researchers):
    data = {
        "title_en": title,
        "kind": Project.Kind.SOFTWARE,
        "language": "",
        "visibility": "public",
        **management_form("memberships", total=len(researchers)),
    }
    for n, researcher in enumerate(researchers):
        data[f"memberships-{n}-order"] = str(n)
        data[f"memberships-{n}-researcher"] = str(researcher.pk)
    return data


def test_a_member_stays_among_a_projects_members(client, site):
    client.force_login(site["accounts"]["member"])
    alice, bob = site["own"]["profiles.researcher"], site["other"]["profiles.researcher"]

    refused = client.post(admin_url(Project, "add"), project_form("Not mine", [bob]))
    accepted = client.post(admin_url(Project, "add"), project_form("Ours", [alice, bob]))

    assert refused.status_code == 200
    assert "Keep yourself among the members" in refused.content.decode()
    assert not Project.objects.filter(title="Not mine").exists()
    assert accepted.status_code == 302
    project = Project.objects.get(title="Ours")
    alice_row = project.memberships.get(researcher=alice)
    leaving = project_form("Ours", []) | management_form("memberships", total=2, initial=2)
    for n, membership in enumerate(project.memberships.order_by("order")):
        leaving[f"memberships-{n}-id"] = str(membership.pk)
        leaving[f"memberships-{n}-project"] = str(project.pk)
        leaving[f"memberships-{n}-order"] = str(membership.order)
        leaving[f"memberships-{n}-researcher"] = str(membership.researcher_id)
        if membership == alice_row:
            leaving[f"memberships-{n}-DELETE"] = "on"

    left = client.post(admin_url(Project, "change", project.pk), leaving)

    assert left.status_code == 200
    assert "Keep yourself among the members" in left.content.decode()
    assert project.memberships.filter(researcher=alice).exists()


def test_a_member_cannot_file_an_interest_under_a_colleagues_interest(client, site):
    client.force_login(site["accounts"]["member"])
    alice = site["own"]["profiles.researcher"]
    colleagues = site["other"]["cv.researchinterest"]
    assert colleagues.visibility == Visibility.PUBLIC

    response = client.post(
        admin_url(ResearchInterest, "add"),
        {
            "researcher": str(alice.pk),
            "parent": str(colleagues.pk),
            "title": "Under Bob's topic",
            "order": "0",
            "visibility": "public",
        },
    )

    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not ResearchInterest.objects.filter(title="Under Bob's topic").exists()


def test_an_interest_and_its_broader_topic_belong_to_one_researcher():
    topic = f.ResearchInterestFactory()
    subtopic = f.ResearchInterestFactory(parent=topic)

    with pytest.raises(ValidationError) as refused:
        subtopic.full_clean()

    assert "parent" in refused.value.message_dict
    subtopic.researcher = topic.researcher
    subtopic.full_clean()


def test_a_member_adds_a_session_under_a_public_conference(client, site):
    client.force_login(site["accounts"]["member"])
    conference = site["shared"]["events.event"]
    hidden = f.EventFactory(visibility=Visibility.HIDDEN)
    university = site["shared"]["profiles.organization"]

    event_form = client.get(admin_url(Event, "add")).context["adminform"].form
    org_form = client.get(admin_url(Organization, "add")).context["adminform"].form

    assert set(event_form.fields["parent"].queryset) == {conference}
    assert hidden not in event_form.fields["parent"].queryset
    assert university in org_form.fields["parent"].queryset


def test_a_revision_that_no_longer_fits_the_schema_is_refused_not_a_500(client, site):
    alice = site["own"]["profiles.researcher"]
    position = site["own"]["profiles.position"]
    with reversion.create_revision():
        alice.save()
        reversion.add_to_revision(position)
    version = Version.objects.get_for_object(alice).first()
    Version.objects.filter(pk=Version.objects.get_for_object(position).first().pk).update(
        serialized_data="not what the serializer wrote"
    )
    position.delete()

    client.force_login(site["accounts"]["member"])
    response = client.get(admin_url(Researcher, "revision", alice.pk, version.pk))

    assert response.status_code == 403
