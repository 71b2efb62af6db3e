"""The rota on the phone at 390 px: the visits given to bob on "My visits" (partner, Accept, Can't go with a
reason) and "My availability" (the week's grid, leave, e-mail), through the public API only."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from rota.models import Assignment, Availability, Decline, Seat
from rota.services import availability_save
from tests.browser import assert_accessible, assert_no_horizontal_scroll, screenshot
from tests.phone.conftest import full_name, sign_in

pytestmark = pytest.mark.services


def looked_at(page, name):
    screenshot(page, f"phone/rota-{name}")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def given(suite, day, *pair):
    visit = Assignment.objects.create(scheme=suite.scheme, site=suite, date=day, band="20:00-23:59",
                                      window_from=day - timedelta(days=day.weekday()),
                                      window_to=day - timedelta(days=day.weekday()) + timedelta(days=6))
    Seat.objects.bulk_create([Seat(assignment=visit, visitor=person) for person in pair])
    return visit


def test_my_visits_shows_the_visits_given_with_accept_and_cannot_go(phone, scheme, suite, bob, bella):
    today = scheme.local_today()
    first, second = given(suite, today + timedelta(days=8), bob, bella), given(suite, today + timedelta(days=10), bob, bella)
    page = phone()
    sign_in(page, bob)
    rota = page.locator("#rota")
    rota.get_by_text(f"With {full_name(bella)}").first.wait_for()
    assert rota.locator("li").count() == 2 and "Central" in rota.inner_text()
    looked_at(page, "01-my-visits")

    rota.locator("li").first.get_by_role("button", name="Accept").click()
    rota.get_by_text("You have accepted").wait_for()
    assert Seat.objects.get(assignment=first, visitor=bob).accepted_at is not None

    card = rota.locator("li").nth(1)
    card.get_by_role("button", name="Can't go").click()
    card.get_by_label("Why can't you go?").select_option(label="Work or family")
    looked_at(page, "02-cannot-go")
    card.get_by_role("button", name="Tell the scheme").click()
    expect(rota.locator("li")).to_have_count(1)
    assert Decline.objects.get(assignment=second).reason == "commitment"


def test_my_availability_gives_the_times_and_leave_of_the_period(phone, scheme, bob):
    today = scheme.local_today()
    availability_save(visitor=bob, day=today, cells=[{"day": "monday", "band": "08:00-11:59"}], leave=[],
                      by_email=False)
    page = phone()
    sign_in(page, bob)
    page.get_by_role("link", name="My availability").click()
    page.get_by_role("heading", name="My availability").wait_for()
    assert page.get_by_label("Monday, 08:00–11:59").is_checked()
    page.get_by_label("Saturday, 20:00–23:59").check()
    page.get_by_label("Monday, 08:00–11:59").uncheck()
    row = Availability.objects.get(visitor=bob)
    page.get_by_label("Day", exact=True).fill(row.period_to.isoformat())
    page.get_by_role("button", name="Add the day").click()
    page.get_by_label("Also tell me by e-mail").check()
    looked_at(page, "03-my-availability")
    page.get_by_role("button", name="Save my availability").click()
    page.get_by_text("Saved.").wait_for()
    row.refresh_from_db()
    assert row.cells == [{"day": "saturday", "band": "20:00-23:59"}]
    assert row.leave == [row.period_to.isoformat()] and row.by_email

    page.get_by_role("button", name="The next period").click()
    page.get_by_text("You have not given your availability for this period yet.").wait_for()
    page.get_by_label("Tuesday, 12:00–15:59").check()
    page.get_by_role("button", name="Save my availability").click()
    page.get_by_text("Saved.").wait_for()
    assert Availability.objects.filter(visitor=bob).count() == 2
