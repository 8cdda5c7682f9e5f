"""The works inbox in the admin: who sees and decides which candidates, and the actions."""

import pytest
from django.contrib.auth.models import Group
from procrastinate import testing
from procrastinate.contrib.django import app

from core import roles
from inbox.models import Candidate
from profiles.models import Researcher
from publications.models import Publication
from tests import factories as f
from tests.test_admin import admin_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_user_model):
    accounts, researchers = {}, {}
    for name in ("alice", "bob"):
        accounts[name] = django_user_model.objects.create_user(username=name, password="x")
        researchers[name] = f.ResearcherFactory(
            full_name=f"{name.title()} Smith",
            given_name=name.title(),
            family_name="Smith",
            is_member=True,
            user=accounts[name],
        )
    accounts["editor"] = django_user_model.objects.create_user(
        username="editor", password="x", is_staff=True
    )
    accounts["editor"].groups.add(Group.objects.get(name=roles.EDITORS))
    candidates = {name: f.CandidateFactory(researcher=researchers[name]) for name in researchers}
    return {"accounts": accounts, "researchers": researchers, "candidates": candidates}


def act(client, action, *candidates):
    return client.post(
        admin_url(Candidate, "changelist"),
        {"action": action, "_selected_action": [str(c.pk) for c in candidates]},
        follow=True,
    )


def test_a_member_lists_only_their_own_candidates(client, people):
    client.force_login(people["accounts"]["alice"])

    response = client.get(admin_url(Candidate, "changelist"))

    assert list(response.context["cl"].queryset) == [people["candidates"]["alice"]]
    bobs = people["candidates"]["bob"]
    assert client.get(admin_url(Candidate, "change", bobs.pk)).status_code in (302, 403)


def test_a_member_accepts_their_own_candidate_as_their_paper(client, people):
    client.force_login(people["accounts"]["alice"])
    candidate = people["candidates"]["alice"]

    response = act(client, "accept", candidate)

    assert "Accepted 1" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.ACCEPTED
    assert candidate.decided_by == people["accounts"]["alice"]
    paper = candidate.publication
    assert list(paper.authors.all()) == [people["researchers"]["alice"]]
    # Hers now: the member may edit the paper she accepted.
    assert client.get(admin_url(Publication, "change", paper.pk)).status_code == 200


def test_a_member_cannot_decide_a_colleagues_candidate_by_posting(client, people):
    client.force_login(people["accounts"]["alice"])
    bobs = people["candidates"]["bob"]

    act(client, "accept", bobs)
    act(client, "reject", bobs)

    bobs.refresh_from_db()
    assert bobs.status == Candidate.Status.NEW
    assert not Publication.objects.exists()


def test_an_editor_sees_and_rejects_anyones_candidates(client, people):
    client.force_login(people["accounts"]["editor"])
    alices, bobs = people["candidates"]["alice"], people["candidates"]["bob"]

    listing = client.get(admin_url(Candidate, "changelist"))
    response = act(client, "reject", alices, bobs)

    assert set(listing.context["cl"].queryset) == {alices, bobs}
    assert "Rejected 2 for good." in response.content.decode()
    assert set(Candidate.objects.values_list("status", flat=True)) == {"rejected"}


def test_a_decided_candidate_is_reported_not_decided_again(client, people):
    client.force_login(people["accounts"]["editor"])
    candidate = people["candidates"]["alice"]
    act(client, "reject", candidate)

    response = act(client, "accept", candidate)

    assert "Decided before, left as they are" in response.content.decode()
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    "query", [{"status__exact": "new"}, {"source__exact": "openalex"}, {"q": "Harvested"}]
)
def test_the_changelist_filters(admin_client, people, query):
    response = admin_client.get(admin_url(Candidate, "changelist"), query)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


def test_the_changelist_filters_by_researcher(admin_client, people):
    alice = people["researchers"]["alice"]
    response = admin_client.get(
        admin_url(Candidate, "changelist"), {"researcher__id__exact": alice.pk}
    )
    assert list(response.context["cl"].queryset) == [people["candidates"]["alice"]]


def test_a_candidate_page_shows_the_record_and_no_save_button(admin_client, people):
    candidate = people["candidates"]["alice"]
    candidate.record = {"id": "https://openalex.org/W4411002002", "title": "<b>bold</b>"}
    candidate.save()

    page = admin_client.get(admin_url(Candidate, "change", candidate.pk)).content.decode()

    assert "https://openalex.org/W4411002002" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert 'name="_save"' not in page


def test_nobody_adds_or_deletes_candidates_by_hand(admin_client, people):
    candidate = people["candidates"]["alice"]
    assert admin_client.get(admin_url(Candidate, "add")).status_code == 403
    assert admin_client.get(admin_url(Candidate, "delete", candidate.pk)).status_code == 403


def test_the_researcher_action_queues_a_harvest(client, people):
    client.force_login(people["accounts"]["alice"])
    alice, bob = people["researchers"]["alice"], people["researchers"]["bob"]
    connector = testing.InMemoryConnector()

    with app.replace_connector(connector):
        response = client.post(
            admin_url(Researcher, "changelist"),
            {"action": "harvest_works", "_selected_action": [str(alice.pk), str(bob.pk)]},
            follow=True,
        )

    assert "Queued: Alice Smith." in response.content.decode()
    # Bob is not hers to harvest: the member's list holds only her own researcher.
    assert [job["args"]["researcher"] for job in connector.jobs.values()] == [alice.pk]


def test_the_researchers_admin_keeps_its_own_actions(admin_client, people):
    response = admin_client.get(admin_url(Researcher, "changelist"))
    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert {"sync_citations", "merge_researchers", "harvest_works"} <= set(actions)
