"""Nothing harvested is public until accepted: a candidate's title is on no page, feed,
search, sitemap, download or API answer."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db
TITLE = "Quixotic Zeugma Spectral Bias Unpublished"


@pytest.fixture
def member():
    person = f.ResearcherFactory(full_name="Alice Smith", is_member=True)
    paper = f.PublicationFactory(title="A public paper of hers")
    f.AuthorshipFactory(publication=paper, researcher=person, position=1)
    f.CandidateFactory(researcher=person, title=TITLE, doi="10.1234/zeugma.2025")
    return person


def pages(slug):
    yield reverse("site:home")
    yield reverse("people:list")
    yield reverse("people:detail", kwargs={"slug": slug})
    yield reverse("people:cv", kwargs={"slug": slug})
    yield reverse("publications:list")
    yield reverse("publications:list") + "?q=Zeugma"
    yield reverse("publications:feed")
    yield reverse("publications:researcher_feed", kwargs={"slug": slug})
    yield reverse("site:search") + "?q=Zeugma"
    yield reverse("sitemap")
    yield reverse("site:site_bibtex")
    yield reverse("site:researcher_bibtex", kwargs={"slug": slug})
    yield reverse("site:researcher_csljson", kwargs={"slug": slug})
    yield reverse("api:publication-list") + "?q=Zeugma"
    yield reverse("api:researcher-detail", kwargs={"slug": slug})
    yield reverse("api:researcher-publications-list", kwargs={"researcher_slug": slug})


def test_a_candidate_is_on_no_public_page(client, member):
    shown = {}
    for url in pages(member.slug):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        # The whole title: a search page repeats the word asked for.
        shown[url] = TITLE in body.decode() or "10.1234/zeugma.2025" in body.decode()
    assert not any(shown.values()), [url for url, found in shown.items() if found]


def test_the_member_page_still_shows_the_public_paper(client, member):
    page = client.get(reverse("people:detail", kwargs={"slug": member.slug}))
    assert "A public paper of hers" in page.content.decode()
