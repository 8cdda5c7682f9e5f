"""Narrow invalidation: an edit empties the cached pages that show the edited row and no
other, and every page it empties shows the edit at once (scholarfolio/scopes.py)."""

import datetime

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection

from core import changes
from core.models import ContentVersion
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    """Alice and Bob share a paper at a venue and a talk; Carol, elsewhere, has her own."""
    alice = f.ResearcherFactory(full_name="Alice Moon", is_member=True)
    bob = f.ResearcherFactory(full_name="Bob Stone", is_member=True)
    carol = f.ResearcherFactory(full_name="Carol Lake", is_member=True)
    venue = f.VenueFactory(name="Journal of Spectra")
    paper = f.PublicationFactory(title="Spectral bias of deep networks", venue=venue)
    f.AuthorshipFactory(publication=paper, researcher=alice, position=1)
    f.AuthorshipFactory(publication=paper, researcher=bob, position=2)
    other = f.PublicationFactory(title="Condensation of weights")
    f.AuthorshipFactory(publication=other, researcher=carol, position=1)
    talk = f.TalkFactory(title="Frequency principle explained")
    f.TalkSpeakerFactory(talk=talk, researcher=alice, position=1)
    carols_talk = f.TalkFactory(title="Embedding principle")
    f.TalkSpeakerFactory(talk=carols_talk, researcher=carol, position=1)
    position = f.PositionFactory(researcher=alice, title="Assistant professor")
    return locals()


def pages_of(site) -> dict[str, str]:
    alice, bob, carol = site["alice"], site["bob"], site["carol"]
    return {
        "alice": f"/people/{alice.slug}/",
        "alice_cv": f"/people/{alice.slug}/cv/",
        "alice_bib": f"/people/{alice.slug}/publications.bib",
        "bob": f"/people/{bob.slug}/",
        "carol": f"/people/{carol.slug}/",
        "paper": site["paper"].get_absolute_url(),
        "other_paper": site["other"].get_absolute_url(),
        "talk": site["talk"].get_absolute_url(),
        "carols_talk": site["carols_talk"].get_absolute_url(),
        "people": "/people/",
        "papers": "/publications/",
        "talks": "/talks/",
        "home": "/",
        "search": "/search/?q=spectral",
        "api_carol": f"/api/v1/researchers/{carol.slug}/",
        "api_papers": "/api/v1/publications/",
        "api_other_paper": f"/api/v1/publications/{site['other'].slug}/",
    }


LISTS = {"people", "papers", "talks", "home", "search"}
# What a paper's change reaches beyond its own and its authors' pages (the member lists
# show paper counts).
PAPER_LISTS = {"papers", "people", "home", "search", "api_papers"}


def emptied(client, pages: dict[str, str]) -> set[str]:
    """The pages not answered from the cache (a 200 is cached again, a 404 never is)."""
    missed = set()
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        if response.get("X-Cache") != "hit":
            missed.add(name)
    return missed


def warm(client, pages: dict[str, str]):
    emptied(client, pages)
    assert emptied(client, pages) == set()


def rename_paper(site):
    site["paper"].title = "Renamed: the F-principle"
    site["paper"].save()
    return (
        "Renamed: the F-principle",
        {"alice", "bob", "paper", "papers"},
        {"alice", "alice_cv", "alice_bib", "bob", "paper"} | PAPER_LISTS,
    )


def add_coauthor(site):
    f.AuthorshipFactory(publication=site["paper"], researcher=site["carol"], position=3)
    return (
        "Carol Lake",
        {"paper", "alice"},
        {
            "alice",
            "alice_cv",
            "alice_bib",
            "bob",
            "carol",
            "paper",
            "api_carol",
        }
        | PAPER_LISTS,
    )


def edit_position(site):
    site["position"].title = "Associate professor"
    site["position"].save()
    return (
        "Associate professor",
        {"alice", "alice_cv"},
        {"alice", "alice_cv", "alice_bib", "people", "home", "search"},
    )


def edit_headline(site):
    site["bob"].headline = "Now at a new place"
    site["bob"].save()
    return "Now at a new place", {"bob"}, {"bob", "people", "home", "search"}


def rename_researcher(site):
    site["bob"].full_name = "Robert Stone"
    site["bob"].save()
    return (
        "Robert Stone",
        {"alice", "paper", "bob", "people"},
        {"alice", "alice_cv", "alice_bib", "bob", "paper"} | LISTS | {"api_papers"},
    )


def edit_talk(site):
    site["talk"].title = "The F-principle retold"
    site["talk"].save()
    return (
        "The F-principle retold",
        {"talk", "talks", "alice"},
        {
            "alice",
            "alice_cv",
            "alice_bib",
            "talk",
            "talks",
            "home",
            "search",
        },
    )


