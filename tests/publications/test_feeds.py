import xml.etree.ElementTree as ET

import pytest

from tests.factories import AuthorshipFactory, PublicationFactory, ResearcherFactory

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entry_titles(root) -> list[str]:
    return [
        entry.findtext("atom:title", namespaces=ATOM) for entry in root.findall("atom:entry", ATOM)
    ]


def test_site_feed_lists_public_papers_only(client):
    public = PublicationFactory(title="Public result")
    PublicationFactory(title="Hidden result", visibility="hidden")
    PublicationFactory(title="Draft result", visibility="draft")
    root = feed(client, "/publications/feed/")
    assert root.findtext("atom:title", namespaces=ATOM) == "Scholarfolio: publications"
    assert entry_titles(root) == ["Public result"]
    (entry,) = root.findall("atom:entry", ATOM)
    link = entry.find("atom:link", ATOM).get("href")
    assert link == f"http://testserver{public.get_absolute_url()}"


def test_feed_entry_has_authors_and_rendered_abstract(client):
    paper = PublicationFactory(abstract="Decay of $\\beta_2$ <script>x</script>")
    for position, name in enumerate(["Ann A", "Bob B"], start=1):
        AuthorshipFactory(
            publication=paper, researcher=ResearcherFactory(full_name=name), position=position
        )
    (entry,) = feed(client, "/publications/feed/").findall("atom:entry", ATOM)
    assert entry.findtext("atom:author/atom:name", namespaces=ATOM) == "Ann A, Bob B"
    summary = entry.findtext("atom:summary", namespaces=ATOM)
    assert "<math" in summary
    assert "<script>" not in summary


def test_feed_entry_without_abstract_names_its_venue(client):
    PublicationFactory(venue_detail="NeurIPS 2024", year=2024)
    (entry,) = feed(client, "/publications/feed/").findall("atom:entry", ATOM)
    assert entry.findtext("atom:summary", namespaces=ATOM) == "NeurIPS 2024, 2024."


def test_researcher_feed_lists_that_members_public_papers(client):
    member = ResearcherFactory(full_name="Zhiwei Bai", is_member=True)
    for title, visibility in [("Mine", "public"), ("Mine, hidden", "hidden")]:
        AuthorshipFactory(
            publication=PublicationFactory(title=title, visibility=visibility),
            researcher=member,
            position=1,
        )
    PublicationFactory(title="Someone else's")
    root = feed(client, f"/publications/feed/{member.slug}/")
    assert root.findtext("atom:title", namespaces=ATOM) == "Zhiwei Bai: publications"
    assert entry_titles(root) == ["Mine"]


@pytest.mark.parametrize(
    "researcher",
    [{"is_member": False}, {"is_member": True, "visibility": "hidden"}],
    ids=["co-author", "hidden member"],
)
def test_no_researcher_feed_without_a_public_profile(client, researcher):
    slug = ResearcherFactory(**researcher).slug
    assert client.get(f"/publications/feed/{slug}/").status_code == 404


def test_no_feed_for_an_unknown_researcher(client):
    assert client.get("/publications/feed/nobody/").status_code == 404


def test_feed_queries_do_not_grow_with_papers(client, django_assert_max_num_queries):
    for _ in range(30):
        AuthorshipFactory(publication=PublicationFactory(), position=1)
    with django_assert_max_num_queries(3):
        feed(client, "/publications/feed/")
