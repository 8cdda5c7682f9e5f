"""The expertise finder (/experts/, scholarfolio.experts) and the profile's similar
researchers (cv.similar)."""

import copy

import pytest

from core.models import Visibility
from cv.similar import similar_researchers
from scholarfolio import experts as experts_module
from scholarfolio.experts import find_experts
from tests import factories as f

pytestmark = pytest.mark.django_db


def paper_of(person, **fields):
    paper = f.PublicationFactory(**fields)
    f.AuthorshipFactory(publication=paper, researcher=person, position=1)
    return paper


def make_group():
    """Ann says she works on spectral bias and wrote two papers on it; Bob wrote one and
    gave a talk on it; Cy works on graphs; a hidden paper of Cy's is on spectral bias."""
    ann = f.ResearcherFactory(full_name="Ann Ash", slug="ann", is_member=True)
    bob = f.ResearcherFactory(full_name="Bob Birch", slug="bob", is_member=True)
    cy = f.ResearcherFactory(full_name="Cy Cedar", slug="cy", is_member=True)
    f.ResearchInterestFactory(researcher=ann, title="Spectral bias of neural networks")
    f.ResearchInterestFactory(researcher=cy, title="Graph theory")
    f.ResearchInterestFactory(researcher=bob, title="Neural networks", visibility="hidden")
    paper_of(ann, title="Spectral bias in deep learning", abstract="We study spectral bias.")
    paper_of(ann, title="More on frequency", abstract="The spectral bias, again, <b>bold</b>.")
    paper_of(bob, title="A note on spectral bias")
    talk = f.TalkFactory(title="Spectral bias explained", abstract="Low frequencies first.")
    f.TalkSpeakerFactory(talk=talk, researcher=bob)
    paper_of(cy, title="Graph colouring", abstract="Colouring graphs.")
    paper_of(cy, title="Secret spectral bias work", visibility=Visibility.HIDDEN, abstract="Hidden")
    # Written with Cy (a name in the paper's vector), about nothing spectral.
    shared = paper_of(ann, title="Counting trees")
    f.AuthorshipFactory(publication=shared, researcher=cy, position=2)
    return locals()


@pytest.fixture(scope="class")
def shared_group(class_rows):
    with class_rows():
        return make_group()


@pytest.fixture
def group(shared_group, db):
    return copy.deepcopy(shared_group)


def ranked(text):
    return [expert.researcher.slug for expert in find_experts(text=text).page.object_list]


def test_the_demo_finds_its_experts(client, demo):
    html = client.get("/experts/", {"q": "neural networks"}).content.decode()
    assert "Zhiwei Bai" in html and "Mingze Wang" in html
    assert "<mark>" in html
    assert ranked("implicit bias")[0] in ("mingze-wang", "zhiwei-bai")


