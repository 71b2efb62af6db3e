"""The phone app in a real browser at a phone's size, against the live server on PostgreSQL.

bob and bella visit for Northshire (bob is trained for the dog unit); bianca is a third visitor."""

from zoneinfo import ZoneInfo

import pytest
from django.db import connections

from tests.factories import PASSWORD, UserFactory, train
from visits.models import Role

PHONE = {"width": 390, "height": 844}
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def bianca(scheme):
    return UserFactory(username="bianca", first_name="Bianca", last_name="Ames", role=Role.VISITOR, scheme=scheme)


@pytest.fixture
def trained_bob(bob):
    return train(bob, "animal_welfare")


@pytest.fixture(scope="session")
def browser_inside_database(django_db_setup, chromium):
    """The browser, torn down just before the test database. Seen on this machine: once the live-server
    tests have run, the main thread's last connection outlives Django's teardown and the test database
    cannot be dropped ("being accessed by other users"); closing it here lets the drop go through."""
    yield chromium
    connections.close_all()


@pytest.fixture
def phone(browser_inside_database, open_page, live_server):
    """phone(dark=False) -> a page at 390x844 in London time, on the app's sign-in screen."""

    def make(dark=False, context=None, size=PHONE):
        page = context.new_page() if context else open_page(dark=dark, timezone_id="Europe/London", locale="en-GB",
                                                            **size)
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/app/")
        return page

    return make


def sign_in(page, user):
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My visits", exact=True).wait_for()
    # The shell must be in the service worker's cache before the network can go away.
    page.evaluate("""async () => {
        await navigator.serviceWorker.ready;
        while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
    }""")


def full_name(user):
    return f"{user.first_name} {user.last_name}"


def choose(page, label, option):
    page.get_by_label(label, exact=True).select_option(label=option)


def stored_on_phone(page, uuid):
    """The report's row in the phone's IndexedDB, read in the browser."""
    return page.evaluate("""(uuid) => new Promise((resolve) => {
        const open = indexedDB.open("icv-phone");
        open.onsuccess = () => {
            const get = open.result.transaction("reports").objectStore("reports").get(uuid);
            get.onsuccess = () => { resolve(get.result || null); open.result.close(); };
        };
    })""", uuid)


def state_of(page, uuid):
    row = stored_on_phone(page, uuid)
    return row and row["state"]


def current_uuid(page):
    return page.evaluate("location.hash.split('/').pop()")
