"""Every desk page each role can reach, in a real browser at 1280, 768 and 390 px: axe finds nothing
serious or critical, and no page scrolls sideways. Screenshots at 390 px go to
var/screenshots/web/every-page/, to be looked at as a person on a phone would."""

import re

from tests.browser import assert_accessible, assert_no_horizontal_scroll, screenshot
from tests.factories import PASSWORD
from visits.models import AnimalVisit

WIDTHS = ((1280, 800), (768, 1024), (390, 844))


def manager_pages(desk, suite, animal_unit):
    custody, animal = desk["visits"][0], AnimalVisit.objects.get(site=animal_unit)
    fy = desk["start"].year
    return ["/coverage/", "/coverage/?grid=animal", f"/coverage/{suite.pk}/", "/recommendations/", "/reports/",
            "/reports/?kind=animal", f"/reports/custody/{custody.pk}/", f"/reports/custody/{custody.pk}/correct/",
            f"/reports/animal/{animal.pk}/", "/issues/", "/kpis/", "/volunteers/", f"/volunteers/{custody.created_by_id}/",
            "/password/", f"/reports/annual/{suite.scheme_id}/{fy}/", "/meetings/", "/cohort/", "/rota/",
            "/publication/"]


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/(coverage|force|returns)/$"))


def sweep(open_page, live_server, user, paths, role):
    for width, height in WIDTHS:
        page = open_page(width, height, locale="en-GB", timezone_id="Europe/London")
        sign_in(page, live_server, user)
        for path in paths:
            answer = page.goto(f"{live_server.url}{path}")
            assert answer is not None and answer.status == 200, (path, answer and answer.status)
            try:
                assert_accessible(page)
                assert_no_horizontal_scroll(page)
            except AssertionError as failure:
                raise AssertionError(f"{role} at {width} px on {path}: {failure}") from None
            if width == 390:
                name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()) or "start"
                screenshot(page, f"web/every-page/{role}-{name}-390")


def test_every_managers_page_at_every_width(live_server, open_page, desk, alice, suite, animal_unit):
    sweep(open_page, live_server, alice, manager_pages(desk, suite, animal_unit), "manager")


def test_every_custody_inspectors_page_at_every_width(live_server, open_page, desk, carol):
    sweep(open_page, live_server, carol, ["/force/", "/password/"], "custody")


def test_every_analysts_page_at_every_width(live_server, open_page, desk, dave, suite):
    sweep(open_page, live_server, dave, ["/returns/", f"/reports/annual/{suite.scheme_id}/{desk['start'].year}/",
                                         "/password/"], "analyst")
