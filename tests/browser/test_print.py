"""The printed CV, as Chromium prints it to PDF (A4, the page's own @page size): as few pages
as its content needs, each with the person's name in a running head and its number."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Zhiwei Bai's CV (10 papers, 9 talks, 12 awards, 13 sections) fits in 3; 12 pages when each
# section started a page of its own.
MAX_PAGES = {"zhiwei-bai": 4, "mingze-wang": 4}


def printed(browser, url: str) -> PdfReader:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    finally:
        context.close()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"print-{url.rstrip('/').split('/')[-2]}-cv.pdf").write_bytes(pdf)
    return PdfReader(io.BytesIO(pdf))


@pytest.mark.parametrize("slug", MAX_PAGES)
def test_the_cv_prints_on_few_a4_pages_with_name_and_number_on_each(browser, demo_site, slug):
    reader = printed(browser, f"{demo_site.url}/people/{slug}/cv/")
    pages = len(reader.pages)
    assert 1 <= pages <= MAX_PAGES[slug], f"{pages} pages"
    name = {"zhiwei-bai": "Zhiwei Bai", "mingze-wang": "Mingze Wang"}[slug]
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text, text[:200]
        assert re.search(rf"{name}.*· Curriculum vitae", text), text[:200]


def test_sections_run_on_instead_of_starting_pages(browser, demo_site):
    reader = printed(browser, f"{demo_site.url}/people/zhiwei-bai/cv/")
    headings = ["Publications", "Talks and posters", "Teaching", "Awards and honours"]
    page_of = {}
    for number, page in enumerate(reader.pages):
        for line in page.extract_text().splitlines():
            if line.strip() in headings:
                page_of.setdefault(line.strip(), number)
    assert set(page_of) == set(headings)
    assert len(set(page_of.values())) < len(headings)  # some share a page
