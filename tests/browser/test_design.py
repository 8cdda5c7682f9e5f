"""The design in a real browser: the profile's header, identity links and section menu, the
paper entries' badges, buttons and toggles, the group's front page, at phone, tablet and
desktop widths, light and dark. Each page also gets test_pages' checks (loads, no console
error, no sideways scroll, no serious axe violation); screenshots go to
test-artifacts/screenshots/design-*.png.
"""

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import HEIGHT, check_at_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = [390, 768, 1280]
SCHEMES = ["light", "dark"]
# Longer than any word a phone's line holds, with no space to break at.
LONG_VENUE = "International" + "Conference" * 6 + " on Learning Representations"


@pytest.fixture(scope="module")
def design_site(demo_site, django_db_blocker):
    """The demo with what it lacks to show every part: a member with every identity link,
    and a paper in a venue whose name has a word wider than a phone."""
    from profiles.models import Researcher
    from publications.models import Authorship, Publication, Venue

    with django_db_blocker.unblock():
        Researcher.objects.filter(slug="mingze-wang").update(
            orcid="0000-0002-1825-0097",
            google_scholar_id="abcdefghijkl",
            github="wmz9",
            linkedin="mingze-wang",
            bluesky="mingze.bsky.social",
            mastodon="https://mathstodon.xyz/@mingze",
            x="mingzewang",
        )
        venue = Venue.objects.create(name=LONG_VENUE, short_name="ICLR", kind="conference")
        paper = Publication.objects.create(
            title="A paper in a venue with a long name", kind="conference", year=2024, venue=venue
        )
        Authorship.objects.create(
            publication=paper, researcher=Researcher.objects.get(slug="mingze-wang"), position=1
        )
        yield demo_site


def open_page(browser, base_url: str, path: str, width: int = 1280, scheme: str = "light"):
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, color_scheme=scheme)
    page = context.new_page()
    response = page.goto(base_url + path, wait_until="load")
    assert response is not None and response.status == 200, path
    return context, page


@pytest.mark.parametrize(
    "path", ["/", "/people/zhiwei-bai/", "/people/mingze-wang/", "/publications/"]
)
def test_design_at_every_width_and_scheme(browser, design_site, path):
    problems = []
    for width in WIDTHS:
        for scheme in SCHEMES:
            problems += check_at_width(browser, design_site.url, path, width, scheme)
            name = (path.strip("/").replace("/", "_") or "home") + f"-{width}"
            suffix = "" if scheme == "light" else "-dark"
            context, page = open_page(browser, design_site.url, path, width, scheme)
            try:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SCREENSHOTS / f"design-{name}{suffix}.png", full_page=True)
            finally:
                context.close()
    assert not problems, "\n" + "\n".join(problems)


def test_profile_header_shows_the_placeholder_name_and_affiliation(browser, design_site):
    context, page = open_page(browser, design_site.url, "/people/zhiwei-bai/")
    try:
        header = page.locator(".profile-head")
        placeholder = header.locator("svg.avatar[role=img]")
        assert placeholder.get_attribute("aria-label") == "Zhiwei Bai"
        assert placeholder.locator("text").text_content() == "ZB"
        box = placeholder.bounding_box()
        assert box["width"] == box["height"] > 100
        assert header.locator("h1").inner_text() == "Zhiwei Bai 白志威"
        assert "Shanghai Jiao Tong University" in header.locator(".affiliations").inner_text()
        source = page.request.get(design_site.url + "/people/zhiwei-bai/").text()
        assert "bai299" not in source  # the e-mail is obfuscated in the source
        assert "bai299 [at] sjtu [dot] edu [dot] cn" in header.inner_text()
    finally:
        context.close()


