"""Filters one by one and combined, ordering, search, and every bad parameter."""

import copy

import pytest

from core.models import Visibility
from publications.models import Publication
from tests.factories import (
    AuthorshipFactory,
    EventFactory,
    PublicationFactory,
    ResearcherFactory,
    TalkFactory,
    TalkSpeakerFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def make_papers():
    ann = ResearcherFactory(is_member=True, slug="ann", orcid="0000-0002-1825-0097")
    bob = ResearcherFactory(slug="bob")
    jmlr = VenueFactory(slug="jmlr", name="Journal of Machine Learning Research", kind="journal")
    rows = {
        "old": PublicationFactory(
            title="Old journal paper", year=2019, kind="article", venue=jmlr, doi="10.1234/old"
        ),
        "mid": PublicationFactory(
            title="Loss spikes in Adam",
            year=2022,
            kind="preprint",
            status="preprint",
            arxiv_id="2201.00001",
            featured=True,
        ),
        "new": PublicationFactory(
            title="New conference paper", year=2025, kind="conference", citation_count=7
        ),
    }
    for key, paper in rows.items():
        AuthorshipFactory(publication=paper, researcher=ann, position=1)
        if key != "new":
            AuthorshipFactory(publication=paper, researcher=bob, position=2)
    return rows


@pytest.fixture(scope="class")
def shared_papers(class_rows):
    with class_rows():
        return make_papers()


@pytest.fixture
def papers(shared_papers, db):
    return copy.deepcopy(shared_papers)


def slugs(get, query):
    response = get(f"/api/v1/publications/?{query}")
    assert response.status_code == 200, response.json()
    return [p["slug"] for p in response.json()["results"]]


# The tests reading papers: its rows made once for them (class_rows).
class TestPublicationsFiltered:
    @pytest.mark.parametrize(
        "query, expected",
        [
            ("year=2022", ["mid"]),
            ("year_min=2022", ["new", "mid"]),
            ("year_max=2022", ["mid", "old"]),
            ("year_min=2020&year_max=2023", ["mid"]),
            ("kind=article", ["old"]),
            ("status=preprint", ["mid"]),
            ("author=bob", ["mid", "old"]),
            ("author=0000-0002-1825-0097", ["new", "mid", "old"]),
            ("author=https://orcid.org/0000-0002-1825-0097", ["new", "mid", "old"]),
            ("venue=jmlr", ["old"]),
            ("has_doi=true", ["old"]),
            ("has_doi=false", ["new", "mid"]),
            ("has_arxiv=1", ["mid"]),
            ("featured=true", ["mid"]),
            ("q=spikes", ["mid"]),
            ("author=bob&year_min=2020", ["mid"]),
            ("author=bob&kind=conference", []),
            ("year_min=2025&year_max=2020", []),  # an empty range, as year=2022&year_min=2025
            ("ordering=year", ["old", "mid", "new"]),
            ("ordering=-citations", ["new", "old", "mid"]),  # a tie goes to the older row
            ("ordering=title", ["mid", "new", "old"]),
        ],
    )
    def test_publication_filters(self, papers, get, query, expected):
        by_slug = {paper.slug: key for key, paper in papers.items()}
        assert [by_slug[s] for s in slugs(get, query)] == expected

    def test_pagination_bounds_and_links(self, papers, get):
        body = get("/api/v1/publications/?page_size=2").json()
        assert (body["count"], body["pages"], len(body["results"])) == (3, 2, 2)
        assert body["next"] == "http://testserver/api/v1/publications/?page=2&page_size=2"
        last = get("/api/v1/publications/?page_size=2&page=2")
        assert len(last.json()["results"]) == 1
        assert last["X-Total-Count"] == "3"
        assert last["Link"] == '<http://testserver/api/v1/publications/?page_size=2>; rel="prev"'

    @pytest.mark.parametrize(
        "query, status, names",
        [
            ("colour=blue", 400, ["colour"]),
            ("year=2020&year=2021", 400, ["year"]),
            ("kind=", 400, ["kind"]),
            ("year=20x5", 400, ["year"]),
            ("year=3000", 400, ["year"]),
            ("kind=poem", 400, ["kind"]),
            ("status=lost", 400, ["status"]),
            ("author=nobody", 404, []),
            ("author=0000-0002-1825-0098", 404, []),
            ("venue=nowhere", 404, []),
            ("venue=nowhere&year=20x5", 400, ["venue", "year"]),
            ("has_doi=maybe", 400, ["has_doi"]),
            ("featured=yes", 400, ["featured"]),
            ("ordering=abstract", 400, ["ordering"]),
            ("ordering=year,", 400, ["ordering"]),
            ("q=" + "x" * 201, 400, ["q"]),
            ("page=0", 400, ["page"]),
            ("page=two", 400, ["page"]),
            ("page_size=0", 400, ["page_size"]),
            ("page_size=101", 400, ["page_size"]),
            ("format=xml", 400, ["format"]),
            ("page=5", 404, []),
        ],
    )
    def test_bad_parameters_are_named(self, papers, get, query, status, names):
        response = get(f"/api/v1/publications/?{query}")
        assert response.status_code == status
        body = response.json()
        assert body["status"] == status and body["detail"]
        assert sorted(body.get("errors", {})) == names

    def test_unknown_parameter_on_a_detail(self, papers, get):
        response = get(f"/api/v1/publications/{papers['old'].slug}/?year=2019")
        assert response.status_code == 400
        assert "year" in response.json()["errors"]

    def test_an_author_must_be_public(self, papers, get):
        ResearcherFactory(slug="ghost", visibility=Visibility.HIDDEN)
        assert get("/api/v1/publications/?author=ghost").status_code == 404

    def test_a_filter_naming_nothing_is_a_404_that_says_so(self, papers, get):
        response = get("/api/v1/publications/?venue=nowhere")
        assert response.json() == {
            "status": 404,
            "detail": "No venue on this site has the id “nowhere”.",
        }

    def test_errors_are_json_whatever_format_was_asked(self, papers, get):
        response = get("/api/v1/publications/no-such-paper/", accept="application/x-bibtex")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "No Publication" in response.json()["detail"]

    def test_unacceptable_accept_header(self, papers, get):
        response = get("/api/v1/publications/", accept="application/xml")
        assert response.status_code == 406
        assert "application/x-bibtex" in response.json()["detail"]

    def test_writes_are_refused(self, papers, client):
        response = client.post("/api/v1/publications/", {"title": "x"})
        assert response.status_code == 405
        assert response.json()["status"] == 405
        assert Publication.objects.count() == 3


def test_researcher_filters(get):
    ResearcherFactory(is_member=True, slug="pat", role="postdoc", family_name="Zed")
    ResearcherFactory(is_member=True, slug="sam", role="phd", family_name="Abe")
    ResearcherFactory(slug="co-author")  # no profile: not a resource of its own
    names = lambda q: [r["slug"] for r in get(f"/api/v1/researchers/?{q}").json()["results"]]  # noqa: E731
    assert sorted(names("")) == ["pat", "sam"]
    assert names("role=phd") == ["sam"]
    assert names("ordering=family_name") == ["sam", "pat"]
    assert names("q=Zed") == ["pat"]
    assert get("/api/v1/researchers/?role=dean").status_code == 400


def test_talk_filters(get):
    ann = ResearcherFactory(is_member=True, slug="ann")
    series = EventFactory(slug="series", kind="seminar_series")
    session = EventFactory(slug="session", parent=series)
    old = TalkFactory(title="Old seminar", date="2020-05-01", kind="seminar", event=session)
    TalkSpeakerFactory(talk=old, researcher=ann)
    TalkFactory(title="Future poster", date="2999-01-01", kind="poster")
    titles = lambda q: [t["title"] for t in get(f"/api/v1/talks/?{q}").json()["results"]]  # noqa: E731
    assert titles("") == ["Future poster", "Old seminar"]
    assert titles("upcoming=true") == ["Future poster"]
    assert titles("upcoming=false") == ["Old seminar"]
    assert titles("event=series") == ["Old seminar"]
    assert titles("speaker=ann") == ["Old seminar"]
    assert titles("year=2020") == ["Old seminar"]
    assert titles("kind=poster") == ["Future poster"]
    assert titles("ordering=date") == ["Old seminar", "Future poster"]
    assert titles("q=seminar") == ["Old seminar"]
    assert get("/api/v1/talks/?event=nowhere").status_code == 404
    assert get("/api/v1/talks/?upcoming=soon").status_code == 400


def test_a_search_ranks_and_counts_only_the_most_recent_matches(client, monkeypatch):
    """As the site's search (core.search.MAX_RANKED): a word most papers share costs the
    same however many papers there are."""
    monkeypatch.setattr("core.filters.MAX_RANKED", 2)
    for year in (2016, 2017, 2018):
        PublicationFactory(title=f"Gradient flows {year}", year=year)

    body = client.get("/api/v1/publications/?q=gradient").json()

    assert body["count"] == 2
    assert sorted(paper["year"] for paper in body["results"]) == [2017, 2018]
