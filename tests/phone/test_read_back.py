"""What a volunteer may want once a report has gone: to read it back; and, at the sign-in screen, a
way to a new password and, when the service refuses for now, when to try again."""

import pytest

from tests.phone.conftest import choose, full_name, sign_in
from tests.phone.test_reports import fill_custody_report
from visits.models import IssueCategory, User

pytestmark = pytest.mark.services


def test_the_sign_in_screen_leads_to_the_services_password_reset(phone, bob):
    page = phone()
    page.get_by_role("heading", name="Sign in", exact=True).wait_for()
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Forgotten your password?").click()
    reset = opened.value
    reset.get_by_role("heading", name="Reset your password").wait_for()
    assert reset.url.endswith("/password/reset/")
    assert page.get_by_role("heading", name="Sign in", exact=True).is_visible()  # the app is still there


def test_a_report_a_partner_sent_opens_read_only_and_ones_own_opens_offline(phone, suite, bob, bella):
    # bella sends a report from her phone with bob as co-visitor; bob sends one from his.
    hers = phone()
    sign_in(hers, bella)
    fill_custody_report(hers, bob)
    hers.get_by_label("Comments (refer to cells by number, never names)").fill("Cell 3 asked for a blanket.")
    hers.get_by_role("button", name="We are leaving").click()
    hers.get_by_role("button", name="Submit report").click()
    hers.locator(".status-state", has_text="Sent").wait_for()

    page = phone()
    sign_in(page, bob)
    fill_custody_report(page, bella, suite="Central")
    page.get_by_role("button", name="We are leaving").click()
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Sent").wait_for()
    page.get_by_role("link", name="‹ My visits").click()
    # Newest first: his own (stamped after hers), then hers.
    mine, partners = page.locator("#server-reports a.card-link").nth(0), page.locator("#server-reports a.card-link").nth(1)
    partners.wait_for()

    # The partner's: fetched from the service, shown as it was sent, nothing to change or send.
    partners.click()
    page.get_by_role("heading", name="Custody visit", exact=True).wait_for()
    page.locator(".status-state", has_text="Sent").wait_for()
    comments = page.get_by_label("Comments (refer to cells by number, never names)")
    assert comments.input_value() == "Cell 3 asked for a blanket." and comments.is_disabled()
    assert page.get_by_label("Suite", exact=True).locator("option:checked").inner_text() == "Central"
    assert page.get_by_label("Co-visitor", exact=True).locator("option:checked").inner_text() == full_name(bella)
    assert page.get_by_label("Arrived at").input_value() and page.get_by_label("Arrived at").is_disabled()
    assert page.get_by_role("button", name="Submit report").count() == 0
    assert page.get_by_role("button", name="Delete this draft").count() == 0

    # No signal: his own still opens, from the phone's copy; hers says when it can be read.
    page.get_by_role("link", name="‹ My visits").click()
    partners.wait_for()
    page.context.set_offline(True)
    mine.click()
    page.locator(".status-state", has_text="Sent").wait_for()
    assert page.get_by_label("Comments (refer to cells by number, never names)").input_value() == ""
    page.get_by_role("link", name="‹ My visits").click()
    partners.click()
    page.get_by_text("No connection: a report sent from another phone can be read here when there is signal.").wait_for()


@pytest.mark.parametrize(("status", "said"), [
    (429, "Too many sign-in attempts. Try again in 5 minutes, at "),
    (503, "The service is busy. Try again in 5 minutes, at "),
])
def test_a_refused_sign_in_says_when_to_try_again(phone, bob, status, said):
    page = phone()
    page.route("**/api/v1/auth/token/", lambda route: route.fulfill(
        status=status, headers={"Retry-After": "300"}, json={"detail": "Request was throttled."}))
    page.get_by_label("Username").fill(bob.username)
    page.get_by_label("Password").fill("whatever")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(said).wait_for()


def test_a_report_read_back_names_what_the_scheme_has_since_retired(phone, suite, bob, bella, bianca):
    hers = phone()
    sign_in(hers, bella)
    fill_custody_report(hers, bob)
    choose(hers, "Another co-visitor (if any)", full_name(bianca))
    hers.get_by_role("button", name="Add an issue").click()
    choose(hers, "Category", "Food and drink")
    hers.get_by_label("What is the issue? (no names)").fill("Cell 4: no hot meal since noon")
    hers.get_by_role("button", name="We are leaving").click()
    hers.get_by_role("button", name="Submit report").click()
    hers.locator(".status-state", has_text="Sent").wait_for()
    # Since then bianca has left and the category was retired: the phone's lists no longer have them.
    User.objects.filter(pk=bianca.pk).update(is_active=False)
    IssueCategory.objects.filter(slug="food-and-drink").update(active=False)

    page = phone()
    sign_in(page, bob)
    page.locator("#server-reports a.card-link").first.click()
    page.locator(".status-state", has_text="Sent").wait_for()
    chosen = "option:checked"
    assert page.get_by_label("Another co-visitor (if any)").locator(chosen).inner_text() == "A visitor no longer on the list"
    assert page.get_by_label("Category").locator(chosen).inner_text() == "food and drink"
    assert page.get_by_label("What is the issue? (no names)").input_value() == "Cell 4: no hot meal since noon"
