"""Browser tier: Playwright (from PyPI) driving Debian's Chromium against the local stack.

`make test` installs Chromium with apt-get where it can; where it cannot, these tests skip and say so.
"""
import os
from pathlib import Path

import pytest

from tests.support import portal_stack

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = os.environ.get("BAPAS_SCREENSHOTS")        # e.g. docs/img: the walk's screenshots go there


@pytest.fixture(scope="session")
def chromium():
    path = portal_stack.chromium_path()
    if path is None:
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium could not run here)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def portal(request):
    if request.config.getoption("--stack") == "compose":
        pytest.skip("the browser tier drives the local stack")
    stack, world = portal_stack.start()
    yield stack, world
    stack.cleanup()


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1000, "height": 900}, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str, phone: bool = False, whole: bool = True) -> None:
    """A screenshot for docs/portal.md when BAPAS_SCREENSHOTS names a folder (phone: 360 px wide;
    whole: the full page, else what the window shows, for a long list)."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    if phone:
        page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=whole)
    page.set_viewport_size(size)
