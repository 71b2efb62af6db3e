"""The Welsh desk in headless Chromium: a Welsh-speaking manager signs in, answers the question of
language once, reads coverage and KPIs in Welsh and switches to English in one tap; axe-core clean in
both languages, screenshots (var/screenshots/web/*-cy-*) at the desk, on a tablet and on a phone."""

import pytest

from tests.factories import PASSWORD
from tests.web.test_browser import look
from visits.models import Language, SchemeLanguages

pytestmark = pytest.mark.services


def test_a_welsh_speaking_manager_uses_the_desk_in_welsh(live_server, open_page, desk, scheme, alice):
    scheme.languages = SchemeLanguages.BILINGUAL
    scheme.save()
    page = open_page(locale="en-GB", timezone_id="Europe/London")
    page.goto(f"{live_server.url}/signin/")
    page.get_by_role("button", name="Cymraeg").click()
    assert page.locator("html").get_attribute("lang") == "cy"
    look(page, "signin-cy", phone=True)
    page.get_by_label("Enw defnyddiwr").fill(alice.username)
    page.get_by_label("Cyfrinair").fill(PASSWORD)
    page.get_by_role("button", name="Mewngofnodi").click()
    look(page, "language-question", phone=True)
    page.get_by_role("button", name="Cymraeg").click()
    alice.refresh_from_db()
    assert alice.language == Language.WELSH
    assert page.url == f"{live_server.url}/coverage/"
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Cwmpas: Blwyddyn ariannol")
    look(page, "coverage-cy", phone=True)
    page.get_by_role("link", name="DPA a ffurflenni").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("DPA: Blwyddyn ariannol")
    look(page, "kpis-cy", phone=True)

    page.get_by_role("button", name="English").click()
    assert page.url == f"{live_server.url}/kpis/"
    assert page.locator("html").get_attribute("lang") == "en-GB"
    assert page.get_by_role("heading", level=1).inner_text().startswith("KPIs: Financial year")
    look(page, "kpis-en-switched")
    page.get_by_role("link", name="Coverage").click()
    look(page, "coverage-en-switched")
