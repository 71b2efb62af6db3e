"""A report that cannot go yet: the phone waits as long as the service asks, says so in plain words with
the time of the next try, and sends at once when the volunteer taps "Send now".

The service's answers are faked at the browser's edge (route); the phone's clock is Playwright's, so a
wait of minutes is checked in moments."""

import pytest

from tests.phone.conftest import current_uuid, sign_in, state_of
from tests.phone.test_reports import fill_custody_report
from visits.models import CustodyVisit

pytestmark = pytest.mark.services


def answering(page, *answers):
    """Answers the report's POSTs with `answers` in turn ((status, Retry-After or None)), then lets them
    through to the service. -> the list the POSTs are counted in."""
    posts = []

    def handle(route):
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(route.request.url)
        if len(posts) <= len(answers):
            status, wait = answers[len(posts) - 1]
            route.fulfill(status=status, headers={"Retry-After": wait} if wait else {},
                          json={"detail": "Down for a moment."})
        else:
            route.continue_()

    page.route("**/api/v1/visits/", handle)
    return posts


def until(page, condition, seconds=10):
    for _ in range(seconds * 20):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("it never happened")


def signed_in_with_a_clock(phone, bob):
    page = phone()
    sign_in(page, bob)
    page.clock.install()
    page.reload()
    page.get_by_role("heading", name="My visits", exact=True).wait_for()
    return page


def submit_a_report(page, bella):
    fill_custody_report(page, bella)
    page.get_by_role("button", name="We are leaving").click()
    uuid = current_uuid(page)
    page.get_by_role("button", name="Submit report").click()
    return uuid


def test_a_busy_service_is_waited_for_as_long_as_it_asks_and_said_in_plain_words(phone, suite, bob, bella):
    page = signed_in_with_a_clock(phone, bob)
    posts = answering(page, (503, "30"))
    uuid = submit_a_report(page, bella)
    page.get_by_text("The service is busy. Your report is safe on this phone.").wait_for()
    assert "503" not in page.locator(".status").inner_text()
    assert page.locator("#next-try").inner_text().startswith("It will be sent in 30 seconds, at ")
    page.locator(".status-state", has_text="Waiting to send").wait_for()

    page.clock.fast_forward("00:20")  # the old back-off had tried twice by now
    page.wait_for_timeout(500)
    assert len(posts) == 1 and state_of(page, uuid) == "queued"
    assert page.locator("#next-try").inner_text().startswith("It will be sent in 10 seconds")

    page.clock.fast_forward("00:11")
    page.locator(".status-state", has_text="Sent").wait_for()
    assert len(posts) == 2 and CustodyVisit.objects.count() == 1


def test_too_many_requests_is_waited_for_as_the_service_asks(phone, suite, bob, bella):
    page = signed_in_with_a_clock(phone, bob)
    posts = answering(page, (429, "90"))
    submit_a_report(page, bella)
    page.get_by_text("The service asked the phone to wait before sending again.").wait_for()
    assert page.locator("#next-try").inner_text().startswith("It will be sent in 2 minutes, at ")
    page.clock.fast_forward("01:20")
    page.wait_for_timeout(500)
    assert len(posts) == 1
    page.clock.fast_forward("00:11")
    page.locator(".status-state", has_text="Sent").wait_for()
    assert len(posts) == 2


def test_send_now_sends_a_waiting_report_at_once(phone, suite, bob, bella):
    page = signed_in_with_a_clock(phone, bob)
    posts = answering(page, (503, "600"))
    uuid = submit_a_report(page, bella)
    page.get_by_text("The service is busy.").wait_for()
    assert page.locator("#next-try").inner_text().startswith("It will be sent in 10 minutes")

    # On the list too, with the time of the next try.
    page.get_by_role("link", name="‹ My visits").click()
    card = page.locator(f"a[href='#/report/{uuid}']")
    card.get_by_text("It will be sent in 10 minutes").wait_for()
    card.click()

    page.get_by_role("button", name="Send now").click()
    page.locator(".status-state", has_text="Sent").wait_for()
    assert len(posts) == 2 and CustodyVisit.objects.count() == 1
    assert page.get_by_role("button", name="Send now").count() == 0


def test_the_wait_between_tries_grows_to_two_minutes_at_most(phone, suite, bob, bella):
    page = signed_in_with_a_clock(phone, bob)
    posts = answering(page, *[(500, None)] * 9)
    submit_a_report(page, bella)
    page.get_by_text("The service had a problem with this report on its side.").wait_for()
    for tries in range(2, 10):
        page.clock.fast_forward("02:01")
        until(page, lambda n=tries: len(posts) >= n)
    page.wait_for_timeout(300)
    assert page.locator("#next-try").inner_text().startswith("It will be sent in 2 minutes")
    page.clock.fast_forward("02:01")
    page.locator(".status-state", has_text="Sent").wait_for()


def test_opening_the_app_again_during_the_wait_does_not_knock_early(phone, suite, bob, bella):
    page = signed_in_with_a_clock(phone, bob)
    posts = answering(page, (503, "60"))
    uuid = submit_a_report(page, bella)
    page.get_by_text("The service is busy.").wait_for()

    # The phone locked and looked at again; the app opened afresh: both within the minute asked for.
    page.clock.fast_forward("00:10")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.reload()
    page.locator(".status-state", has_text="Waiting to send").wait_for()
    page.wait_for_timeout(500)
    assert len(posts) == 1 and state_of(page, uuid) == "queued"
    assert page.locator("#next-try").inner_text().startswith("It will be sent in 50 seconds")

    page.clock.fast_forward("00:51")
    page.locator(".status-state", has_text="Sent").wait_for()
    assert len(posts) == 2


def test_a_busy_service_met_while_renewing_the_sign_in_is_waited_for_too(phone, suite, bob, bella):
    page = signed_in_with_a_clock(phone, bob)
    refreshes = []

    def busy_once(route):
        refreshes.append(1)
        if len(refreshes) == 1:
            route.fulfill(status=503, headers={"Retry-After": "45"}, json={"detail": "Down for a moment."})
        else:
            route.continue_()

    page.route("**/api/v1/auth/token/refresh/", busy_once)
    # An access token past its time: sending starts with a refresh, which meets the outage.
    page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open("icv-phone");
        open.onsuccess = () => {
            const store = open.result.transaction("kv", "readwrite").objectStore("kv");
            store.get("tokens").onsuccess = (e) => {
                const tokens = e.target.result;
                const [head, , sig] = tokens.access.split(".");
                const body = btoa(JSON.stringify({exp: 1})).replace(/=+$/, "");
                store.put({...tokens, access: `${head}.${body}.${sig}`}, "tokens").onsuccess = () => {
                    open.result.close(); resolve();
                };
            };
        };
    })""")
    submit_a_report(page, bella)
    page.get_by_text("The service is busy.").wait_for()
    assert page.locator("#next-try").inner_text().startswith("It will be sent in 45 seconds")
    page.clock.fast_forward("00:46")
    page.locator(".status-state", has_text="Sent").wait_for()
    assert len(refreshes) == 2 and CustodyVisit.objects.count() == 1
