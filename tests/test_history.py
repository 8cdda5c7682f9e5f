"""Admin edits of researchers, papers and talks are versioned: who, when, and a restore."""

import pytest
from django.urls import reverse
from reversion.models import Version

from events.models import Talk
from profiles.models import Researcher
from publications.models import Publication
from tests import factories as f
from tests.test_admin import admin_url, management_form

pytestmark = pytest.mark.django_db


def paper_form(publication, title, authors):
    data = {
        "title": title,
        "kind": publication.kind,
        "status": publication.status,
        "year": str(publication.year),
        "venue": str(publication.venue_id),
        "visibility": "public",
        **management_form("authorships", total=len(authors), initial=0),
        **management_form("citation_counts", total=0),
        "_save": "Save",
    }
    for n, researcher in enumerate(authors):
        data[f"authorships-{n}-position"] = str(n + 1)
        data[f"authorships-{n}-researcher"] = str(researcher.pk)
    return data


def test_a_paper_is_versioned_with_its_authors_and_restored(admin_client, admin_user):
    publication = f.PublicationFactory(title="First title")
    ann, bob, cy = f.ResearcherFactory.create_batch(3)
    url = admin_url(Publication, "change", publication.pk)
    assert (
        admin_client.post(url, paper_form(publication, "First title", [ann, bob])).status_code
        == 302
    )
    # The second edit replaces the authors: drop the rows the first one made, add one.
    second = paper_form(publication, "Second title", [cy])
    second |= management_form("authorships", total=2, initial=2)
    for n, authorship in enumerate(publication.authorships.order_by("position")):
        second[f"authorships-{n}-id"] = str(authorship.pk)
        second[f"authorships-{n}-publication"] = str(publication.pk)
        second[f"authorships-{n}-position"] = str(authorship.position)
        second[f"authorships-{n}-researcher"] = str(authorship.researcher_id)
        second[f"authorships-{n}-DELETE"] = "on"
    second |= management_form("authorships", total=3, initial=2)
    second["authorships-2-position"] = "1"
    second["authorships-2-researcher"] = str(cy.pk)
    response = admin_client.post(url, second)
    assert response.status_code == 302, response.context["errors"]
    publication.refresh_from_db()
    assert publication.title == "Second title"
    assert list(publication.authorships.values_list("researcher", flat=True)) == [cy.pk]

    versions = Version.objects.get_for_object(publication)
    assert versions.count() == 2
    assert {v.revision.user for v in versions} == {admin_user}
    history = admin_client.get(admin_url(Publication, "history", publication.pk))
    assert history.status_code == 200
    assert admin_user.username in history.content.decode()

    first = versions.last()
    revision_url = reverse(
        "admin:publications_publication_revision", args=[publication.pk, first.pk]
    )
    preview = admin_client.get(revision_url)
    assert preview.status_code == 200
    assert "First title" in preview.content.decode()
    publication.refresh_from_db()
    assert publication.title == "Second title"  # looking at a version changes nothing

    # Saving the old version brings back rows the second edit deleted, under their old ids:
    # only the revision view can accept those, since it reverts before it validates.
    restore = paper_form(publication, "First title", [ann, bob])
    restore |= management_form("authorships", total=2, initial=2)
    for n, authorship in enumerate(
        first.revision.version_set.filter(content_type__model="authorship").order_by("object_id")
    ):
        fields = authorship.field_dict
        restore[f"authorships-{n}-id"] = str(fields["id"])
        restore[f"authorships-{n}-publication"] = str(publication.pk)
        restore[f"authorships-{n}-position"] = str(fields["position"])
        restore[f"authorships-{n}-researcher"] = str(fields["researcher_id"])
    response = admin_client.post(revision_url, restore)
    assert response.status_code == 302, response.context["errors"]
    publication.refresh_from_db()
    assert publication.title == "First title"
    assert list(
        publication.authorships.order_by("position").values_list("researcher", flat=True)
    ) == [ann.pk, bob.pk]


@pytest.mark.parametrize("model", [Researcher, Publication, Talk])
def test_history_pages_open(admin_client, model):
    factory = {
        Researcher: f.ResearcherFactory,
        Publication: f.PublicationFactory,
        Talk: f.TalkFactory,
    }
    record = factory[model]()
    assert admin_client.get(admin_url(model, "history", record.pk)).status_code == 200
    assert admin_client.get(admin_url(model, "recoverlist")).status_code == 200
