"""Co-author networks (cv.network): a member's and the group's, drawn as an SVG whose every
node is a link, laid out the same way every time, with the same data in a table."""

import copy
import re

import pytest
from django.core.cache import caches

from core.models import Visibility
from cv import network as network_module
from cv.network import group_network, member_network
from profiles.models import Researcher
from tests import factories as f

pytestmark = pytest.mark.django_db


def make_lab():
    """Ann (a member) wrote two papers with Bob (a member) and Cy (a co-author), one with Dee
    alone; Bob and Eve (a member) share one; a hidden paper and a hidden co-author."""
    ann = f.ResearcherFactory(full_name="Ann Ash", slug="ann", is_member=True)
    bob = f.ResearcherFactory(full_name="Bob Birch", slug="bob", is_member=True)
    eve = f.ResearcherFactory(full_name="Eve Elm", slug="eve", is_member=True)
    cy = f.ResearcherFactory(full_name="Cy Cedar", slug="cy")
    dee = f.ResearcherFactory(full_name="Dee Date", slug="dee")
    ghost = f.ResearcherFactory(full_name="Gus Ghost", visibility=Visibility.HIDDEN)
    for _ in range(2):
        paper = f.PublicationFactory()
        for position, person in enumerate([ann, bob, cy], start=1):
            f.AuthorshipFactory(publication=paper, researcher=person, position=position)
    alone = f.PublicationFactory()
    f.AuthorshipFactory(publication=alone, researcher=ann, position=1)
    f.AuthorshipFactory(publication=alone, researcher=dee, position=2)
    f.AuthorshipFactory(publication=alone, researcher=ghost, position=3)
    shared = f.PublicationFactory()
    f.AuthorshipFactory(publication=shared, researcher=bob, position=1)
    f.AuthorshipFactory(publication=shared, researcher=eve, position=2)
    f.AuthorshipFactory(publication=shared, researcher=cy, position=3)
    secret = f.PublicationFactory(title="Quietly", visibility=Visibility.HIDDEN)
    f.AuthorshipFactory(publication=secret, researcher=ann, position=1)
    f.AuthorshipFactory(publication=secret, researcher=eve, position=2)
    return locals()


@pytest.fixture(scope="class")
def shared_lab(class_rows):
    with class_rows():
        return make_lab()


@pytest.fixture
def lab(shared_lab, db):
    return copy.deepcopy(shared_lab)


def ann(lab) -> Researcher:
    return Researcher.objects.select_related("figures").get(pk=lab["ann"].pk)


def svg_of(html: str) -> str:
    return re.search(r"<svg.*?</svg>", html, re.DOTALL).group(0)


def test_a_network_with_nobody_says_so(client):
    f.ResearcherFactory(full_name="Solo Sole", slug="solo", is_member=True)
    html = client.get("/people/solo/network/").content.decode()
    assert "has no public paper with a co-author yet" in html
    assert "<svg" not in html


