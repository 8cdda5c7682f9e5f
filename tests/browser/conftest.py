"""Fixtures for the browser checks: Debian's Chromium driven by Playwright, the demo site on
pytest-django's live server, and axe-core and the Nu HTML checker from node_modules.

`make browser-tools` (a prerequisite of `make test` and `make pytest`) installs all of them.
"""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def require(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.fail(f"{what} is missing at {path}; `make browser-tools` installs it", False)
    return path


@pytest.fixture(scope="session")
def java() -> str:
    found = shutil.which("java")
    if not found:
        pytest.fail("no `java` on PATH; `make browser-tools` installs default-jre-headless", False)
    return found


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, closed at its end."""
    from playwright.sync_api import sync_playwright

    require(CHROMIUM, "Debian's chromium")
    # Playwright's sync API keeps an asyncio loop running in this thread, and Django then refuses
    # ORM calls (loading the demo, the live_server flush) as if they came from async code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_site(live_server):
    """The live server with the demo loaded (live_server brings a transactional database,
    which is flushed after each test, so the demo is loaded for each test)."""
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)
    return live_server
