"""Hidden and draft records never leave the site through the API, in any format."""

import pytest

from core.models import Visibility
from tests.conftest import kept_rows
from tests.factories import (
    AuthorshipFactory,
    AwardFactory,
    EducationFactory,
    EventFactory,
    ProfileSectionFactory,
    ProjectFactory,
    ProjectMemberFactory,
    PublicationFactory,
    ResearcherFactory,
    ResearchInterestFactory,
    ServiceFactory,
    TalkFactory,
    TalkSpeakerFactory,
)

pytestmark = pytest.mark.django_db
SECRET = "Zyzzyva"  # in the title or name of every hidden record

FORMATS = {
    "/api/v1/publications/": [
        "application/json",
        "application/x-bibtex",
        "application/vnd.citationstyles.csl+json",
    ],
    "/api/v1/researchers/ann/publications/": [
        "application/json",
        "application/x-bibtex",
        "application/vnd.citationstyles.csl+json",
    ],
    "/api/v1/talks/": ["application/json", "text/calendar"],
    "/api/v1/researchers/ann/talks/": ["application/json", "text/calendar"],
    "/api/v1/researchers/": ["application/json"],
    "/api/v1/researchers/ann/": ["application/json"],
    "/api/v1/events/": ["application/json"],
    f"/api/v1/publications/?q={SECRET}": ["application/json"],
    f"/api/v1/talks/?q={SECRET}": ["application/json"],
    f"/api/v1/researchers/?q={SECRET}": ["application/json"],
}


# The tests of TestHiddenSite read one site, made once for each visibility (kept_rows).
@pytest.fixture(scope="class", params=[Visibility.HIDDEN, Visibility.DRAFT])
def site(request, django_db_setup, django_db_blocker):
    with kept_rows(django_db_blocker) as writing:
        with writing():
            make_site(request.param)
        yield request.param


def make_site(hidden):
    ann = ResearcherFactory(is_member=True, slug="ann")
    ResearcherFactory(is_member=True, slug="ghost", full_name=f"{SECRET} Person", visibility=hidden)
    shown = PublicationFactory(title="Shown paper", slug="shown")
    AuthorshipFactory(publication=shown, researcher=ann, position=1)
    # A public paper's byline is public: a hidden co-author keeps their name on it, but
    # nothing of their record (slug, ORCID iD, links) shows.
    shy = ResearcherFactory(
        full_name="Quiet Coauthor", slug="shy", orcid="0000-0002-1825-0097", visibility=hidden
    )
    AuthorshipFactory(publication=shown, researcher=shy, position=2)
    paper = PublicationFactory(title=f"{SECRET} paper", slug="secret-paper", visibility=hidden)
    AuthorshipFactory(publication=paper, researcher=ann, position=1)
    talk = TalkFactory(title=f"{SECRET} talk", slug="secret-talk", visibility=hidden)
    TalkSpeakerFactory(talk=talk, researcher=ann)
    event = EventFactory(name=f"{SECRET} workshop", slug="secret-event", visibility=hidden)
    in_hidden_event = TalkFactory(title=f"{SECRET} session talk", slug="session-talk", event=event)
    TalkSpeakerFactory(talk=in_hidden_event, researcher=ann)
    # Public events and a public talk two levels below the hidden event.
    session = EventFactory(name=f"{SECRET} session", slug="secret-session", parent=event)
    workshop = EventFactory(name=f"{SECRET} day", slug="secret-workshop", parent=session)
    deep_talk = TalkFactory(title=f"{SECRET} workshop talk", slug="workshop-talk", event=workshop)
    TalkSpeakerFactory(talk=deep_talk, researcher=ann)
    interest = ResearchInterestFactory(researcher=ann, title="Theory")
    interest.publications.add(paper, shown)
    topic = ResearchInterestFactory(researcher=ann, title=f"{SECRET} topic", visibility=hidden)
    subtopic = ResearchInterestFactory(researcher=ann, title=f"{SECRET} sub", parent=topic)
    ResearchInterestFactory(researcher=ann, title=f"{SECRET} subsub", parent=subtopic)
    AwardFactory(researcher=ann, title="Prize", publication=paper, talk=talk, event=event)
    AwardFactory(researcher=ann, title="Day prize", talk=deep_talk, event=workshop)
    ServiceFactory(researcher=ann, venue=None, event=workshop)
    ProfileSectionFactory(researcher=ann, title=f"{SECRET} section", visibility=hidden)
    project = ProjectFactory(title=f"{SECRET} project", visibility=hidden)
    ProjectMemberFactory(project=project, researcher=ann)


def test_a_hidden_advisor_is_left_out_of_the_list(get):
    ann = ResearcherFactory(is_member=True, slug="ann")
    education = EducationFactory(researcher=ann)
    education.advisors.add(
        ResearcherFactory(full_name="Open Advisor"),
        ResearcherFactory(full_name=f"{SECRET} Advisor", visibility=Visibility.HIDDEN),
    )
    advisors = get("/api/v1/researchers/ann/").json()["education"][0]["advisors"]
    assert [a["name"] for a in advisors] == ["Open Advisor"]


class TestHiddenSite:
    @pytest.mark.parametrize("path", FORMATS)
    def test_no_hidden_record_in_any_list_or_format(self, site, get, path):
        for accept in FORMATS[path]:
            response = get(path, accept=accept)
            assert response.status_code == 200, (path, accept)
            assert SECRET not in response.content.decode(), (path, accept)

    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/publications/secret-paper/",
            "/api/v1/talks/secret-talk/",
            "/api/v1/talks/session-talk/",
            "/api/v1/talks/workshop-talk/",
            "/api/v1/events/secret-event/",
            "/api/v1/events/secret-session/",
            "/api/v1/events/secret-workshop/",
            "/api/v1/researchers/ghost/",
            "/api/v1/researchers/ghost/publications/",
            "/api/v1/researchers/shy/",
        ],
    )
    def test_hidden_details_are_not_found(self, site, get, path):
        assert get(path).status_code == 404

    def test_counts_and_metrics_leave_hidden_records_out(self, site, get):
        assert get("/api/v1/publications/").json()["count"] == 1
        assert get("/api/v1/talks/").json()["count"] == 0
        ann = get("/api/v1/researchers/ann/").json()
        assert ann["metrics"]["papers"] == 1
        assert ann["metrics"]["coauthors"] == 0
        assert [p["slug"] for p in ann["interests"][0]["publications"]] == ["shown"]
        assert [i["title"] for i in ann["interests"]] == ["Theory"]
        for award in ann["awards"]:
            assert (award["publication"], award["talk"], award["event"]) == (None, None, None)
        assert ann["service"][0]["event"] is None
        assert ann["projects"] == [] and ann["sections"] == []

    def test_a_hidden_coauthor_is_a_name_without_a_record(self, site, get):
        response = get("/api/v1/publications/shown/")
        authors = response.json()["authors"]
        assert authors[1]["name"] == "Quiet Coauthor"
        assert authors[1]["researcher"] is None
        assert "0000-0002-1825-0097" not in response.content.decode()
