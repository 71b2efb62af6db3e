"""The report form as a volunteer meets it at the door: the arrival stamp first, a stamp that shows it
was tapped, and the choices that lose work kept apart from the ones that keep it."""

import re

import pytest

from tests.phone.conftest import PHONE, current_uuid, sign_in, stored_on_phone

pytestmark = pytest.mark.services


def box(locator):
    return locator.bounding_box()


def test_we_have_arrived_is_the_first_thing_on_a_new_report_and_shows_the_time_once_tapped(phone, suite, bob):
    page = phone()
    sign_in(page, bob)
    page.get_by_role("button", name="Start a custody visit").click()
    page.get_by_role("heading", name="Custody visit", exact=True).wait_for()
    arrived = page.get_by_role("button", name="We have arrived")
    # On the first screen, without scrolling, and above everything else the form asks.
    assert box(arrived)["y"] + box(arrived)["height"] <= PHONE["height"]
    assert box(arrived)["y"] < box(page.get_by_label("Suite", exact=True))["y"]
    assert page.locator("form.report button").first.get_attribute("id") == "stamp-arrived_at"

    arrived.click()
    stamped = page.locator("#stamp-arrived_at")
    shown = page.get_by_label("Arrived at").input_value()
    assert re.fullmatch(r"✓ Arrived at \d\d:\d\d", stamped.inner_text().replace("\n", " ").strip())
    assert stamped.inner_text().endswith(shown[-5:])
    assert stamped.is_disabled()  # a second tap, an hour later, cannot move the arrival time
    assert page.get_by_role("button", name="We have arrived").count() == 0
    # It looks done, not like the next thing to tap: "We are in" still does.
    still = page.get_by_role("button", name="We are in")
    background = "el => getComputedStyle(el).backgroundColor"
    assert stamped.evaluate(background) != still.evaluate(background)

    uuid = current_uuid(page)
    page.locator('#saved[data-pending="0"]', has_text="Saved on this phone").wait_for()
    kept = stored_on_phone(page, uuid)["fields"]["arrived_at"]
    page.reload()
    page.locator("#stamp-arrived_at", has_text="✓ Arrived at").wait_for()
    assert stored_on_phone(page, uuid)["fields"]["arrived_at"] == kept

    # Cleared by hand (a wrong time), the stamp is there to tap again.
    page.get_by_label("Arrived at").fill("")
    page.get_by_role("button", name="We have arrived").wait_for()


# Filled: a background of its own, not the page's (or the dialog's) behind it.
FILLED = "el => getComputedStyle(el).backgroundColor !== getComputedStyle(el.closest('dialog') || document.body).backgroundColor"


def test_delete_this_draft_is_well_away_from_submit_and_not_dressed_as_the_next_step(phone, suite, bob):
    page = phone()
    sign_in(page, bob)
    page.get_by_role("button", name="Start a custody visit").click()
    submit = page.get_by_role("button", name="Submit report")
    delete = page.get_by_role("button", name="Delete this draft")
    # More than a thumb's width of page between them (a thumb is about 45 px on a 390 px phone).
    assert box(delete)["y"] - (box(submit)["y"] + box(submit)["height"]) >= 72
    assert submit.evaluate(FILLED) and not delete.evaluate(FILLED)
    delete.click()
    page.get_by_role("button", name="Keep the draft").click()
    assert page.get_by_role("heading", name="Custody visit", exact=True).is_visible()


def test_the_sign_out_dialog_makes_keeping_the_reports_the_prominent_choice(phone, suite, bob):
    page = phone()
    sign_in(page, bob)
    page.get_by_role("button", name="Start a custody visit").click()
    page.get_by_role("button", name="We have arrived").click()
    page.get_by_role("link", name="‹ My visits").click()
    page.get_by_role("button", name="Sign out").click()
    dialog = page.get_by_role("dialog")
    keep = dialog.get_by_role("button", name="Keep my reports")
    delete = dialog.get_by_role("button", name="Sign out and delete")
    keep.wait_for()
    assert keep.evaluate(FILLED) and not delete.evaluate(FILLED)
    assert keep.evaluate("el => el === document.activeElement")  # Enter keeps them
    # The destructive one below the safe one, with room between.
    assert box(delete)["y"] - (box(keep)["y"] + box(keep)["height"]) >= 24
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My visits", exact=True).wait_for()
    assert page.get_by_text("Draft").count() == 1
