"""Every screen at 390x844, light and dark: written to var/screenshots/phone/ to be looked at, checked
with axe-core, and never wider than the phone."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from scheduling.services import recommendation_refresh
from tests.browser import assert_accessible, assert_no_horizontal_scroll, screenshot
from tests.phone.conftest import LONDON, choose, full_name, sign_in
from tests.phone.test_reports import fill_custody_report, local_input, tap

pytestmark = pytest.mark.services


def looked_at(page, name, dark):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"phone/{name}-{'dark' if dark else 'light'}")


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_screen_is_legible_and_accessible(phone, suite, animal_unit, trained_bob, bella, bianca, alice, dark):
    today = timezone.localdate()
    recommendation_refresh(site=suite, date_from=today - timedelta(days=90), date_to=today,
                           request_key="phone-screens", requested_by=alice)
    page = phone(dark=dark)
    page.get_by_role("heading", name="Sign in", exact=True).wait_for()
    looked_at(page, "01-sign-in", dark)
    sign_in(page, trained_bob)
    looked_at(page, "02-my-visits-empty", dark)

    page.get_by_role("button", name="Start a custody visit").click()
    page.get_by_role("heading", name="Custody visit", exact=True).wait_for()
    looked_at(page, "03-custody-form-new", dark)

    page.get_by_role("button", name="We have arrived").click()
    looked_at(page, "03b-custody-form-arrived", dark)
    choose(page, "Suite", "Central")
    choose(page, "Co-visitor", full_name(bella))
    page.get_by_label("Arrived at").fill(local_input(datetime.now(LONDON) - timedelta(minutes=9)))
    page.get_by_role("button", name="We are in").click()
    page.get_by_label("Why was access delayed?").fill("Suite busy with a handover")
    choose(page, "Who authorised the delay? (rank only)", "Sergeant")
    for label, n in (("Seen", 3), ("Refused", 1), ("Observed", 2)):
        tap(page, label, n)
    page.get_by_text("Profile of those seen (optional)").click()
    page.get_by_role("button", name="Add an issue").click()
    choose(page, "Category", "Hygiene and female hygiene products")
    page.get_by_label("What is the issue? (no names)").fill("Cell 2: no towel")
    page.locator("#cells_clean-yes").check()
    looked_at(page, "04-custody-form-filled", dark)

    page.get_by_role("button", name="Add an issue").click()
    page.get_by_role("button", name="Submit report").click()
    page.get_by_text("Some answers are missing").wait_for()  # no departure time, an empty second issue
    assert "Describe the issue" in page.locator("[data-field='issues.2.description'] .error").inner_text()
    assert page.locator("[data-field='issues.1.description'] .error").count() == 0
    looked_at(page, "05-custody-form-missing-answers", dark)
    page.get_by_role("button", name="Remove issue 2").click()
    page.get_by_role("button", name="We are leaving").click()
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Sent").wait_for()
    looked_at(page, "06-custody-report-sent", dark)

    # A report the server refuses: bella has left the scheme since the phone learnt its list.
    page.get_by_role("link", name="‹ My visits").click()
    fill_custody_report(page, bella)
    page.get_by_role("button", name="We are leaving").click()
    bella.left_on = today - timedelta(days=2)
    bella.save(update_fields=["left_on"])
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Needs fixing").wait_for()
    looked_at(page, "07-custody-report-refused", dark)

    page.get_by_role("link", name="‹ My visits").click()
    page.get_by_role("button", name="Start an animal welfare visit").click()
    page.get_by_role("heading", name="Animal welfare visit", exact=True).wait_for()
    choose(page, "Animal unit", "Dog unit")
    page.get_by_role("button", name="We have arrived").click()
    tap(page, "Animals seen", 3)
    looked_at(page, "08-animal-form", dark)

    page.get_by_role("link", name="‹ My visits").click()
    page.get_by_text("Sent reports you are on").wait_for()
    page.locator("#server-reports .card").first.wait_for()
    looked_at(page, "09-my-visits", dark)
    page.locator("#server-reports a.card-link").first.click()
    page.locator(".status-state", has_text="Sent").wait_for()
    looked_at(page, "09b-sent-report-read-back", dark)
    page.get_by_role("link", name="‹ My visits").click()
    page.get_by_role("heading", name="My visits", exact=True).wait_for()

    page.get_by_role("link", name="Where next?").click()
    choose(page, "Suite or unit", "Central")
    page.get_by_text("Plan for").wait_for()
    looked_at(page, "10-where-next", dark)

    # No signal in the custody block: the report waits on the phone.
    page.context.set_offline(True)
    page.get_by_role("link", name="‹ My visits").click()
    fill_custody_report(page, bianca)
    page.get_by_role("button", name="We are leaving").click()
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Waiting to send").wait_for()
    looked_at(page, "11-custody-report-waiting-offline", dark)
    page.get_by_role("link", name="‹ My visits").click()
    page.get_by_role("heading", name="My visits", exact=True).wait_for()
    looked_at(page, "12-my-visits-offline", dark)

    # Back in signal, but the service is busy: it says so, and when it tries next.
    page.route("**/api/v1/visits/", lambda route: route.fulfill(status=503, headers={"Retry-After": "120"},
               json={"detail": "Down for a moment."}) if route.request.method == "POST" else route.continue_())
    page.context.set_offline(False)
    page.locator("a.card-link", has_text="Waiting to send").click()
    page.get_by_text("The service is busy.").wait_for()
    looked_at(page, "12b-custody-report-waiting-busy", dark)
    page.get_by_role("link", name="‹ My visits").click()
    page.get_by_role("heading", name="My visits", exact=True).wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("dialog").wait_for()
    looked_at(page, "13-sign-out-confirm", dark)


def test_the_form_fits_a_360_pixel_phone(phone, suite, bob, bella):
    page = phone(size={"width": 360, "height": 740})
    sign_in(page, bob)
    page.get_by_role("button", name="Start a custody visit").click()
    page.get_by_role("button", name="Add an issue").click()
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_parts_of_version_1_1_are_legible_and_accessible(phone, suite, animal_unit, trained_bob, bella, dark):
    page = phone(dark=dark)
    sign_in(page, trained_bob)
    page.get_by_role("button", name="Start a custody visit").click()
    page.get_by_role("heading", name="Custody visit", exact=True).wait_for()
    choose(page, "Suite", "Central")
    choose(page, "Co-visitor", full_name(bella))
    page.get_by_role("button", name="We have arrived").click()
    page.get_by_label("Not let in", exact=True).check()
    page.get_by_label("Why were you not let in?").fill("Suite closed to visitors: a fire alarm")
    page.get_by_label("TACT visit: detainees held under the Terrorism Act").check()
    page.get_by_role("button", name="We are leaving").click()
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Needs fixing").wait_for()  # nobody on it is trained for TACT
    looked_at(page, "14-custody-not-let-in-tact-refused", dark)

    page.get_by_role("link", name="‹ My visits").click()
    page.get_by_role("button", name="Start a custody visit").click()
    page.get_by_role("heading", name="Custody visit", exact=True).wait_for()
    page.get_by_label("By telephone or video", exact=True).check()
    looked_at(page, "15-custody-remote", dark)

    page.get_by_label("Had to stop", exact=True).check()
    page.get_by_label("Why did you have to stop?").fill("An incident in the suite")
    page.get_by_role("button", name="We have arrived").click()
    page.get_by_label("Arrived at").fill(local_input(datetime.now(LONDON) - timedelta(minutes=20)))
    page.get_by_role("button", name="We are in").click()
    page.get_by_label("Why was access delayed?").fill("Staff handover")
    choose(page, "Who authorised the delay? (rank only)", "Inspector")
    for label, n in (("Seen", 3), ("Refused", 1), ("Children (under 18) present", 4),
                     ("Vulnerable detainees present", 1), ("Custody records examined", 3)):
        tap(page, label, n)
    page.get_by_label("I have a concern about ill-treatment").check()
    page.get_by_label("What was seen or alleged? (cell numbers, no names)").fill(
        "Cell 7: says he was pushed against the wall at arrest; bruise on the left arm")
    looked_at(page, "16-custody-delay-counts-concern", dark)

    page.get_by_role("link", name="‹ My visits").click()
    page.get_by_role("button", name="Start an animal welfare visit").click()
    page.get_by_role("heading", name="Animal welfare visit", exact=True).wait_for()
    choose(page, "Animal unit", "Dog unit")
    choose(page, "Co-visitor", full_name(bella))
    page.get_by_role("button", name="We have arrived").click()
    page.get_by_role("button", name="We are leaving").click()
    page.locator("#welfare-environment-met").check()
    page.locator("#welfare-diet-concern").check()
    page.get_by_role("button", name="Submit report").click()
    page.get_by_text("Some answers are missing").wait_for()
    looked_at(page, "17-animal-welfare-concern-without-issue", dark)