def test_identity_links_are_rel_me_with_icons_from_the_sprite(browser, design_site):
    context, page = open_page(browser, design_site.url, "/people/mingze-wang/")
    try:
        links = page.locator(".identity-links a[rel=me]")
        labels = [links.nth(i).inner_text().strip() for i in range(links.count())]
        assert labels == [
            "Homepage",
            "ORCID",
            "Google Scholar",
            "GitHub",
            "LinkedIn",
            "Bluesky",
            "Mastodon",
            "X",
        ]
        for i in range(links.count()):
            icon = links.nth(i).locator("svg.icon use")
            assert icon.get_attribute("href").startswith("/static/icons.svg#")
            assert links.nth(i).locator("svg.icon").bounding_box()["width"] > 10
        sprite = page.request.get(design_site.url + "/static/icons.svg")
        assert sprite.status == 200
        for kind in ("homepage", "orcid", "scholar", "github", "linkedin", "bluesky", "x"):
            assert f'id="{kind}"' in sprite.text()
        # Not underlined until hovered.
        first = links.first
        assert (
            page.evaluate("(a) => getComputedStyle(a).textDecorationLine", first.element_handle())
            == "none"
        )
        first.hover()
        assert (
            page.evaluate("(a) => getComputedStyle(a).textDecorationLine", first.element_handle())
            == "underline"
        )
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_section_menu_names_every_section_and_stays_in_reach(browser, design_site, width):
    context, page = open_page(browser, design_site.url, "/people/zhiwei-bai/", width)
    try:
        sections = page.eval_on_selector_all(".profile-main section[id]", "s => s.map(e => e.id)")
        targets = page.eval_on_selector_all(
            ".toc a", "a => a.map(e => e.getAttribute('href').slice(1))"
        )
        assert sections and sorted(targets) == sorted(sections)
        page.locator("#activities").scroll_into_view_if_needed()
        box = page.locator(".toc").bounding_box()
        assert 0 <= box["y"] < HEIGHT  # sticky: still on screen far down the page
        page.locator(".toc a[href='#publications']").click()
        assert page.evaluate("location.hash") == "#publications"
    finally:
        context.close()


def test_two_columns_only_where_the_width_allows(browser, design_site):
    for width, columns in [(390, 1), (768, 1), (1280, 2)]:
        context, page = open_page(browser, design_site.url, "/people/zhiwei-bai/", width)
        try:
            toc = page.locator(".toc").bounding_box()
            main = page.locator(".profile-main").bounding_box()
            side_by_side = toc["x"] + toc["width"] <= main["x"]
            assert side_by_side == (columns == 2), width
        finally:
            context.close()


def test_entries_have_badges_buttons_and_toggles_that_need_no_script(browser, design_site):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": HEIGHT}
    )
    page = context.new_page()
    try:
        page.goto(design_site.url + "/people/zhiwei-bai/")
        entry = page.locator(
            "#publications li", has=page.locator("abbr.venue-badge", has_text="NeurIPS")
        ).first
        badge = entry.locator("abbr.venue-badge")
        assert "Neural Information Processing Systems" in badge.get_attribute("title")
        assert entry.locator("strong.me").inner_text() == "Zhiwei Bai"
        arxiv = page.locator("#publications a.button", has_text="arXiv").first
        assert arxiv.get_attribute("href").startswith("https://arxiv.org/abs/")
        abstract = entry.locator(".toggles details").first
        assert not abstract.evaluate("d => d.open")
        abstract.locator("summary").click()
        assert abstract.evaluate("d => d.open")
        assert abstract.locator("p").first.is_visible()
        bibtex = entry.locator(".toggles details", has=page.locator("summary", has_text="BibTeX"))
        bibtex.locator("summary").click()
        assert bibtex.locator("pre").inner_text().startswith("@")
    finally:
        context.close()


def test_a_long_author_list_unfolds_without_script(browser, design_site):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": HEIGHT}
    )
    page = context.new_page()
    try:
        page.goto(design_site.url + "/publications/")
        more = page.locator("details.more-authors").first
        summary = more.locator("summary")
        assert summary.inner_text().startswith("and ") and summary.inner_text().endswith(" more")
        hidden = int(summary.inner_text().split()[1])
        authors = more.locator("xpath=..")
        before = authors.inner_text()
        summary.click()
        after = authors.inner_text()
        assert after.count(",") >= before.count(",") + hidden - 1
        assert "more" not in after.split(",")[-1]
    finally:
        context.close()


def test_the_front_page_is_the_groups(browser, design_site):
    context, page = open_page(browser, design_site.url, "/")
    try:
        assert page.title() == "Deep Learning Theory Group"
        assert page.locator(".site-header .brand").inner_text() == "Deep Learning Theory Group"
        assert page.locator(".group-head h1").inner_text() == "Deep Learning Theory Group"
        assert "theory of deep learning" in page.locator(".introduction").inner_text()
        assert page.locator(".home-members > h3").all_inner_texts() == ["PhD students"]
        assert page.locator(".home-members .card").count() == 2
        assert page.locator("#news-heading").is_visible()
        footer = page.locator(".site-footer")
        assert footer.locator("a", has_text="API").first.get_attribute("href") == "/api/docs/"
        assert "Shanghai Jiao Tong University" in footer.locator("address").inner_text()
    finally:
        context.close()
