"""Swagger UI and Redoc render the API's schema with nothing fetched from another site."""

import json
from urllib.request import urlopen

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize(
    "path, rendered",
    [
        ("/api/docs/", ".opblock-summary-path"),  # one per operation
        ("/api/redoc/", "[data-section-id^='operation/']"),  # one section per operation
    ],
)
def test_api_docs_render_offline(browser, live_server, path, rendered):
    page = browser.new_page()
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    # Every operation of the schema the pages render, each shown once.
    with urlopen(live_server.url + "/api/schema/?format=json") as response:
        schema = json.load(response)
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    operations = sum(len(methods & set(item)) for item in schema["paths"].values())
    assert operations >= 16  # seven lists, seven details, two nested lists
    try:
        page.goto(live_server.url + path)
        page.locator(rendered).nth(operations - 1).wait_for(timeout=20_000)
        assert page.locator(rendered).count() == operations
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"api-{path.strip('/').replace('/', '-')}.png")
    finally:
        page.close()
    assert outside == []
    # Redoc's footer would fetch Redocly's logo from a CDN; the Content-Security-Policy stops
    # it (Redoc then drops the image), and that refusal is the one error allowed.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [e for e in errors if not (logo in e and "Content Security Policy" in e)] == []
