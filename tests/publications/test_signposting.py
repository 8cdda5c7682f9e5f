"""What crawlers and harvesters read of a paper page: Signposting (Link header and <link>
elements), schema.org JSON-LD with ORCID-identified authors, plain-text titles in every
tag that takes no markup, and Google Scholar's inclusion rules."""

import re
from html.parser import HTMLParser

import pytest

from core.models import Visibility
from core.signposting import Signpost, link_header
from tests.factories import PublicationFactory
from tests.publications.test_views import Page, get, paper_with_authors, person

pytestmark = pytest.mark.django_db

BAI_ORCID = "0000-0002-1825-0097"
XU_ORCID = "0000-0001-5109-3700"
HIDDEN_ORCID = "0000-0002-9079-593X"
LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[a-z]+="[^"]*")+)')
PARAM = re.compile(r';\s*([a-z]+)="([^"]*)"')


def parse_link_header(value: str) -> set[tuple[str, str, str]]:
    """RFC 8288 links as (href, rel, type), for the quoted parameters this site sends."""
    links = set()
    for href, params in LINK.findall(value):
        values = dict(PARAM.findall(params))
        links.add((href, values["rel"], values.get("type", "")))
    assert len(links) == value.count("<"), value  # nothing left unparsed
    return links


class HeadLinks(HTMLParser):
    """The <link> elements of the head that are not the page's own alternates or styles."""

    def __init__(self, html: str):
        super().__init__()
        self.links: set[tuple[str, str, str]] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs["rel"] not in {"stylesheet", "icon", "alternate", "canonical"}:
            self.links.add((attrs["href"], attrs["rel"], attrs.get("type", "")))


@pytest.fixture
def paper():
    bai = person("Zhiwei Bai", is_member=True, orcid=BAI_ORCID)
    xu = person("Zhi-Qin John Xu", orcid=XU_ORCID)
    hidden = person("Hidden Person", orcid=HIDDEN_ORCID, visibility=Visibility.HIDDEN)
    return paper_with_authors(
        bai,
        xu,
        hidden,
        title=r"Sharp $\ell_1$ bounds",
        doi="10.1234/sharp",
        arxiv_id="2401.00001",
        pdf_url="https://example.org/sharp.pdf",
        abstract=r"We bound $\|x\|_1$.",
    )


def test_the_link_header_and_the_head_carry_the_same_signposts(client, paper):
    response = client.get(paper.get_absolute_url())
    header = parse_link_header(response["Link"])
    assert header == HeadLinks(response.content.decode()).links
    base = f"http://testserver/publications/{paper.slug}"
    assert header == {
        ("https://doi.org/10.1234/sharp", "cite-as", ""),
        (f"https://orcid.org/{BAI_ORCID}", "author", ""),
        (f"https://orcid.org/{XU_ORCID}", "author", ""),
        (f"{base}.bib", "describedby", "application/x-bibtex"),
        (f"{base}.json", "describedby", "application/vnd.citationstyles.csl+json"),
        ("https://example.org/sharp.pdf", "item", "application/pdf"),
        ("https://schema.org/ScholarlyArticle", "type", ""),
        ("https://schema.org/AboutPage", "type", ""),
    }


def test_the_described_by_records_are_served_with_their_types(client, paper):
    for href, rel, media_type in parse_link_header(client.get(paper.get_absolute_url())["Link"]):
        if rel == "describedby":
            response = client.get(href.removeprefix("http://testserver"))
            assert response.status_code == 200
            assert response["Content-Type"].startswith(media_type)


def test_without_a_doi_the_arxiv_page_is_cited_and_without_a_pdf_no_item(client):
    paper = paper_with_authors("Zhiwei Bai", arxiv_id="2401.00002", pdf_url="")
    links = parse_link_header(client.get(paper.get_absolute_url())["Link"])
    assert ("https://arxiv.org/abs/2401.00002", "cite-as", "") in links
    # arXiv's own PDF is the paper's PDF when it has none of its own
    assert ("https://arxiv.org/pdf/2401.00002", "item", "application/pdf") in links


def test_a_paper_with_no_identifier_has_no_cite_as(client):
    paper = paper_with_authors("Zhiwei Bai")
    links = parse_link_header(client.get(paper.get_absolute_url())["Link"])
    assert not [link for link in links if link[1] in {"cite-as", "item", "author"}]
    assert ("https://schema.org/ScholarlyArticle", "type", "") in links


def test_a_hidden_authors_orcid_is_nowhere_on_the_page(client, paper):
    response = client.get(paper.get_absolute_url())
    assert HIDDEN_ORCID not in response["Link"]
    assert HIDDEN_ORCID not in response.content.decode()


