"""Every page type, in a real browser at phone and desktop widths: it loads, logs no error,
does not scroll sideways, has no serious or critical axe-core violation, and its HTML passes
the Nu HTML checker. Full-page screenshots go to test-artifacts/screenshots/ (git-ignored).

To check another page type, add one of its URLs to PAGES.
"""

import json
import subprocess
from urllib.request import urlopen

import pytest

from tests.browser.conftest import AXE_JS, SCREENSHOTS, VNU_JAR, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGES = [
    "/",
    "/people/",
    "/people/zhiwei-bai/",
    "/people/mingze-wang/",
    "/people/mingze-wang/cv/",
    "/publications/",
    "/publications/?year=2024&kind=conference",
    "/publications/adaptive-preconditioners-trigger-loss-spikes-in-adam/",
    "/talks/",
    "/talks/phenomenon-driven-deep-learning-theory/",
    "/events/csiam-2024/",
    "/search/?q=loss+spike",
    "/people/zhiwei-bai/network/",
    "/network/",
    "/experts/?q=implicit+bias",
    # In Chinese: the interface's translations, dates and the CJK fonts (no boxes).
    "/zh-hans/",
    "/zh-hans/people/zhiwei-bai/",
    "/zh-hans/people/mingze-wang/cv/",
    "/zh-hans/publications/",
    "/zh-hans/talks/",
    "/zh-hans/talks/phenomenon-driven-deep-learning-theory/",
    "/zh-hans/search/?q=%E7%99%BD%E5%BF%97%E5%A8%81",
]
WIDTHS = [390, 1280]
HEIGHT = 800
AXE_FAILING_IMPACTS = {"serious", "critical"}

# The innermost elements that stick out past the right edge of the viewport.
OVERFLOWING_ELEMENTS_JS = """() => {
  const edge = document.documentElement.clientWidth + 0.5;
  const sticksOut = (el) => el.getBoundingClientRect().right > edge;
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim())
      name += "." + el.className.trim().split(/\\s+/).join(".");
    return name + " (right edge " + Math.round(el.getBoundingClientRect().right) + "px)";
  };
  return [...document.body.querySelectorAll("*")]
    .filter((el) => sticksOut(el) && ![...el.children].some(sticksOut))
    .slice(0, 8)
    .map(describe);
}"""

AXE_RUN_JS = """async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""


def page_name(path: str) -> str:
    return path.strip("/").replace("/", "_") or "home"


def check_at_width(
    browser, base_url: str, path: str, width: int, scheme: str = "light"
) -> list[str]:
    """Everything wrong with one page at one viewport width and colour scheme, one line each."""
    where = f"{path} @{width}px {scheme}"
    problems = []
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, color_scheme=scheme)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        errors = []
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and errors.append(f"console: {message.text} ({message.location.get('url', '')})")
            ),
        )
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))

        response = page.goto(base_url + path, wait_until="load")
        if response is None or response.status != 200:
            status = response.status if response else "no response"
            return [f"{where}: status {status}, expected 200"]

        scroll_width, inner_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            offenders = ", ".join(page.evaluate(OVERFLOWING_ELEMENTS_JS)) or "?"
            problems.append(
                f"{where}: scrolls sideways (scrollWidth {scroll_width} > innerWidth "
                f"{inner_width}); sticking out: {offenders}"
            )

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        suffix = "" if scheme == "light" else f"-{scheme}"
        page.screenshot(path=SCREENSHOTS / f"{page_name(path)}-{width}{suffix}.png", full_page=True)

        # From the page's own origin, since the Content-Security-Policy refuses inline script.
        axe = require(AXE_JS, "axe-core")
        context.route(f"{base_url}/__axe.min.js", lambda route: route.fulfill(path=axe))
        page.add_script_tag(url=f"{base_url}/__axe.min.js")
        for violation in page.evaluate(AXE_RUN_JS):
            if violation["impact"] in AXE_FAILING_IMPACTS:
                problems.append(
                    f"{where}: axe {violation['impact']} {violation['id']}: {violation['help']}; "
                    f"on {', '.join(violation['targets'])}"
                )

        problems.extend(f"{where}: {error}" for error in errors)
    finally:
        context.close()
    return problems


@pytest.mark.parametrize("path", PAGES, ids=page_name)
def test_page_in_browser(browser, demo_site, path):
    problems = []
    for width in WIDTHS:
        problems += check_at_width(browser, demo_site.url, path, width)
    # Dark mode once, at phone width: its own colours must pass the contrast rules too.
    problems += check_at_width(browser, demo_site.url, path, WIDTHS[0], scheme="dark")
    assert not problems, "\n" + "\n".join(problems)


def test_pages_are_valid_html(demo_site, java, tmp_path):
    """All pages through the Nu HTML checker in one JVM start."""
    files = {}
    for path in PAGES:
        with urlopen(demo_site.url + path, timeout=30) as response:
            assert response.status == 200, path
            file = tmp_path / f"{page_name(path)}.html"
            file.write_bytes(response.read())
            files[file.resolve().as_uri().removeprefix("file://")] = path

    vnu = require(VNU_JAR, "the Nu HTML checker (vnu-jar)")
    result = subprocess.run(
        [java, "-jar", str(vnu), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = result.stderr.strip() or result.stdout.strip()
    assert output, f"vnu printed nothing (exit {result.returncode})"
    messages = json.loads(output)["messages"]

    def page_of(url: str) -> str:
        return next((p for f, p in files.items() if url.endswith(f)), url)

    errors = [
        f"{page_of(m.get('url', ''))} line {m.get('lastLine', '?')}: {m['type']}: {m['message']}"
        f" [{m.get('extract', '').strip()}]"
        for m in messages
    ]
    assert not errors, "\n" + "\n".join(errors)
    assert result.returncode == 0, output
