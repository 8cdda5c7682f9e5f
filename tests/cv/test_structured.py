"""What crawlers read of a profile: ProfilePage JSON-LD with the Person as mainEntity, and
Signposting in the Link header and the head."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Visibility
from tests import factories as f
from tests.publications.test_signposting import HeadLinks, parse_link_header
from tests.publications.test_views import Page, get

pytestmark = pytest.mark.django_db

ORCID = "0000-0002-1825-0097"


@pytest.fixture
def bai():
    researcher = f.ResearcherFactory(
        full_name="Zhiwei Bai",
        given_name="Zhiwei",
        family_name="Bai",
        native_name="白志威",
        slug="zhiwei-bai",
        is_member=True,
        headline="Ph.D. student in mathematics",
        orcid=ORCID,
        github="zhiweibai",
        homepage="https://zhiweibai.github.io/",
        google_scholar_id="AbCdEf0AAAAJ",
        photo="people/bai.jpg",
    )
    sjtu = f.OrganizationFactory(
        name="Shanghai Jiao Tong University", ror_id="0220qvk04", url="https://www.sjtu.edu.cn/"
    )
    f.PositionFactory(researcher=researcher, organization=sjtu, end_date=None)
    hidden = f.OrganizationFactory(name="Secret Lab")
    f.PositionFactory(researcher=researcher, organization=hidden, visibility=Visibility.HIDDEN)
    f.PositionFactory(
        researcher=researcher,
        organization=f.OrganizationFactory(name="Former University"),
        start_date=datetime.date(2016, 9, 1),
        end_date=datetime.date(2020, 6, 1),
    )
    return researcher


def profile_json_ld(client, researcher) -> dict:
    (data,) = Page(get(client, researcher.get_absolute_url())).json_ld
    return data


def test_the_profile_is_a_profile_page_about_a_person(client, bai):
    data = profile_json_ld(client, bai)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ProfilePage"
    assert data["url"] == "http://testserver/people/zhiwei-bai/"
    assert datetime.datetime.fromisoformat(data["dateModified"])
    person = data["mainEntity"]
    assert person["@type"] == "Person"
    assert person["@id"] == f"https://orcid.org/{ORCID}"
    assert person["name"] == "Zhiwei Bai"
    assert (person["givenName"], person["familyName"]) == ("Zhiwei", "Bai")
    assert person["alternateName"] == "白志威"
    assert person["jobTitle"] == "Ph.D. student in mathematics"
    assert person["image"].startswith("http://testserver/") and person["image"].endswith("bai.jpg")
    assert person["identifier"] == {"@type": "PropertyValue", "propertyID": "ORCID", "value": ORCID}


def test_affiliations_are_the_current_public_ones_with_their_ror_id(client, bai):
    person = profile_json_ld(client, bai)["mainEntity"]
    assert person["affiliation"] == [
        {
            "@type": "Organization",
            "name": "Shanghai Jiao Tong University",
            "@id": "https://ror.org/0220qvk04",
            "url": "https://www.sjtu.edu.cn/",
        }
    ]


def test_same_as_lists_every_identity_link(client, bai):
    person = profile_json_ld(client, bai)["mainEntity"]
    assert person["sameAs"] == [link.url for link in bai.identity_links]
    assert set(person["sameAs"]) >= {
        "https://zhiweibai.github.io/",
        f"https://orcid.org/{ORCID}",
        "https://scholar.google.com/citations?user=AbCdEf0AAAAJ",
        "https://github.com/zhiweibai",
    }


def test_a_person_without_orcid_or_links_is_identified_by_the_page(client):
    researcher = f.ResearcherFactory(full_name="Carol", slug="carol", is_member=True)
    person = profile_json_ld(client, researcher)["mainEntity"]
    assert person["@id"] == "http://testserver/people/carol/#person"
    assert not {"sameAs", "alternateName", "image", "affiliation"} & set(person)


def test_the_profiles_signposts_in_header_and_head(client, bai):
    response = client.get(bai.get_absolute_url())
    links = parse_link_header(response["Link"])
    assert links == HeadLinks(response.content.decode()).links
    assert links == {
        (f"https://orcid.org/{ORCID}", "cite-as", ""),
        ("http://testserver/people/zhiwei-bai/resume.json", "describedby", "application/json"),
        ("https://schema.org/AboutPage", "type", ""),
        ("https://schema.org/Person", "type", ""),
    }
    resume = client.get("/people/zhiwei-bai/resume.json")
    assert resume.status_code == 200 and resume["Content-Type"].startswith("application/json")


def test_open_graph_names_the_person(client, bai):
    page = Page(get(client, bai.get_absolute_url()))
    assert page.value("og:type") == "profile"
    assert page.value("og:title") == "Zhiwei Bai"
    assert page.value("profile:first_name") == "Zhiwei"
    assert page.value("og:url") == "http://testserver/people/zhiwei-bai/"


def test_a_name_cannot_end_the_json_ld_script(client):
    name = "Evil </script><script>alert(1)</script>"
    researcher = f.ResearcherFactory(full_name=name, slug="evil", is_member=True)
    html = get(client, researcher.get_absolute_url())
    assert profile_json_ld(client, researcher)["mainEntity"]["name"] == name
    assert "<script>alert(1)" not in html


def test_structured_data_adds_no_query_per_paper_or_link(client, bai):
    """A second, fuller profile (more papers, more links) costs the same queries."""
    for _ in range(2):
        f.AuthorshipFactory(researcher=bai)
    other = f.ResearcherFactory(is_member=True, orcid="0000-0001-5109-3700", github="other")
    f.PositionFactory(researcher=other, organization__ror_id="05201qm87")
    for _ in range(12):
        f.AuthorshipFactory(researcher=other)
    get(client, f.ResearcherFactory(is_member=True).get_absolute_url())  # what loads once
    counts = []
    for researcher in (bai, other):
        with CaptureQueriesContext(connection) as queries:
            assert "application/ld+json" in get(client, researcher.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