def rename_venue(site):
    site["venue"].name = "Annals of Spectra"
    site["venue"].save()
    return (
        "Annals of Spectra",
        {"paper", "alice"},
        {"alice", "alice_cv", "alice_bib", "bob", "paper"} | PAPER_LISTS,
    )


def hide_paper(site):
    site["paper"].visibility = "hidden"
    site["paper"].save()
    return (
        None,
        {"alice", "bob", "papers", "home"},
        {"alice", "alice_cv", "alice_bib", "bob", "paper"} | PAPER_LISTS,
    )


EDITS = [
    rename_paper,
    add_coauthor,
    edit_position,
    edit_headline,
    rename_researcher,
    edit_talk,
    rename_venue,
    hide_paper,
]


@pytest.mark.parametrize("edit", EDITS)
def test_an_edit_empties_exactly_the_pages_showing_it(client, site, edit):
    pages = pages_of(site)
    warm(client, pages)
    old_title = site["paper"].title

    shown, shown_on, expected = edit(site)

    assert emptied(client, pages) == expected
    for name in shown_on:
        body = client.get(pages[name]).content.decode()
        if shown is None:
            assert old_title not in body, name
        else:
            assert shown in body, name


def test_a_changed_slug_empties_the_old_address(client, site):
    old = pages_of(site)["paper"]
    warm(client, {"paper": old})

    site["paper"].slug = "spectral-bias-renamed"
    site["paper"].save()

    assert client.get(old).status_code == 404
    assert client.get("/publications/spectral-bias-renamed/").status_code == 200


def test_a_bulk_write_with_no_scopes_empties_every_page(client, site):
    pages = pages_of(site)
    warm(client, pages)

    changes.content_changed()

    assert emptied(client, pages) == set(pages)


def test_a_batch_resolves_its_rows_together(client, site, monkeypatch):
    pages = pages_of(site)
    warm(client, pages)
    calls = []
    for model, (resolver, tracked) in list(changes._resolvers.items()):

        def counted(rows, resolver=resolver, model=model):
            calls.append(model)
            return resolver(rows)

        monkeypatch.setitem(changes._resolvers, model, (counted, tracked))

    with changes.one_content_change():
        for n in range(20):
            paper = f.PublicationFactory(title=f"Paper {n}", venue=None)
            f.AuthorshipFactory(publication=paper, researcher=site["carol"], position=1)

    assert sorted(model.__name__ for model in calls) == ["Authorship", "Publication"]
    assert emptied(client, pages) == {
        "carol",
        "api_carol",
        "papers",
        "people",
        "home",
        "search",
        "api_papers",
    }


def test_midnight_empties_only_what_the_date_changes(client, site):
    today = datetime.date.today()
    site["talk"].date = today - datetime.timedelta(days=1)
    site["talk"].save()
    pages = pages_of(site)
    warm(client, pages)
    ContentVersion.objects.filter(pk=1).update(day=today - datetime.timedelta(days=1))

    assert emptied(client, pages) == {"alice", "alice_cv", "alice_bib", "talk", "talks"} | {
        "home",
        "search",
        "people",
    }
    assert ContentVersion.objects.get(pk=1).day == today
    assert emptied(client, pages) == set()


def test_a_day_with_nothing_due_empties_nothing(client, site):
    pages = pages_of(site)
    warm(client, pages)
    ContentVersion.objects.filter(pk=1).update(
        day=datetime.date.today() - datetime.timedelta(days=1)
    )

    assert emptied(client, pages) == set()


def test_every_content_model_has_a_rule():
    """A model without one empties every page on each change: correct, but not narrow."""
    content = {
        model
        for model in apps.get_models()
        if model._meta.app_label in changes.CONTENT_APPS and not model._meta.auto_created
    }
    assert content - set(changes._resolvers) == set()


def test_pages_are_stored_once_compressed(client, site):
    url = pages_of(site)["alice"]
    client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get(url)

    assert plain["X-Cache"] == "hit" and "Content-Encoding" not in plain
    assert len(caches["pages"]._cache) == 1
    assert "Alice Moon" in plain.content.decode()


def test_the_shared_store_is_a_table_without_redis(
    client, site, settings, django_assert_num_queries
):
    """The default settings' store (config/settings/base.py), which every worker reads."""
    table = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "core_page_cache",
    }
    settings.CACHES = {**settings.CACHES, "pages": table}
    caches._settings = caches.settings = settings.CACHES
    try:
        url = pages_of(site)["alice"]
        assert client.get(url)["X-Cache"] == "miss"
        caches["pages-local"].clear()  # as in another worker
        with django_assert_num_queries(2):  # the versions, then the page
            response = client.get(url)
        assert response["X-Cache"] == "hit" and "Alice Moon" in response.content.decode()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM core_page_cache")
            assert cursor.fetchone()[0] == 1
    finally:
        caches.close_all()
