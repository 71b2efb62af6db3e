"""The issues pages in headless Chromium, at the desk (1280 px) and on a phone (390 px): axe-core,
no sideways scrolling, and the manager's and custody staff's actions as people take them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser import assert_accessible, assert_no_horizontal_scroll, screenshot
from tests.web.test_browser import sign_in
from visits import services
from visits.models import IssueStatus, Notification, VisitIssue

pytestmark = pytest.mark.services


def look(page, name: str) -> None:
    page.wait_for_load_state("load")
    assert_accessible(page)
    for width, height in [(1280, 800), (390, 844)]:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        assert_no_horizontal_scroll(page)
        screenshot(page, f"web/{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def followed(desk, alice, carol):
    soap = VisitIssue.objects.get(description="No soap at the basin")
    soap.due_on = soap.scheme.local_today() - timedelta(days=3)
    soap.save()
    failed = Notification.objects.create(scheme=alice.scheme, to_email="custody@force.example", subject="Issues",
                                         body="-", failed_at=timezone.now())
    failed.issues.add(soap)
    blankets = VisitIssue.objects.get(description="Blankets missing in cell 4")
    services.issue_respond(issue=blankets, by=carol, response="Blankets ordered")
    services.issue_reopen(issue=blankets, by=alice, note="Ordered is not delivered: when will cell 4 have them?")
    return {"soap": soap, "blankets": blankets}


def test_the_manager_follows_issues_and_records_a_telephoned_response(live_server, open_page, followed, alice):
    page = open_page(locale="en-GB", timezone_id="Europe/London")
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}/issues/")
    soap = page.locator(f"#issue-{followed['soap'].pk}")
    assert "Overdue" in soap.inner_text() and "The e-mail to the force failed" in soap.inner_text()
    blankets = page.locator(f"#issue-{followed['blankets'].pk}").inner_text()
    assert "Reopened on" in blankets and "when will cell 4 have them?" in blankets
    soap.locator("summary").click()
    look(page, "issues-manager")

    soap.get_by_label("The response the force gave by telephone").fill("Soap bought this morning")
    soap.get_by_role("button", name="Record the response").click()
    assert "is recorded" in page.locator(".messages").inner_text()
    page.goto(f"{live_server.url}/issues/?status=all")
    answered = page.locator(f"#issue-{followed['soap'].pk}").inner_text()
    assert "Soap bought this morning" in answered and "by telephone" in answered
    followed["soap"].refresh_from_db()
    assert (followed["soap"].status, followed["soap"].by_telephone) == (IssueStatus.RESPONDED, True)


def test_custody_staff_see_what_awaits_them_by_suite_and_cards_on_a_phone(live_server, open_page, followed, carol,
                                                                           harbour):
    services.issue_respond(issue=followed["soap"], by=carol, response="Soap restocked at every basin")
    page = open_page(locale="en-GB", timezone_id="Europe/London")
    sign_in(page, live_server, carol)
    assert "1 issue awaits your response" in page.locator("main").inner_text()
    assert "reopened this on" in page.locator("main").inner_text()
    look(page, "force-issues")

    page.set_viewport_size({"width": 390, "height": 844})
    response = page.locator("table.stack td[data-label='Response']").first
    box = response.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_label("Suite").select_option(label="Central")
    page.get_by_role("button", name="Show").click()
    text = page.locator("main").inner_text()
    assert "Blankets missing" not in text and "Soap restocked" in text
    look(page, "force-issues-central")