# The tests reading group: its rows made once for them (class_rows).
class TestExpertsOfAGroup:
    def test_members_are_ranked_by_interests_papers_and_talks(self, group):
        assert ranked("spectral bias") == ["ann", "bob"]
        assert ranked("graph") == ["cy"]

    def test_each_match_says_why(self, group):
        ann, bob = find_experts(text="spectral bias").page.object_list
        assert ann.interests == [("<mark>Spectral</mark> <mark>bias</mark> of neural networks", "")]
        assert len(ann.papers) == 2
        assert any("<mark>Spectral</mark>" in a.title_html for a in ann.papers)
        # Matches marked; the abstract's own markup never comes through as markup.
        snippets = " ".join(a.snippet_html for a in ann.papers)
        assert "<mark>spectral</mark>" in snippets and "bold" in snippets
        assert "<b>" not in snippets
        assert bob.interests == []  # hidden
        assert [link.talk.title for link in bob.talks] == ["Spectral bias explained"]

    def test_an_interest_matched_by_its_description_shows_it(self, group):
        f.ResearchInterestFactory(
            researcher=group["cy"],
            title="Colourings",
            description="Including <i>spectral</i> ones.",
        )
        cy = next(
            e for e in find_experts(text="spectral").page.object_list if e.researcher.slug == "cy"
        )
        ((title, why),) = cy.interests
        # The tags ts_headline drops leave their spaces.
        assert (
            title == "Colourings"
            and " ".join(why.split()) == "Including <mark>spectral</mark> ones"
        )

    def test_a_coauthors_name_is_no_expertise(self, group):
        # Cy's name is in the vector of Ann's paper with Cy; only titles and abstracts count.
        assert ranked("Cedar") == []

    def test_hidden_papers_and_people_do_not_count(self, group):
        assert "cy" not in ranked("spectral bias")
        group["ann"].visibility = Visibility.HIDDEN
        group["ann"].save()
        assert ranked("spectral bias") == ["bob"]

    def test_the_page_explains_and_escapes(self, client, group):
        html = client.get("/experts/", {"q": "spectral bias"}).content.decode()
        assert "2 members match" in html
        assert '<a href="/people/ann/">Ann Ash</a>' in html
        assert "<mark>Spectral</mark> <mark>bias</mark> of neural networks" in html
        assert "Secret spectral" not in html
        assert "<b>bold</b>" not in html

    def test_results_are_paginated(self, client, group, monkeypatch):
        monkeypatch.setattr(experts_module, "PAGE_SIZE", 1)
        first = client.get("/experts/", {"q": "spectral"}).content.decode()
        second = client.get("/experts/", {"q": "spectral", "page": "2"}).content.decode()
        assert "Ann Ash" in first and "Bob Birch" not in first
        assert "Bob Birch" in second and "Page 2 of 2" in second

    def test_empty_and_unmatched_queries(self, client, group):
        assert "Type a topic" in client.get("/experts/").content.decode()
        html = client.get("/experts/", {"q": "zymurgy"}).content.decode()
        assert "No member works on “zymurgy”" in html

    @pytest.mark.parametrize(
        "q",
        ['"', "'", "!", "&|!(", "-", "a:*", "\\", "the", "x" * 500, "白志威", "<script>", "or or"],
    )
    def test_no_query_breaks_the_page(self, client, group, q):
        for page in ("1", "x", "-1", "99999"):
            response = client.get("/experts/", {"q": q, "page": page})
            assert response.status_code == 200, (q, page)
            assert "<script>" not in response.content.decode()

    def test_similar_researchers_share_topics_and_papers(self, group):
        dee = f.ResearcherFactory(full_name="Dee Date", slug="dee", is_member=True)
        f.ResearchInterestFactory(researcher=dee, title="Spectral methods")
        # A co-author who is not a member has no profile to suggest, however many papers shared.
        outsider = f.ResearcherFactory(full_name="Out Sider", is_member=False)
        f.AuthorshipFactory(publication=group["shared"], researcher=outsider, position=3)
        similar = similar_researchers(group["ann"])
        # Cy: one paper together (counts two); Dee: one shared interest word ("spectral").
        assert [(p.slug, p.shared_papers, p.shared_terms) for p in similar] == [
            ("cy", 1, []),
            ("dee", 0, ["Spectral methods"]),
        ]
        hidden = f.ResearcherFactory(full_name="Hid", is_member=True, visibility=Visibility.HIDDEN)
        f.ResearchInterestFactory(researcher=hidden, title="Spectral bias")
        assert "Hid" not in [p.full_name for p in similar_researchers(group["ann"])]

    def test_a_similar_researcher_may_share_both_topics_and_papers(self, group):
        f.ResearchInterestFactory(researcher=group["cy"], title="Spectral graph theory")
        dee = f.ResearcherFactory(full_name="Dee Date", slug="dee", is_member=True)
        f.ResearchInterestFactory(researcher=dee, title="Spectral methods")
        f.ResearchInterestFactory(researcher=dee, title="Neural operators")
        # Cy: one paper (two) and one word; Dee: two words; Bob's interest is hidden.
        similar = [
            (p.slug, p.shared_papers, p.shared_term_count, p.shared_terms)
            for p in similar_researchers(group["ann"])
        ]
        assert similar == [
            ("cy", 1, 1, ["Spectral graph theory"]),
            ("dee", 0, 2, ["Neural operators", "Spectral methods"]),
        ]

    def test_the_profile_shows_similar_researchers_in_one_more_query(
        self, client, group, django_assert_max_num_queries
    ):
        f.ResearcherFactory(full_name="Dee Date", slug="dee", is_member=True)
        with django_assert_max_num_queries(25) as queries:
            html = client.get("/people/ann/").content.decode()
        assert sum("tsvector_to_array" in q["sql"] for q in queries.captured_queries) == 1
        assert 'id="similar"' in html and '<a href="/people/cy/">Cy Cedar</a>' in html

    def test_someones_new_interest_retires_every_profile(self, client, group):
        client.get("/people/ann/")
        assert client.get("/people/ann/")["X-Cache"] == "hit"
        f.ResearchInterestFactory(researcher=group["cy"], title="Spectral bias")
        html = client.get("/people/ann/").content.decode()
        assert "Shared topics: Spectral bias" in html
