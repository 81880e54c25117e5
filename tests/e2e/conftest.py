"""Browser tests: Debian's Chromium driven by Playwright's sync API against live_server.

Playwright's own browser download is not used (`make browser` installs Debian's
chromium), so this conftest launches it directly instead of pytest-playwright's fixtures.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.e2e.browser import at_width, sign_in

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium_browser, live_server):
    """A fresh browser context (no cookies) at a tablet-and-up width, per test."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def open_as(chromium_browser, live_server):
    """open_as(username, path=None, width=1280): a page in a fresh context (no cookies) `width` px
    wide, signed in as `username`, then at `path`; every context it opens is closed after the test."""
    contexts = []

    def _open(username, path=None, width=1280):
        context, page = at_width(chromium_browser, live_server, width)
        contexts.append(context)
        sign_in(page, username)
        if path is not None:
            page.goto(path)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, name): a full-page PNG in var/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _take


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page; fail listing every violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _check(page) -> None:
        results = axe.run(page)
        if results.violations_count:
            report = results.generate_report()
            print(report)
            pytest.fail(f"{results.violations_count} accessibility violation(s) on {page.url}:\n{report}")

    return _check
