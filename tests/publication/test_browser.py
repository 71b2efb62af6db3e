"""The public page in headless Chromium on the live server, signed out: at 1280 and 390 px, English
and Welsh, axe-core clean, no sideways scrolling, every link reached from the keyboard, no cookie
stored; screenshots in var/screenshots/public/."""

import pytest

from publication.services import release_publish
from tests.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.services


def test_the_public_page_in_a_browser(live_server, open_page, alice, scheme, year):
    scheme.languages = "en,cy"
    scheme.save()
    release_publish(scheme=scheme, fy=2023, quarter=3, user=alice)
    release_publish(scheme=scheme, fy=2023, quarter=0, user=alice)
    for lang, path in (("en", "/public/northshire/"), ("cy", "/public/northshire/cy/")):
        page = open_page()
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == ("en-GB" if lang == "en" else "cy")
        assert page.get_by_role("table").count() >= 8
        assert_accessible(page)
        for width, height in [(1280, 800), (390, 844)]:
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            assert_no_horizontal_scroll(page)
            # No table scrolls inside its box either: every figure is in view.
            assert page.evaluate("[...document.querySelectorAll('.table-wrap')].every(e => e.scrollWidth <= e.clientWidth)")
            assert_accessible(page)
            screenshot(page, f"public/scheme-{lang}-{width}")
        assert page.context.cookies() == []

    # The keyboard: the skip link first, then every link of the page in turn, each visibly focused.
    page = open_page(width=390, height=844)
    page.goto(f"{live_server.url}/public/northshire/")
    links = page.locator("a[href]").count()
    reached = []
    for _ in range(links):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert reached[0] == "Skip to the content"
    assert {"Cymraeg", "These figures as CSV", "These figures as JSON", "New releases (Atom feed)"} <= set(reached)
    assert len(reached) == links

    # Printed: the print style sheet drops the links to files and keeps the tables.
    page.emulate_media(media="print")
    assert not page.get_by_text("These figures as CSV").is_visible()
    assert page.get_by_role("table").first.is_visible()
    screenshot(page, "public/scheme-en-print")
