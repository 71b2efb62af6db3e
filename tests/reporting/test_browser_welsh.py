"""The annual report in Welsh in headless Chromium on the live server: a browser asking for Welsh gets
the page in Welsh, its print button shown by its script, axe-core clean, no sideways scrolling, and a
screenshot at the desk and on a tablet (var/screenshots/reporting/)."""

import pytest
from django.conf import settings
from django.test import Client

from tests.browser import SCREENSHOTS, assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.services


def signed_in_page(open_page, live_server, user, **options):
    """A page whose browser carries the user's session (the desk's sign-in page is not this app's)."""
    client = Client()
    client.force_login(user)
    page = open_page(**options)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    return page


def test_the_annual_report_in_welsh_in_a_browser(live_server, open_page, alice, scheme, year):
    alice.language = "cy"
    alice.save(update_fields=["language"])
    page = signed_in_page(open_page, live_server, alice, locale="cy", timezone_id="Europe/London")
    page.goto(f"{live_server.url}/reports/annual/{scheme.pk}/2023/")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "cy"
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Northshire: ymweld annibynnol â'r ddalfa, adroddiad blynyddol 2023/24"
    page.get_by_role("button", name="Argraffu neu gadw fel PDF").wait_for(state="visible")  # shown by its script
    assert page.get_by_role("navigation", name="Adrannau'r adroddiad").is_visible()
    assert page.get_by_role("img", name="Central: ymweliadau fesul slot amser").is_visible()
    assert page.get_by_role("cell", name="Dydd Llun").first.is_visible()
    assert_accessible(page)
    for width, height in [(1280, 800), (768, 1024), (390, 844)]:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        assert_no_horizontal_scroll(page)
        screenshot(page, f"reporting/annual-report-cy-{width}")
    # Close-ups of the parts most likely to break in a longer language: the figures, a heatmap, the chart.
    page.set_viewport_size({"width": 1280, "height": 800})
    for part in ("header", "#summary", "#timeslots .site", "#issues figure", "#animal-welfare .site"):
        name = part.strip("#").replace(" ", "-").replace(".", "")
        page.locator(part).first.screenshot(path=str(SCREENSHOTS / "reporting" / f"annual-report-cy-{name}.png"))