# The tests reading lab: its rows made once for them (class_rows).
class TestNetworksOfALab:
    def test_a_members_network_weighs_shared_public_papers(self, lab):
        network = member_network(ann(lab))
        sizes = {node.name: node.papers for node in network.nodes}
        # Ann's own circle counts her three public papers; hidden papers and people count not.
        assert sizes == {"Ann Ash": 3, "Bob Birch": 2, "Cy Cedar": 2, "Dee Date": 1}
        edges = {frozenset((e.source.name, e.target.name)): e.papers for e in network.edges}
        # Bob and Cy also share a paper of Bob's without Ann: only Ann's papers make her network.
        assert edges == {
            frozenset(("Ann Ash", "Bob Birch")): 2,
            frozenset(("Ann Ash", "Cy Cedar")): 2,
            frozenset(("Bob Birch", "Cy Cedar")): 2,
            frozenset(("Ann Ash", "Dee Date")): 1,
        }
        assert [node.name for node in network.rows] == ["Bob Birch", "Cy Cedar", "Dee Date"]

    def test_the_group_network_is_members_and_the_coauthors_they_share(self, lab):
        network = group_network()
        names = {node.name for node in network.nodes}
        # Cy wrote with Ann and with Bob; Dee with Ann alone, so Dee is not drawn.
        assert names == {"Ann Ash", "Bob Birch", "Eve Elm", "Cy Cedar"}
        edges = {frozenset((e.source.name, e.target.name)): e.papers for e in network.edges}
        assert edges[frozenset(("Ann Ash", "Bob Birch"))] == 2
        assert edges[frozenset(("Bob Birch", "Eve Elm"))] == 1
        # The hidden paper Ann and Eve wrote makes no edge.
        assert frozenset(("Ann Ash", "Eve Elm")) not in edges

    def test_the_layout_is_the_same_every_time(self, client, lab):
        first = client.get("/people/ann/network/").content.decode()
        caches["pages"].clear()
        caches["pages-local"].clear()
        second = client.get("/people/ann/network/").content.decode()
        assert svg_of(first) == svg_of(second)
        assert member_network(ann(lab)).svg == member_network(ann(lab)).svg
        assert group_network().svg == group_network().svg

    def test_every_node_is_a_link_with_a_name_and_the_table_says_the_same(self, client, lab):
        html = client.get("/people/ann/network/").content.decode()
        svg = svg_of(html)
        assert 'role="group"' in svg and "aria-label=" in svg and 'viewBox="0 0 ' in svg
        assert "<script" not in html.lower().replace('<script type="application/ld+json"', "")
        drawn = re.findall(
            r'<a href="([^"]+)"[^>]*><title>([^<:]+): (\d+) papers?</title><circle', svg
        )
        assert sorted(drawn) == sorted(
            [
                ("/people/ann/", "Ann Ash", "3"),
                ("/people/bob/", "Bob Birch", "2"),
                ("/publications/?author=cy", "Cy Cedar", "2"),
                ("/publications/?author=dee", "Dee Date", "1"),
            ]
        )
        table = html[html.index("<table") : html.index("</table>")]
        rows = re.findall(
            r'<th scope="row"><a href="([^"]+)">([^<]+)</a>.*?<td class="align-right">(\d+)</td>',
            table,
            re.DOTALL,
        )
        # Every co-author of the drawing, with the same link and count; Ann is the page's own.
        assert sorted(rows) == sorted(node for node in drawn if node[1] != "Ann Ash")
        assert "Bob Birch (2), Cy Cedar (2)" in table or "Ann Ash (2), Cy Cedar (2)" in table

    def test_hidden_papers_and_people_are_not_drawn(self, client, lab):
        for path in ("/people/ann/network/", "/network/", "/people/eve/network/"):
            html = client.get(path).content.decode()
            assert "Gus Ghost" not in html, path
        eve = client.get("/people/eve/network/").content.decode()
        assert "Ann Ash" not in eve  # their only paper together is hidden

    def test_a_huge_network_is_capped_and_says_so(self, client, lab, monkeypatch):
        monkeypatch.setattr(network_module, "MAX_MEMBER_NODES", 3)
        html = client.get("/people/ann/network/").content.decode()
        assert "1 more are left out" in html
        assert svg_of(html).count("<circle") == 3
        assert "Dee Date" not in html  # the least connected

    def test_no_member_no_page(self, client, lab):
        assert client.get("/people/cy/network/").status_code == 404  # not a member
        assert client.get("/people/no-such-person/network/").status_code == 404
        lab["ann"].visibility = Visibility.HIDDEN
        lab["ann"].save()
        assert client.get("/people/ann/network/").status_code == 404
        assert "Ann Ash" not in client.get("/network/").content.decode()

    def test_a_new_paper_retires_the_cached_networks(self, client, lab):
        assert "Fay Fir" not in client.get("/people/ann/network/").content.decode()
        assert client.get("/people/ann/network/")["X-Cache"] == "hit"
        client.get("/network/")
        paper = f.PublicationFactory()
        f.AuthorshipFactory(publication=paper, researcher=lab["ann"], position=1)
        f.AuthorshipFactory(
            publication=paper, researcher=f.ResearcherFactory(full_name="Fay Fir"), position=2
        )
        assert "Fay Fir" in client.get("/people/ann/network/").content.decode()
        assert client.get("/network/")["X-Cache"] == "miss"

    def test_the_profile_and_the_people_list_link_the_networks(self, client, lab):
        assert 'href="/people/ann/network/"' in client.get("/people/ann/").content.decode()
        assert 'href="/network/"' in client.get("/people/").content.decode()


def test_the_demo_draws_both_members_networks(client, demo):
    for slug, coauthor in (("zhiwei-bai", "Yaoyu Zhang"), ("mingze-wang", "Weinan E")):
        html = client.get(f"/people/{slug}/network/").content.decode()
        assert coauthor in svg_of(html), slug
    group = client.get("/network/").content.decode()
    # The two members write with Weinan E, who links them.
    assert all(name in svg_of(group) for name in ("Zhiwei Bai", "Mingze Wang", "Weinan E"))