def test_json_ld_identifies_authors_by_their_orcid(client, paper):
    (data,) = Page(get(client, paper.get_absolute_url())).json_ld
    assert [author.get("@id") for author in data["author"]] == [
        f"https://orcid.org/{BAI_ORCID}",
        f"https://orcid.org/{XU_ORCID}",
        None,
    ]
    assert data["author"][0]["url"] == "http://testserver/people/zhiwei-bai/"
    assert data["name"] == data["headline"] == "Sharp ℓ₁ bounds"
    assert data["abstract"] == "We bound ‖x‖₁."
    assert data["encoding"] == {
        "@type": "MediaObject",
        "contentUrl": "https://example.org/sharp.pdf",
        "encodingFormat": "application/pdf",
    }


def test_every_tag_without_markup_has_the_title_without_latex(client, paper):
    html = get(client, paper.get_absolute_url())
    page = Page(html)
    head = html[: html.index("</head>")]
    assert re.search(r"<title>Sharp ℓ₁ bounds · ", head)
    assert page.value("og:title") == "Sharp ℓ₁ bounds"
    assert page.value("citation_title") == "Sharp ℓ₁ bounds"
    assert page.value("description") == page.value("og:description") == "We bound ‖x‖₁."
    assert "\\ell" not in head and "$" not in head
    assert "<msub>" in html[html.index("<h1>") :]  # the page itself still shows MathML


def test_a_stored_plain_title_follows_an_edit(client, paper):
    paper.title = r"Tight $\beta_2$ bounds"
    paper.save()
    paper.refresh_from_db()
    assert paper.plain_title == "Tight β₂ bounds"
    assert Page(get(client, paper.get_absolute_url())).value("og:title") == "Tight β₂ bounds"


def test_the_feeds_titles_have_no_latex(client, paper):
    site = get(client, "/publications/feed/")
    own = get(client, "/publications/feed/zhiwei-bai/")
    for feed in (site, own):
        assert "<title>Sharp ℓ₁ bounds</title>" in feed
        assert "\\ell" not in feed


def test_the_profiles_recent_list_has_no_latex(client, paper):
    html = get(client, "/people/zhiwei-bai/")
    news = html[html.index('id="news"') :]
    news = news[: news.index("</section>")]
    assert "Sharp ℓ₁ bounds" in news
    assert "\\ell" not in news and "$" not in news


# Google Scholar's inclusion guidelines ------------------------------------------------------


def test_scholar_finds_one_paper_with_its_required_tags(client, paper):
    page = Page(get(client, paper.get_absolute_url()))
    assert len(page.values("citation_title")) == 1  # one paper per page
    assert page.values("citation_author") == ["Bai, Zhiwei", "Xu, Zhi-Qin John", "Person, Hidden"]
    assert page.value("citation_publication_date") == "2024"
    assert page.value("citation_journal_title")
    assert page.value("citation_pdf_url") == "https://example.org/sharp.pdf"
    assert page.value("citation_doi") == "10.1234/sharp"


def test_a_conference_paper_names_its_conference(client):
    paper = PublicationFactory(kind="conference", venue__kind="conference")
    page = Page(get(client, paper.get_absolute_url()))
    assert page.value("citation_conference_title") == paper.venue.name
    assert not page.values("citation_journal_title")


def test_no_pdf_no_citation_pdf_url(client):
    paper = PublicationFactory(pdf_url="")
    assert not Page(get(client, paper.get_absolute_url())).values("citation_pdf_url")


def test_robots_let_crawlers_reach_paper_pages(client, paper):
    robots = get(client, "/robots.txt")
    disallowed = re.findall(r"^Disallow:\s*(\S*)", robots, flags=re.MULTILINE)
    assert disallowed and all(
        not paper.get_absolute_url().startswith(path) for path in disallowed if path
    )
    assert not [
        value
        for name, value in Page(get(client, paper.get_absolute_url())).meta
        if name == "robots"
    ]


# Escaping -----------------------------------------------------------------------------------


def test_a_pdf_url_cannot_break_out_of_the_link_header(client):
    paper = PublicationFactory(pdf_url='https://example.org/a>b",<c.pdf')
    header = client.get(paper.get_absolute_url())["Link"]
    assert ("https://example.org/a%3Eb%22,%3Cc.pdf", "item", "application/pdf") in (
        parse_link_header(header)
    )


def test_link_header_quotes_its_parameters():
    header = link_header([Signpost("https://example.org/é", "describedby", 'a"b')])
    assert header == '<https://example.org/%C3%A9>; rel="describedby"; type="a\\"b"'


def test_a_title_with_a_script_end_tag_in_math_cannot_end_the_json_ld(client):
    paper = PublicationFactory(title=r"Bad $x</script><script>alert(1)//$ title")
    html = get(client, paper.get_absolute_url())
    page = Page(html)
    (data,) = page.json_ld
    assert "</script>" in data["name"]
    assert "<script>alert(1)" not in html
