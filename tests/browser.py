"""Real-browser fixtures shared by the page tests: Debian's headless Chromium driven by Playwright,
screenshots written where the README says, and axe-core run on every page.

Registered as a pytest plugin by tests/conftest.py; a test asks for `open_page` and a live server."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
# Without these, Chromium dials Google's hosts at start-up and this closed network refuses it.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but there is no browser at {CHROMIUM}")
        pytest.skip(f"needs Chromium at {CHROMIUM} (Debian's chromium package)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make next to it
    # are still synchronous, so Django's guard against async contexts does not apply.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium):
    """open_page(width, height, dark=False, **context options) -> a Page in a fresh browser context."""
    contexts = []

    def make(width=1280, height=800, dark=False, **options):
        context = chromium.new_context(viewport={"width": width, "height": height},
                                       color_scheme="dark" if dark else "light", **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Write the whole page to var/screenshots/<name>.png, to be looked at as a user would."""
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page) -> None:
    """axe-core in the page: no serious or critical violation of WCAG 2.x A/AA."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag",
                                                   "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}})
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}; "
        f"{v['nodes'][0].get('failureSummary', '')}" for v in bad)


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
