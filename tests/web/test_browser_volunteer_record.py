"""The register in headless Chromium: the manager sees what falls due, filters by stage, opens a
visitor on probation, appoints them and records their TACT training; at 1280 and 390 px, axe clean,
nothing scrolling sideways. Screenshots in var/screenshots/web/register-*."""

from datetime import timedelta

import pytest

from tests.browser import assert_accessible, assert_no_horizontal_scroll, screenshot
from tests.factories import PASSWORD, UserFactory
from visits.models import Role, Stage, TrainingCourse, TrainingRecord

pytestmark = pytest.mark.services


def look(page, name: str) -> None:
    page.wait_for_load_state("load")
    assert_accessible(page)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        assert_no_horizontal_scroll(page)
        screenshot(page, f"web/register-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_manager_keeps_the_register_at_the_desk(live_server, open_page, desk, scheme, alice, bob):
    today = desk["today"]
    bob.vetting_cleared_on, bob.vetting_expires_on = today - timedelta(days=1000), today + timedelta(days=25)
    bob.save()
    refresher = TrainingCourse.objects.get(scheme=scheme, key="refresher")
    TrainingRecord.objects.create(volunteer=bob, course=refresher, completed_on=today - timedelta(days=1000),
                                  expires_on=today + timedelta(days=45))
    pat = UserFactory(username="pat", first_name="Pat", last_name="Newcombe", role=Role.VISITOR, scheme=scheme,
                      stage=Stage.PROBATION, joined_on=today - timedelta(days=170),
                      probation_ends_on=today + timedelta(days=10))
    pat.buddy = bob
    pat.save()
    page = open_page(locale="en-GB", timezone_id="Europe/London")
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("Username").fill(alice.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coverage/")

    page.goto(f"{live_server.url}/volunteers/")
    due = page.locator("table").first
    assert "Probation ends" in due.inner_text() and "Vetting expires" in due.inner_text()
    look(page, "list")
    page.get_by_role("link", name="On probation (1)").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Pat Newcombe").last.click()
    assert "May visit today, on probation" in page.locator("main").inner_text()
    look(page, "visitor")

    page.get_by_label("Course").select_option(label="TACT visits")
    page.get_by_label("Completed on").fill(today.isoformat())
    page.get_by_role("button", name="Record the training").click()
    page.get_by_text("The training is recorded.").wait_for()
    page.locator("#id_state").select_option("appointed")
    page.get_by_role("button", name="Save the record").click()
    page.get_by_text("The record is saved.").wait_for()
    facts = page.locator("dl.facts").inner_text()
    assert "Appointed" in facts and "Probation signed off on" in facts
    look(page, "appointed")

    page.get_by_label("Term ends on").fill((today - timedelta(days=400)).isoformat())
    page.get_by_role("button", name="Save the record").click()
    page.get_by_text("A term cannot end before it starts.").wait_for()
    look(page, "refused")
