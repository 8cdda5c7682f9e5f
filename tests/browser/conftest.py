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


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo site on a live server of the module's own, the demo loaded once and flushed
    at the module's end. (pytest-django's ``live_server`` brings a transactional database
    that is flushed after each test, which would load the demo for every test.) The
    server's thread has a connection of its own, so the demo is committed. Its tests carry
    ``django_db`` all the same: pytest-django sets up the test database only for a session
    whose tests ask for one."""
    from django.core.management import call_command
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        call_command("loaddemo", verbosity=0)
        server = LiveServer("127.0.0.1:0")
        try:
            yield server
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
