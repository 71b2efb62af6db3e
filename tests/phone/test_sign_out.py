"""Signing out leaves nothing of the volunteer on the phone, and never loses a report by accident."""

import pytest

from tests.phone.conftest import sign_in

pytestmark = pytest.mark.services

TRACES = """async () => ({
    databases: (await indexedDB.databases()).map((d) => d.name),
    caches: await caches.keys(),
    local: localStorage.length,
    session: sessionStorage.length,
})"""


def test_sign_out_asks_before_deleting_an_unsent_report_then_wipes_every_trace(phone, suite, bob, bella):
    page = phone()
    sign_in(page, bob)
    page.get_by_role("button", name="Start a custody visit").click()
    page.get_by_role("button", name="We have arrived").click()
    page.get_by_role("link", name="‹ My visits").click()
    before = page.evaluate(TRACES)
    assert "icv-phone" in before["databases"] and before["caches"]

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("dialog").get_by_text("1 report has not reached the service yet").wait_for()
    page.get_by_role("button", name="Keep my reports").click()
    page.get_by_role("heading", name="My visits", exact=True).wait_for()
    assert page.get_by_text("Draft").count() == 1

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign out and delete").click()
    page.get_by_role("heading", name="Sign in", exact=True).wait_for()
    assert page.evaluate(TRACES) == {"databases": [], "caches": [], "local": 0, "session": 0}
    page.reload()
    page.get_by_role("heading", name="Sign in", exact=True).wait_for()

    # The next volunteer signs in: the app shell (nobody's data) is cached again, so offline works.
    sign_in(page, bella)
    cached = page.evaluate("""async () => {
        for (let tries = 0; tries < 100; tries += 1) {
            const keys = await caches.keys();
            if (keys.length && (await (await caches.open(keys[0])).keys()).length > 3) return keys;
            await new Promise((r) => setTimeout(r, 100));
        }
        return [];
    }""")
    assert len(cached) == 1
    page.context.set_offline(True)
    page.reload()
    page.get_by_role("heading", name="My visits", exact=True).wait_for()
    assert page.get_by_text("No reports on this phone yet.").is_visible()
