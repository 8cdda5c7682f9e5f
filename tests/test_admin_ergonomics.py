"""The admin's quick paths: hide or make public from any list, authors numbered by the form,
flags labelled in words, a sensible kind for a new paper."""

import pytest
from django.contrib import admin

from core.admin import has_visibility
from core.models import Visibility
from cv.admin import AwardInline, ResearcherAdmin, ServiceInline
from profiles.admin import EducationInline
from profiles.models import Researcher
from publications.models import Authorship, Publication
from tests import factories as f
from tests.test_admin import admin_url, management_form

pytestmark = pytest.mark.django_db

VISIBLE_MODELS = [model for model in admin.site._registry if has_visibility(model)]


def test_there_are_lists_with_visibility():
    names = {model._meta.label_lower for model in VISIBLE_MODELS}
    assert {"profiles.researcher", "publications.publication", "events.talk"} <= names


@pytest.mark.parametrize("model", VISIBLE_MODELS, ids=lambda m: m._meta.label_lower)
def test_every_list_with_visibility_offers_hide_and_make_public(admin_client, model):
    form = admin_client.get(admin_url(model, "changelist")).context["action_form"]
    choices = dict(form.fields["action"].choices)
    assert choices["make_public"] == "Make the selected public"
    assert choices["hide"] == "Hide the selected"


def act(client, model, action, rows):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [row.pk for row in rows], "index": "0"},
        follow=True,
    )


def test_hiding_papers_from_the_list_takes_them_off_the_site(admin_client, client):
    papers = [f.PublicationFactory() for _ in range(3)]
    for paper in papers:
        assert client.get(paper.get_absolute_url()).status_code == 200
    response = act(admin_client, Publication, "hide", papers[:2])
    assert "2 publications hidden." in response.content.decode()
    visibility = dict(Publication.objects.values_list("pk", "visibility"))
    assert [visibility[p.pk] for p in papers] == ["hidden", "hidden", "public"]
    # each save retired the cached page: no stale copy is served
    assert client.get(papers[0].get_absolute_url()).status_code == 404
    assert client.get(papers[2].get_absolute_url()).status_code == 200
    response = act(admin_client, Publication, "make_public", papers)
    assert "2 publications made public." in response.content.decode()
    assert client.get(papers[0].get_absolute_url()).status_code == 200


def test_the_action_is_in_the_history(admin_client):
    paper = f.PublicationFactory()
    act(admin_client, Publication, "hide", [paper])
    history = admin_client.get(admin_url(Publication, "history", paper.pk)).content.decode()
    assert "Changed visibility." in history


def test_a_member_hides_their_own_paper_and_not_a_colleagues(client, django_user_model):
    user = django_user_model.objects.create_user(username="alice", password="x")
    alice = f.ResearcherFactory(full_name="Alice", is_member=True, user=user)
    bob = f.ResearcherFactory(full_name="Bob", is_member=True)
    own = f.AuthorshipFactory(researcher=alice).publication
    other = f.AuthorshipFactory(researcher=bob).publication
    client.force_login(user)
    form = client.get(admin_url(Publication, "changelist")).context["action_form"]
    assert "hide" in dict(form.fields["action"].choices)
    act(client, Publication, "hide", [own, other])
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.visibility, other.visibility) == (Visibility.HIDDEN, Visibility.PUBLIC)


def test_staff_without_rights_get_no_visibility_action(client, django_user_model):
    user = django_user_model.objects.create_user(username="staff", password="x", is_staff=True)
    paper = f.PublicationFactory()
    client.force_login(user)
    response = act(client, Publication, "hide", [paper])
    assert response.status_code == 403
    paper.refresh_from_db()
    assert paper.visibility == Visibility.PUBLIC


# Authors ------------------------------------------------------------------------------------


def paper_form(paper, rows, initial=0):
    data = {
        "title": paper.title,
        "kind": paper.kind,
        "status": paper.status,
        "year": str(paper.year),
        "venue": str(paper.venue_id or ""),
        "visibility": "public",
        "links": "{}",
        "extra_fields": "{}",
        "keywords": "",
        **management_form("authorships", total=len(rows), initial=initial),
        **management_form("citation_counts", total=0),
    }
    for n, row in enumerate(rows):
        for name, value in row.items():
            data[f"authorships-{n}-{name}"] = value
        data[f"authorships-{n}-publication"] = str(paper.pk)
    return data


def positions(paper) -> list[tuple[str, int]]:
    return list(
        Authorship.objects.filter(publication=paper)
        .order_by("position")
        .values_list("researcher__full_name", "position")
    )


