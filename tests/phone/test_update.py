"""A new release reaches phones by itself: the service worker's digest changes, the new worker installs
beside the old one, and the app says so and waits for the volunteer, so a form is never reloaded mid-visit."""

import pytest

from tests.phone.conftest import sign_in
from tests.phone.test_shell import APP

pytestmark = pytest.mark.services


def test_a_new_version_is_announced_and_taken_on_request(phone, suite, bob):
    page = phone()
    sign_in(page, bob)
    release = APP / "static" / "phone" / "release-note.txt"
    release.write_text("a file of the next release\n")
    try:
        page.evaluate("navigator.serviceWorker.getRegistration('/app/').then((r) => r.update())")
        page.get_by_text("A new version of the app is ready. Your reports are kept.").wait_for()
        with page.expect_navigation():
            page.get_by_role("button", name="Use the new version").click()
        page.get_by_role("heading", name="My visits", exact=True).wait_for()
        shell = page.evaluate("""async () => {
            const cache = await caches.open((await caches.keys()).find((k) => k.startsWith("icv-phone-")));
            return (await cache.keys()).map((r) => new URL(r.url).pathname);
        }""")
        assert "/static/phone/release-note.txt" in shell
        assert page.locator("#update").is_hidden()
    finally:
        release.unlink()
