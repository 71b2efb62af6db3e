"""The desk in headless Chromium against the live server on PostgreSQL: each role's journey, a
screenshot of every page at 1280×800 and 768×1024 (var/screenshots/web/), axe-core on every page,
and no sideways scrolling."""

import re

import openpyxl
import pytest

from scheduling.models import Recommendation
from tests.browser import assert_accessible, assert_no_horizontal_scroll, screenshot
from tests.factories import PASSWORD
from visits import periods
from visits.models import IssueStatus, VisitIssue

pytestmark = pytest.mark.services

VIEWPORTS = [(1280, 800), (768, 1024)]


def look(page, name: str, *, phone: bool = False) -> None:
    """Judge the page as people will see it: at the desk, on a tablet (and a phone where asked)."""
    page.wait_for_load_state("load")  # a click does not wait for the new page's stylesheet
    assert_accessible(page)
    for width, height in VIEWPORTS + ([(390, 844)] if phone else []):
        page.set_viewport_size({"width": width, "height": height})
        # Let the page lay itself out at the new size before judging and photographing it.
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        assert_no_horizontal_scroll(page)
        screenshot(page, f"web/{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})


def workbook(download):
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as file:
        return openpyxl.load_workbook(file)


def quarters_begun(desk) -> int:
    """The quarters of the desk's financial year begun by today: the rows of its return."""
    return len(periods.quarters_begun(desk["start"].year, today=desk["today"]))


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_sign_in_and_password_pages_are_the_products_own(live_server, open_page, desk, alice):
    page = open_page(locale="en-GB", timezone_id="Europe/London")
    page.goto(f"{live_server.url}/coverage/")
    assert page.url == f"{live_server.url}/signin/?next=/coverage/"
    assert "Django" not in page.content()
    look(page, "signin")
    page.get_by_role("link", name="Forgotten your password?").click()
    look(page, "password-reset")
    sign_in(page, live_server, alice)
    page.get_by_role("link", name="Password").click()
    look(page, "password-change")
    page.get_by_role("button", name="Sign out").click()
    assert page.url == f"{live_server.url}/signin/"


def test_a_manager_finds_the_gaps_corrects_a_report_and_downloads_the_return(live_server, open_page, desk, alice, suite, harbour):
    page = open_page(locale="en-GB", timezone_id="Europe/London")
    sign_in(page, live_server, alice)
    assert page.url == f"{live_server.url}/coverage/"
    assert page.get_by_role("heading", name=re.compile("to date")).first.is_visible()
    look(page, "coverage", phone=True)
    page.get_by_role("link", name="animal unit").click()
    look(page, "coverage-animal")

    # A suite's coverage for the first quarter: Central had 7 of its 35 cells visited.
    page.goto(f"{live_server.url}/coverage/")
    page.get_by_label("Quarter").select_option("1")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Central").click()
    assert page.get_by_role("heading", name=re.compile("Q1")).first.is_visible()
    assert page.locator("table.heatmap td.gap").count() == 28
    assert page.locator("ul.unvisited li").count() == 28
    assert "Monday 00:00-07:59" in page.locator("ul.unvisited").inner_text()
    look(page, "site-coverage", phone=True)

    # The page a refresh leaves while the worker is busy (no worker here: it stays waiting).
    page.goto(f"{live_server.url}/coverage/{harbour.pk}/?waiting=0")
    assert "Refresh queued" in page.locator("#refresh-progress").inner_text()
    look(page, "recommendation-refreshing")

    page.get_by_role("link", name="Recommendations").click()
    look(page, "recommendations")

    # Correct a report, with a reason, and find the correction in its history.
    page.get_by_role("link", name="Reports").click()
    look(page, "reports")
    page.locator("table tbody a").first.click()
    look(page, "report")
    page.get_by_role("link", name="Correct this report").click()
    page.get_by_label("Travel (minutes, all visitors)").fill("45")
    page.get_by_label("Reason for the correction").fill("The visitors' travel was left out")
    look(page, "report-correct")
    page.get_by_role("button", name="Save the correction").click()
    history = page.locator(".correction").first.inner_text()
    assert "The visitors' travel was left out" in history and "Travel (minutes, all visitors): 0 → 45" in history

    page.get_by_role("link", name="Issues").click()
    queue = page.locator("table tbody").inner_text()
    assert "No soap at the basin" in queue and "Blankets missing" in queue and "Kettle broken" not in queue
    look(page, "issues")

    page.get_by_role("link", name="Volunteers").click()
    look(page, "volunteers")

    page.get_by_role("link", name="KPIs and returns").click()
    look(page, "kpis")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel (XLSX)").click()
    book = workbook(download.value)
    assert [cell.value for cell in book["Quarterly return"][1]][:3] == ["Scheme", "Financial year", "Quarter"]
    sheet = book["data"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["scheme", "fy", "quarter"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [suite.scheme_id] * quarters_begun(desk)
    people = [row[0] for row in book["Quarterly return"].iter_rows(min_row=2, values_only=True)]
    assert people == [suite.scheme.name] * quarters_begun(desk)

    page.get_by_role("link", name=re.compile(r"\(to date\)")).click()
    assert "to date" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="Print or save as PDF").wait_for(state="visible")  # shown by its script
    look(page, "annual-report", phone=True)


def test_a_manager_refreshes_a_recommendation_and_sees_the_new_one(live_server, open_page, worker, desk, alice, suite):
    before = Recommendation.objects.filter(site=suite).count()
    page = open_page(locale="en-GB", timezone_id="Europe/London")
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}/coverage/{suite.pk}/")
    page.get_by_role("button", name="Refresh the recommendation").click()
    try:
        page.get_by_text("The new recommendation is ready.").wait_for(timeout=60_000)
    except Exception:
        raise AssertionError(f"no new recommendation shown; the worker said:\n{worker.log.read_text()}") from None
    look(page, "recommendation-refreshed")
    assert Recommendation.objects.filter(site=suite).count() == before + 1, worker.log.read_text()
    latest = Recommendation.objects.filter(site=suite).latest("generated_at")
    assert page.get_by_text(f"Plan for {latest.plan_from:%-d %b %Y}").is_visible()


def test_the_inspector_responds_and_sees_nothing_of_when_visits_happen(live_server, open_page, desk, carol):
    page = open_page(locale="en-GB", timezone_id="Europe/London")
    sign_in(page, live_server, carol)
    assert page.url == f"{live_server.url}/force/"
    text = page.locator("main").inner_text()
    assert "No soap at the basin" in text and "Blankets missing" in text and "Kettle broken" not in text
    look(page, "force")

    first = page.locator("section.issue").first
    first.get_by_label("The force's response").fill("Soap restocked; checked at every shift change")
    first.get_by_role("button", name="Record the response").click()
    assert "is recorded" in page.locator(".messages").inner_text()
    answered = VisitIssue.objects.get(force_response__startswith="Soap restocked")
    assert answered.status == IssueStatus.RESPONDED and answered.responded_by == carol
    assert "Soap restocked" in page.locator("table").inner_text()
    look(page, "force-answered")

    for url in ["/force/", "/password/"]:
        page.goto(f"{live_server.url}{url}")
        body = page.locator("body").inner_text().lower()
        assert not re.search(r"coverage|recommend|plan|\d\d:\d\d", body), body
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert not [link for link in links if re.search(r"coverage|recommend|heatmap|reports/", link)], links
    for url in ["/coverage/", "/recommendations/", "/reports/", "/api/v1/coverage/?site=1"]:
        assert page.request.get(f"{live_server.url}{url}").status == 404


def test_an_analyst_downloads_a_granted_return_and_not_another(live_server, open_page, desk, dave, other_scheme):
    page = open_page(locale="en-GB", timezone_id="Europe/London")
    sign_in(page, live_server, dave)
    assert page.url == f"{live_server.url}/returns/"
    assert "Northshire" in page.locator("table").inner_text()
    assert "No soap" not in page.content() and "bob" not in page.content()
    look(page, "returns")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel (XLSX)").first.click()
    sheet = workbook(download.value)["Quarterly return"]
    assert sheet.max_row == 1 + quarters_begun(desk)  # a quarter not begun is never a row
    fy = desk["start"].year
    other = page.request.get(f"{live_server.url}/api/v1/kpis/export/?scheme={other_scheme.pk}&fy={fy}&format=xlsx")
    assert other.status == 404


def test_a_visitor_is_pointed_to_the_phone_app(live_server, open_page, desk, bob):
    page = open_page(locale="en-GB", timezone_id="Europe/London")
    sign_in(page, live_server, bob)
    assert page.get_by_role("link", name="Open the phone app").get_attribute("href") == "/app/"
    look(page, "visitor")


def test_a_suites_plan_on_a_phone_shows_its_note_and_each_date_on_one_line(live_server, open_page, desk, alice, suite):
    latest = Recommendation.objects.filter(site=suite).latest("generated_at")
    assert latest.plan
    latest.plan = [{**visit, "handover": True} for visit in latest.plan]
    latest.largest_probability = 0.08
    latest.save()
    page = open_page(390, 844, locale="en-GB", timezone_id="Europe/London")
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}/coverage/{suite.pk}/")
    assert "The likeliest cell had an 8% chance of being planned" in page.locator("main").inner_text()
    note = page.locator("table.plan td.note").first
    assert note.inner_text() == "overlaps a staff handover: expect a wait"
    box = note.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # in view, not scrolled off to the right
    lines = page.locator("table.plan td.date .nowrap").evaluate_all(
        "dates => dates.map(date => date.getClientRects().length)")
    assert lines and set(lines) == {1}
    look(page, "site-plan", phone=True)