def post_authors(client, paper, rows, initial=0):
    response = client.post(
        admin_url(Publication, "change", paper.pk), paper_form(paper, rows, initial)
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    return positions(paper)


def test_authors_without_numbers_are_numbered_in_the_order_shown(admin_client):
    paper = f.PublicationFactory()
    people = [f.ResearcherFactory(full_name=name) for name in ("Ann", "Bo", "Cy")]
    rows = [{"researcher": str(p.pk), "position": ""} for p in people]
    assert post_authors(admin_client, paper, rows) == [("Ann", 1), ("Bo", 2), ("Cy", 3)]


def test_typing_a_taken_number_moves_the_author_there(admin_client):
    paper = f.PublicationFactory()
    rows = []
    for n, name in enumerate(("Ann", "Bo", "Cy"), start=1):
        link = f.AuthorshipFactory(
            publication=paper, researcher=f.ResearcherFactory(full_name=name), position=n
        )
        rows.append({"id": str(link.pk), "researcher": str(link.researcher_id), "position": n})
    rows[2]["position"] = "1"  # Cy first
    assert post_authors(admin_client, paper, rows, initial=3) == [
        ("Cy", 1),
        ("Ann", 2),
        ("Bo", 3),
    ]


def test_a_swap_and_a_removal_renumber_without_gaps(admin_client):
    paper = f.PublicationFactory()
    rows = []
    for n, name in enumerate(("Ann", "Bo", "Cy"), start=1):
        link = f.AuthorshipFactory(
            publication=paper, researcher=f.ResearcherFactory(full_name=name), position=n
        )
        rows.append({"id": str(link.pk), "researcher": str(link.researcher_id), "position": n})
    rows[0]["DELETE"] = "on"
    rows[1]["position"], rows[2]["position"] = "3", "2"
    assert post_authors(admin_client, paper, rows, initial=3) == [("Cy", 1), ("Bo", 2)]


def test_the_position_field_says_it_may_be_left_blank(admin_client):
    html = admin_client.get(admin_url(Publication, "add")).content.decode()
    assert "Blank: after the others." in html


# Labels and defaults --------------------------------------------------------------------------


def test_the_author_flags_are_labelled_in_words(admin_client):
    paper = f.AuthorshipFactory().publication
    html = admin_client.get(admin_url(Publication, "change", paper.pk)).content.decode()
    assert "Equal contribution (#)" in html
    assert "Corresponding author (*)" in html
    listing = admin_client.get(admin_url(Authorship, "changelist")).content.decode()
    assert "Equal contribution (#)" in listing


def test_a_new_paper_starts_as_a_published_journal_article(admin_client):
    response = admin_client.get(admin_url(Publication, "add"))
    form = response.context["adminform"].form
    assert form.initial["kind"] == Publication.Kind.JOURNAL_ARTICLE
    assert form["status"].value() == Publication.Status.PUBLISHED


# The researcher's form in parts ----------------------------------------------------------------


def researcher_with_entries():
    researcher = f.ResearcherFactory(full_name="Ann Lee", is_member=True)
    f.PositionFactory(researcher=researcher)
    f.EducationFactory(researcher=researcher)
    f.AwardFactory(researcher=researcher)
    return researcher


def inline_prefixes(response) -> set[str]:
    return {inline.formset.prefix for inline in response.context["inline_admin_formsets"]}


def test_the_researcher_form_comes_in_parts(admin_client):
    researcher = researcher_with_entries()
    url = admin_url(Researcher, "change", researcher.pk)
    person = admin_client.get(url)
    assert "full_name" in person.context["adminform"].form.fields
    assert inline_prefixes(person) == set()
    html = person.content.decode()
    assert 'aria-current="page">Person</a>' in html
    for part in ("career", "education", "research", "honours", "page"):
        assert f'href="?part={part}"' in html
    career = admin_client.get(url, {"part": "career"})
    assert not career.context["adminform"].form.fields
    assert inline_prefixes(career) == {"memberships", "positions", "services"}
    assert inline_prefixes(admin_client.get(url, {"part": "honours"})) == {"awards"}
    # every inline is in exactly one part
    every = set()
    for part in ("career", "education", "research", "honours", "page"):
        found = inline_prefixes(admin_client.get(url, {"part": part}))
        assert not every & found
        every |= found
    assert len(every) == len(ResearcherAdmin.inlines)


def test_saving_a_part_leaves_the_rest_alone(admin_client):
    researcher = researcher_with_entries()
    url = admin_url(Researcher, "change", researcher.pk)
    page = admin_client.get(url, {"part": "honours"})
    assert inline_prefixes(page) == {"awards"}
    award = researcher.awards.get()
    data = {
        **management_form("awards", total=1, initial=1),
        "awards-0-id": str(award.pk),
        "awards-0-researcher": str(researcher.pk),
        "awards-0-order": "1",
        "awards-0-kind": award.kind,
        "awards-0-title": "Renamed prize",
        "awards-0-issuer": str(award.issuer_id),
        "awards-0-date": "2023-01-01",
        "awards-0-date_precision": award.date_precision,
        "awards-0-visibility": "public",
        "_continue": "1",
    }
    response = admin_client.post(f"{url}?part=honours", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert response["Location"].endswith("part=honours")
    award.refresh_from_db()
    researcher.refresh_from_db()
    assert award.title == "Renamed prize"
    assert researcher.full_name == "Ann Lee"  # not in the part, not touched
    assert researcher.positions.count() == 1 and researcher.education.count() == 1


def test_the_add_page_and_an_unknown_part_show_the_person(admin_client):
    add = admin_client.get(admin_url(Researcher, "add"))
    assert "full_name" in add.context["adminform"].form.fields
    researcher = researcher_with_entries()
    other = admin_client.get(admin_url(Researcher, "change", researcher.pk), {"part": "x"})
    assert other.status_code == 200
    assert inline_prefixes(other) == set()


@pytest.mark.parametrize("inline", [AwardInline, ServiceInline, EducationInline])
def test_long_entries_are_one_line_each_with_a_link_to_their_page(inline):
    assert issubclass(inline, admin.TabularInline)
    assert inline.show_change_link


THROUGH_TABLES = ["authorship", "citationcount", "talkspeaker", "talkhost", "participation"]
THROUGH_TABLES += ["projectmember"]


def test_through_tables_are_out_of_the_index_but_still_open(admin_client):
    f.AuthorshipFactory()
    index = admin_client.get("/admin/")
    listed = {
        model["object_name"].lower() for app in index.context["app_list"] for model in app["models"]
    }
    assert {"publication", "talk", "project", "researcher"} <= listed
    assert not listed & set(THROUGH_TABLES)
    assert admin_client.get(admin_url(Authorship, "changelist")).status_code == 200
    authorship = Authorship.objects.get()
    assert admin_client.get(admin_url(Authorship, "change", authorship.pk)).status_code == 200
