import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AuthorshipFactory,
    PublicationFactory,
    ResearcherFactory,
    VenueFactory,
    author_of_many,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/publications/"


class Page(HTMLParser):
    """What a crawler reads from a page: meta tags, JSON-LD blocks, scripts, select options."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list = []
        self.scripts: list[dict] = []
        self.selected: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self._in_json_ld = False
        self._select = ""
        self._option: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta.append((attrs.get("name") or attrs["property"], attrs["content"]))
        elif tag == "script":
            self.scripts.append(attrs)
            self._in_json_ld = attrs.get("type") == "application/ld+json"
        elif tag == "select":
            self._select = attrs["name"]
            self.options[self._select] = []
        elif tag == "option" and self._select:
            self._option = attrs

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))
        elif self._option is not None:
            self.options[self._select].append(data)
            if "selected" in self._option:
                self.selected[self._select] = data
            self._option = None

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.meta if key == name]

    def value(self, name: str) -> str:
        (value,) = self.values(name)
        return value


def person(full_name: str, **values):
    given, _, family = full_name.rpartition(" ")
    return ResearcherFactory(full_name=full_name, given_name=given, family_name=family, **values)


def paper_with_authors(*authors, **values):
    """A paper by researchers, or by new co-authors when given names."""
    paper = PublicationFactory(**values)
    for position, author in enumerate(authors, start=1):
        researcher = person(author) if isinstance(author, str) else author
        AuthorshipFactory(publication=paper, researcher=researcher, position=position)
    return paper


def get(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


# Detail page ---------------------------------------------------------------------------


def test_detail_renders_math_in_title_and_abstract(client):
    paper = PublicationFactory(
        title=r"Loss Spikes and $\beta_2$ in Adam",
        abstract=r"Beyond the threshold $2/\eta$, with moment $v_t$ and _emphasis_.",
    )
    html = get(client, paper.get_absolute_url())
    h1 = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert h1.startswith("Loss Spikes and <math")
    assert "<msub><mi>β</mi><mn>2</mn></msub>" in h1
    assert "<mn>2</mn><mo>/</mo><mi>η</mi>" in html
    assert "<em>emphasis</em>" in html


def test_detail_escapes_markup_in_the_title(client):
    paper = PublicationFactory(title="<b>Bold</b> claims")
    html = get(client, paper.get_absolute_url())
    assert "<h1>&lt;b&gt;Bold&lt;/b&gt; claims</h1>" in html


def test_authors_in_order_with_marks_and_legend(client):
    paper = PublicationFactory()
    AuthorshipFactory(publication=paper, position=3, researcher=person("C"))
    AuthorshipFactory(
        publication=paper,
        position=1,
        equal_contribution=True,
        researcher=person("Ann A"),
    )
    AuthorshipFactory(
        publication=paper,
        position=2,
        corresponding=True,
        researcher=person("Bob B"),
        printed_name="B. Bee",
    )
    html = get(client, paper.get_absolute_url())
    assert (
        'Ann A<sup title="equal contribution">#</sup>, '
        'B. Bee<sup title="corresponding author">*</sup>, C' in html
    )
    assert "# equal contribution · * corresponding author" in html


def test_no_legend_without_marks(client):
    paper = paper_with_authors("Ann A", "Bob B")
    assert "equal contribution" not in get(client, paper.get_absolute_url())


def test_only_public_members_are_linked(client):
    member = person("Member M", is_member=True)
    hidden = person("Hidden H", is_member=True, visibility="hidden")
    coauthor = person("Coauthor C")
    paper = paper_with_authors(member, hidden, coauthor)
    html = get(client, paper.get_absolute_url())
    assert f'<a href="{member.get_absolute_url()}">Member M</a>' in html
    assert hidden.get_absolute_url() not in html
    assert coauthor.get_absolute_url() not in html
    assert "Hidden H" in html
    assert "Coauthor C" in html


def test_venue_volume_issue_pages_and_year(client):
    venue = VenueFactory(name="CSIAM Transactions on Applied Mathematics")
    paper = PublicationFactory(venue=venue, volume="5", issue="2", pages="350-389", year=2024)
    html = get(client, paper.get_absolute_url())
    assert "<em>CSIAM Transactions on Applied Mathematics</em>, 5(2): 350-389, 2024." in html


def test_venue_as_printed_and_article_number(client):
    paper = PublicationFactory(
        venue_detail="NeurIPS 2023 Workshop M3L", article_number="69", year=2023
    )
    html = get(client, paper.get_absolute_url())
    assert "<em>NeurIPS 2023 Workshop M3L</em>, article 69, 2023." in html


@pytest.mark.parametrize(
    ("kind", "status", "shown"),
    [
        ("article", "published", False),
        ("preprint", "preprint", False),
        ("article", "accepted", True),
        ("preprint", "under_review", True),
    ],
)
def test_status_is_shown_only_when_it_adds_something(client, kind, status, shown):
    paper = PublicationFactory(kind=kind, status=status)
    html = get(client, paper.get_absolute_url())
    assert ("<dt>Status</dt>" in html) is shown


def test_note_is_shown(client):
    paper = PublicationFactory(note="Spotlight (Top 3.5%)")
    assert '<span class="badge">Spotlight (Top 3.5%)</span>' in get(
        client, paper.get_absolute_url()
    )


def test_links_for_an_arxiv_paper(client):
    paper = PublicationFactory(
        arxiv_id="2506.04805",
        doi="10.4208/csiam-am.SO-2023-0020",
        code_url="https://github.com/example/code",
    )
    html = get(client, paper.get_absolute_url())
    assert '<a href="https://arxiv.org/pdf/2506.04805">PDF</a>' in html
    assert '<a href="https://arxiv.org/abs/2506.04805">arXiv:2506.04805</a>' in html
    assert 'href="https://doi.org/10.4208/csiam-am.SO-2023-0020"' in html
    assert '<a href="https://github.com/example/code">Code</a>' in html


def test_own_pdf_url_wins_over_arxiv(client):
    paper = PublicationFactory(arxiv_id="2506.04805", pdf_url="https://example.org/paper.pdf")
    html = get(client, paper.get_absolute_url())
    assert '<a href="https://example.org/paper.pdf">PDF</a>' in html
    assert "arxiv.org/pdf" not in html


def test_no_pdf_link_without_a_source(client):
    assert ">PDF</a>" not in get(client, PublicationFactory().get_absolute_url())


def test_bibtex_block_with_copy_button_for_script_only(client):
    paper = paper_with_authors("Zhiwei Bai", title="Connectivity Shapes Things", year=2024)
    html = get(client, paper.get_absolute_url())
    bibtex = re.search(r'<pre id="bibtex"[^>]*><code>(.*?)</code></pre>', html, re.S).group(1)
    assert bibtex.startswith("@article{bai2024connectivity,")
    assert "author  = {Bai, Zhiwei}," in bibtex
    assert '<button type="button" data-copy="bibtex" hidden>' in html
    sources = [script["src"] for script in Page(html).scripts if "src" in script]
    assert sources == ["/static/js/copy.js"]


@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_hidden_paper_is_not_found(client, visibility):
    paper = PublicationFactory(visibility=visibility)
    get(client, paper.get_absolute_url(), status=404)


def test_unknown_paper_is_not_found(client):
    get(client, "/publications/no-such-paper/", status=404)


def test_google_scholar_meta_tags_for_a_journal_article(client):
    venue = VenueFactory(name="CSIAM Transactions on Applied Mathematics", kind="journal")
    paper = paper_with_authors(
        "Zhiwei Bai",
        "Zhi-Qin John Xu",
        title=r"Embedding Principle with $\beta_2$",
        venue=venue,
        volume="5",
        issue="2",
        pages="350-389",
        year=2024,
        date=datetime.date(2024, 5, 26),
        doi="10.4208/csiam-am.SO-2023-0020",
        arxiv_id="2205.13283",
    )
    page = Page(get(client, paper.get_absolute_url()))
    assert page.value("citation_title") == "Embedding Principle with β₂"
    assert page.values("citation_author") == ["Bai, Zhiwei", "Xu, Zhi-Qin John"]
    assert page.value("citation_publication_date") == "2024/05/26"
    assert page.value("citation_journal_title") == "CSIAM Transactions on Applied Mathematics"
    assert page.values("citation_conference_title") == []
    assert page.value("citation_volume") == "5"
    assert page.value("citation_issue") == "2"
    assert page.value("citation_firstpage") == "350"
    assert page.value("citation_lastpage") == "389"
    assert page.value("citation_doi") == "10.4208/csiam-am.SO-2023-0020"
    assert page.value("citation_arxiv_id") == "2205.13283"
    assert page.value("citation_pdf_url") == "https://arxiv.org/pdf/2205.13283"
    names = [name for name, _ in page.meta if name.startswith("citation_")]
    assert names.index("citation_title") < names.index("citation_author")


def test_google_scholar_meta_tags_for_a_conference_paper(client):
    venue = VenueFactory(
        name="Conference on Neural Information Processing Systems", kind="conference"
    )
    paper = PublicationFactory(
        kind="conference", venue=venue, venue_detail="NeurIPS 2024", year=2024
    )
    page = Page(get(client, paper.get_absolute_url()))
    assert page.value("citation_conference_title") == "NeurIPS 2024"
    assert page.values("citation_journal_title") == []
    assert page.value("citation_publication_date") == "2024"
    for absent in ["citation_volume", "citation_firstpage", "citation_doi", "citation_pdf_url"]:
        assert page.values(absent) == []


def test_scholarly_article_json_ld(client):
    member = person("Zhiwei Bai", is_member=True)
    paper = paper_with_authors(
        member, "Yaoyu Zhang", title="Connectivity", doi="10.1234/x", abstract="About $v_t$."
    )
    (data,) = Page(get(client, paper.get_absolute_url())).json_ld
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ScholarlyArticle"
    assert data["name"] == "Connectivity"
    assert [author["name"] for author in data["author"]] == ["Zhiwei Bai", "Yaoyu Zhang"]
    assert data["author"][0]["url"] == f"http://testserver{member.get_absolute_url()}"
    assert "url" not in data["author"][1]
    assert data["url"] == f"http://testserver{paper.get_absolute_url()}"
    assert data["datePublished"] == "2024"
    assert data["abstract"] == "About v_t."  # plain text: no LaTeX for a crawler
    assert data["sameAs"] == ["https://doi.org/10.1234/x"]


def test_a_title_cannot_end_the_json_ld_script(client):
    title = "Evil </script><script>alert(1)</script> & co"
    paper = PublicationFactory(title=title)
    html = get(client, paper.get_absolute_url())
    page = Page(html)
    (data,) = page.json_ld
    assert data["name"] == title
    assert len(page.scripts) == 2  # the JSON-LD and copy.js, nothing injected
    assert "<script>alert(1)" not in html


def test_open_graph_tags(client):
    paper = PublicationFactory(title="Connectivity", abstract="Matrix factorization models.")
    page = Page(get(client, paper.get_absolute_url()))
    assert page.value("og:type") == "article"
    assert page.value("og:title") == "Connectivity"
    assert page.value("og:description") == "Matrix factorization models."
    assert page.value("og:url") == f"http://testserver{paper.get_absolute_url()}"
    assert page.value("description") == "Matrix factorization models."


def test_demo_paper_page(client, demo):
    html = get(client, "/publications/adaptive-preconditioners-trigger-loss-spikes-in-adam/")
    assert "<msub><mi>β</mi><mn>2</mn></msub>" in html
    assert '<a href="/people/zhiwei-bai/">Zhiwei Bai</a><sup title="equal contribution">' in html
    assert "@misc{bai2025adaptive," in html
    spotlight = get(client, "/publications/multi-phase-optimization-dynamics-relu/")
    assert "Spotlight (Top 3.5%)" in spotlight


# List page -----------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    """Four public papers that differ in every filtered field, and one hidden paper."""
    bai = person("Zhiwei Bai", slug="zhiwei-bai", is_member=True)
    wang = person("Mingze Wang", slug="mingze-wang", is_member=True)
    jmlr = VenueFactory(name="Journal of Machine Learning Research", slug="jmlr")
    neurips = VenueFactory(name="NeurIPS proceedings", slug="neurips", kind="conference")
    arxiv = VenueFactory(name="arXiv", slug="arxiv", kind="preprint")
    papers = {
        "jmlr": paper_with_authors(bai, wang, title="Paper in JMLR", venue=jmlr, year=2024),
        "neurips": paper_with_authors(
            wang, title="Paper at NeurIPS", venue=neurips, kind="conference", year=2024
        ),
        "preprint": paper_with_authors(
            bai,
            title="Paper on arXiv",
            venue=arxiv,
            kind="preprint",
            status="preprint",
            year=2025,
        ),
        "accepted": paper_with_authors(
            bai, title="Accepted paper", venue=jmlr, status="accepted", year=2023
        ),
        "hidden": paper_with_authors(bai, title="Hidden paper", venue=jmlr, visibility="hidden"),
    }
    return papers


def listed(html: str, papers: dict) -> set[str]:
    return {name for name, paper in papers.items() if paper.get_absolute_url() in html}


def test_list_shows_public_papers_only(client, catalogue):
    html = get(client, LIST_URL)
    assert listed(html, catalogue) == {"jmlr", "neurips", "preprint", "accepted"}
    assert "Hidden paper" not in html
    assert "4 publications." in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2024", {"jmlr", "neurips"}),
        ("kind=conference", {"neurips"}),
        ("kind=preprint", {"preprint"}),
        ("status=accepted", {"accepted"}),
        ("status=published", {"jmlr", "neurips"}),
        ("author=zhiwei-bai", {"jmlr", "preprint", "accepted"}),
        ("author=mingze-wang", {"jmlr", "neurips"}),
        ("venue=jmlr", {"jmlr", "accepted"}),
        ("venue=arxiv", {"preprint"}),
        ("year=2024&author=zhiwei-bai", {"jmlr"}),
        ("venue=jmlr&status=published&author=mingze-wang", {"jmlr"}),
        ("year=2024&kind=preprint", set()),
    ],
)
def test_filters(client, catalogue, query, expected):
    assert listed(get(client, f"{LIST_URL}?{query}"), catalogue) == expected


def test_counts_per_filter_value(client, catalogue):
    page = Page(get(client, LIST_URL))
    assert page.options["year"] == ["Any", "2025 (1)", "2024 (2)", "2023 (1)"]
    assert page.options["kind"] == [
        "Any",
        "Journal article (2)",
        "Conference paper (1)",
        "Preprint (1)",
    ]
    assert page.options["status"] == ["Any", "Published (2)", "Accepted (1)", "Preprint (1)"]
    assert page.options["author"] == ["Any", "Zhiwei Bai (3)", "Mingze Wang (2)"]
    assert page.options["venue"][0:2] == ["Any", "Journal of Machine Learning Research (2)"]


def test_counts_follow_the_other_filters(client, catalogue):
    page = Page(get(client, f"{LIST_URL}?author=mingze-wang"))
    assert page.options["year"] == ["Any", "2024 (2)"]
    assert page.options["kind"] == ["Any", "Journal article (1)", "Conference paper (1)"]
    # A filter's own counts ignore it: they say what choosing another value would give.
    assert page.options["author"] == ["Any", "Zhiwei Bai (3)", "Mingze Wang (2)"]
    assert page.selected == {"author": "Mingze Wang (2)"}


def test_a_valid_filter_with_no_papers_stays_selected(client, catalogue):
    html = get(client, f"{LIST_URL}?year=1999")
    assert Page(html).selected == {"year": "1999 (0)"}
    assert "No publications match these filters." in html


def test_filters_stay_in_the_links(client, catalogue):
    html = get(client, f"{LIST_URL}?year=2024&author=mingze-wang")
    assert '<a href="?author=mingze-wang" title="Remove this filter">Year: 2024 ×</a>' in html
    assert '<a href="?year=2024" title="Remove this filter">Author: Mingze Wang ×</a>' in html
    assert '<form method="get" action="/publications/"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "Year: Enter a whole number."),
        ("year=1200", "Year: Ensure this value is greater than or equal to 1900."),
        ("kind=novel", "Type: Select a valid choice. novel is not one of the available choices."),
        ("status=lost", "Status: Select a valid choice. lost is not"),
        ("author=nobody", "Author: No researcher on this site has the slug or ORCID iD “nobody”."),
        ("venue=nowhere", "Venue: No venue on this site has the id “nowhere”."),
    ],
)
def test_bad_filter_values_are_explained(client, catalogue, query, message):
    html = get(client, f"{LIST_URL}?{query}", status=400)
    assert message in html
    assert listed(html, catalogue) == set()


def test_hidden_researcher_is_not_a_filter_value(client, catalogue):
    ResearcherFactory(slug="ghost", is_member=True, visibility="hidden")
    assert "No researcher on this site" in get(client, f"{LIST_URL}?author=ghost", status=400)


def test_pagination_25_per_page_keeps_filters(client):
    venue = VenueFactory(slug="big")
    for number in range(30):
        PublicationFactory(title=f"Paper {number:02}", venue=venue)
    first = get(client, f"{LIST_URL}?venue=big")
    assert first.count('class="title"') == 25
    assert "30 publications, page 1 of 2." in first
    assert 'href="?venue=big&amp;page=2" rel="next"' in first
    second = get(client, f"{LIST_URL}?venue=big&page=2")
    assert second.count('class="title"') == 5
    assert '<ol class="publications" start="26">' in second
    assert 'href="?venue=big&amp;page=1" rel="prev"' in second


@pytest.mark.parametrize("page", ["3", "0", "abc"])
def test_page_out_of_range_is_not_found(client, page):
    PublicationFactory()
    get(client, f"{LIST_URL}?page={page}", status=404)


def test_empty_list(client):
    html = get(client, LIST_URL)
    assert "No publications yet." in html


def test_list_renders_titles_with_math(client):
    PublicationFactory(title=r"Spikes and $\beta_2$")
    assert "<msub><mi>β</mi><mn>2</mn></msub>" in get(client, LIST_URL)


def test_list_links_its_feed(client):
    html = get(client, LIST_URL)
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/publications/feed/"' in html


# Queries -------------------------------------------------------------------------------


def add_papers(count: int, member) -> None:
    for number in range(count):
        paper = PublicationFactory(year=2020 + number % 5)
        AuthorshipFactory(publication=paper, researcher=member, position=1)
        AuthorshipFactory(
            publication=paper, researcher=ResearcherFactory(is_member=True), position=2
        )
        AuthorshipFactory(publication=paper, position=3, corresponding=True)


@pytest.mark.parametrize(
    "query", ["", "?year=2022&kind=article&status=published&author=queried-member"]
)
def test_list_queries_do_not_grow_with_papers(client, django_assert_num_queries, query):
    member = ResearcherFactory(slug="queried-member", is_member=True)
    add_papers(5, member)
    with CaptureQueriesContext(connection) as five:
        get(client, LIST_URL + query)
    author_of_many(member, 300)
    with django_assert_num_queries(len(five)):
        get(client, LIST_URL + query)


def test_detail_queries_do_not_grow_with_authors(client, django_assert_num_queries):
    def paper_with(count):
        authors = [ResearcherFactory(is_member=number % 2 == 0) for number in range(count)]
        return paper_with_authors(*authors)

    small, large = paper_with(5), paper_with(30)
    with CaptureQueriesContext(connection) as five:
        get(client, small.get_absolute_url())
    with django_assert_num_queries(len(five)):
        html = get(client, large.get_absolute_url())
    assert len(Page(html).values("citation_author")) == 30


def test_detail_offers_the_citation_formats_as_downloads_and_the_api(client):
    paper = PublicationFactory(title="Formats")
    html = client.get(paper.get_absolute_url()).content.decode()
    for url in [
        *(f"/publications/{paper.slug}.{extension}" for extension in ("bib", "ris", "json")),
        f"/api/v1/publications/{paper.slug}/",
    ]:
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200
