"""The manager's team meeting and cohort pages in a real browser at 1280 and 390 px: a meeting added
and its attendance ticked through the forms, the cohort's charts beside the population with their
numbers in a table; axe clean, no sideways scrolling, screenshots in var/screenshots/web/."""

import pytest

from tests.browser import assert_accessible, assert_no_horizontal_scroll, screenshot
from tests.factories import PASSWORD, UserFactory
from visits.models import Role
from volunteers.models import Attendance, HomeArea, Meeting
from volunteers.services import population_set, profile_save

pytestmark = pytest.mark.services


def look(page, name: str) -> None:
    page.wait_for_load_state("load")
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
        screenshot(page, f"web/{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def cohort(scheme):
    """LLR's home areas and sixteen volunteers: 6 from the city, 10 from the county, none from Rutland."""
    city, county = (HomeArea.objects.create(scheme=scheme, slug=slug, name=name)
                    for slug, name in (("leicester", "Leicester"), ("leicestershire", "Leicestershire")))
    HomeArea.objects.create(scheme=scheme, slug="rutland", name="Rutland")
    people = []
    for n in range(16):
        person = UserFactory(scheme=scheme, role=Role.VISITOR, first_name=f"Vol{n:02d}", last_name="Unteer")
        profile_save(user=person, fields={"home_area": city if n < 6 else county,
                                          "gender": "female" if n % 2 else "male",
                                          "age_band": ("35-49", "50-64", "65-74")[n % 3]})
        people.append(person)
    population_set(scheme=scheme, shares={
        "home_area": {"leicester": 31.6, "leicestershire": 62.5, "rutland": 5.9},
        "gender": {"female": 50.7, "male": 49.3},
        "age_band": {"18-19": 3.1, "20-24": 8.0, "25-34": 16.3, "35-49": 23.5, "50-64": 24.1, "65-74": 13.9,
                     "75+": 11.1}})
    return people


def test_a_manager_records_a_meeting_and_reads_the_cohort(live_server, open_page, alice, cohort):
    page = open_page(locale="en-GB", timezone_id="Europe/London")
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("Username").fill(alice.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coverage/")

    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_label("Date").fill("2023-06-07")
    page.get_by_label("How it is held").select_option("hybrid")
    page.get_by_role("button", name="Add the meeting").click()
    page.wait_for_url("**/meetings/*/")
    for person in cohort[:12]:
        page.get_by_label(person.get_full_name()).check()
    look(page, "meeting-attendance")
    page.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state("load")
    assert "12 attended" in page.locator(".messages").inner_text()
    meeting = Meeting.objects.get()
    assert Attendance.objects.filter(meeting=meeting).count() == 12
    assert page.get_by_label(cohort[12].get_full_name()).is_checked() is False

    page.get_by_role("link", name="Meetings", exact=True).click()
    row = page.get_by_role("row", name="Quarterly team meeting")
    assert "Hybrid" in row.inner_text() and row.get_by_role("cell").last.inner_text() == "12"
    look(page, "meetings")

    page.get_by_role("link", name="Cohort").click()
    areas = page.get_by_role("table", name="Home area: volunteers and population")
    assert areas.get_by_role("row", name="Leicester").first.inner_text().split("\t")[1:] == ["6", "37.5", "31.6"]
    assert areas.get_by_role("row", name="Rutland").inner_text().split("\t")[1:] == ["0", "0.0", "5.9"]
    assert page.get_by_role("img", name="Home area: volunteers beside the area's population, in %").is_visible()
    look(page, "cohort")
