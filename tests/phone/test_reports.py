"""A volunteer's reports through the phone app, checked on the server through the public API."""

from datetime import datetime, timedelta

import pytest

from tests.factories import PASSWORD
from tests.phone.conftest import LONDON, choose, current_uuid, full_name, sign_in, state_of, stored_on_phone
from visits.models import AnimalVisit, CustodyVisit

pytestmark = pytest.mark.services


def local_input(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def tap(page, label, times):
    for _ in range(times):
        page.get_by_role("button", name=f"{label}: one more", exact=True).click()


def fill_custody_report(page, co_visitor, *, suite="Central"):
    page.get_by_role("button", name="Start a custody visit").click()
    page.get_by_role("heading", name="Custody visit", exact=True).wait_for()
    choose(page, "Suite", suite)
    choose(page, "Co-visitor", full_name(co_visitor))
    page.get_by_role("button", name="We have arrived").click()
    page.get_by_role("button", name="We are in").click()
    page.locator('#saved[data-pending="0"]', has_text="Saved on this phone").wait_for()


def test_a_full_custody_report_reaches_the_server_with_every_field_as_entered(phone, api, suite, bob, bella, bianca):
    page = phone()
    sign_in(page, bob)
    fill_custody_report(page, bella)
    # Twenty minutes at the door: the app judges it as the server will, and asks why.
    arrived = (datetime.now(LONDON) - timedelta(minutes=20)).replace(second=0, microsecond=0)
    page.get_by_label("Arrived at").fill(local_input(arrived))
    assert "Over 15 minutes" in page.locator("#band").inner_text()
    page.get_by_label("Why was access delayed?").fill("Staff handover")
    choose(page, "Who authorised the delay? (rank only)", "Chief inspector")
    choose(page, "Another co-visitor (if any)", full_name(bianca))
    tap(page, "Seen", 5)
    tap(page, "Refused", 1)
    tap(page, "Not offered", 2)
    tap(page, "Unavailable", 3)
    tap(page, "Observed", 3)
    page.get_by_role("button", name="Observed: one fewer", exact=True).click()
    assert page.locator("#totals").inner_text().split() == ["Offered:", "6", "Present:", "13"]
    page.get_by_text("Profile of those seen (optional)").click()
    tap(page, "Female", 2)
    tap(page, "Juvenile (under 18)", 1)
    page.get_by_role("button", name="Add an issue").click()
    choose(page, "Category", "Food and drink")
    page.get_by_label("What is the issue? (no names)").fill("Cell 4: no hot meal since noon")
    page.get_by_label("Resolved during the visit").check()
    page.locator("#cells_clean-yes").check()
    page.locator("#food_in_date-no").check()
    page.get_by_label("Comments (refer to cells by number, never names)").fill("Busy night; staff helpful.")
    page.get_by_role("button", name="We are leaving").click()
    uuid = current_uuid(page)
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Sent").wait_for()

    stored = api(bob).get(f"/api/v1/visits/?visitor={bob.pk}").json()["results"]
    assert len(stored) == 1
    visit = stored[0]
    assert visit["client_uuid"] == uuid
    assert visit["site"] == suite.pk and visit["visitors"] == sorted([bob.pk, bella.pk, bianca.pk])
    assert datetime.fromisoformat(visit["arrived_at"]) == arrived
    assert visit["access_band"] == "over-15" and visit["delay_reason"] == "Staff handover"
    assert visit["delay_authorised_by_rank"] == "chief_inspector"
    assert (visit["outcome"], visit["tact"], visit["concern"]["raised"]) == ("completed", False, False)
    assert {k: visit[f"detainees_{k}"] for k in ("present", "offered", "seen", "refused", "not_offered",
                                                  "unavailable", "observed")} == {
        "present": 13, "offered": 6, "seen": 5, "refused": 1, "not_offered": 2, "unavailable": 3, "observed": 2}
    assert visit["seen_profile"] == {"gender": {"female": 2}, "age_group": {"juvenile": 1}}
    assert [(i["category"], i["description"], i["resolved_during_visit"]) for i in visit["issues"]] == [
        ("food-and-drink", "Cell 4: no hot meal since noon", True)]
    assert visit["cells_clean"] is True and visit["food_in_date"] is False and visit["kitchen_clean"] is None
    assert visit["comments"] == "Busy night; staff helpful." and visit["status"] == "submitted"
    assert state_of(page, uuid) == "sent"


def test_a_report_made_offline_survives_a_reload_and_is_sent_once_with_the_times_as_stamped(phone, suite, bob, bella):
    page = phone()
    sign_in(page, bob)
    context = page.context
    page.close()
    context.set_offline(True)
    page = phone(context=context)  # the app opened with no network at all, from the service worker's cache
    page.get_by_role("heading", name="My visits", exact=True).wait_for()
    assert "Offline" in page.locator("#net").inner_text()
    fill_custody_report(page, bella)
    uuid = current_uuid(page)
    page.reload()
    page.get_by_role("heading", name="Custody visit", exact=True).wait_for()
    page.get_by_role("button", name="We are leaving").click()
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Waiting to send").wait_for()
    page.reload()
    page.locator(".status-state", has_text="Waiting to send").wait_for()
    stamped = stored_on_phone(page, uuid)["fields"]
    assert CustodyVisit.objects.count() == 0

    context.set_offline(False)
    page.locator(".status-state", has_text="Sent").wait_for()
    visit = CustodyVisit.objects.get()
    assert str(visit.client_uuid) == uuid
    assert [visit.arrived_at, visit.admitted_at, visit.left_at] == [
        datetime.fromisoformat(stamped[name]) for name in ("arrived_at", "admitted_at", "left_at")]


def test_a_lost_answer_is_retried_and_stores_the_report_once(phone, suite, bob, bella):
    page = phone()
    sign_in(page, bob)
    lost = []

    def drop_the_first_answer(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch().status)  # the server stored it; the phone never hears so
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/visits/", drop_the_first_answer)
    fill_custody_report(page, bella)
    page.get_by_role("button", name="We are leaving").click()
    uuid = current_uuid(page)
    page.get_by_role("button", name="Submit report").click()
    page.get_by_text("No answer from the service (no signal, or it did not reach it). Your report is safe on this phone.").wait_for()
    page.locator(".status-state", has_text="Sent").wait_for()
    assert lost == [201]
    assert [str(key) for key in CustodyVisit.objects.values_list("client_uuid", flat=True)] == [uuid]


def test_two_tabs_on_the_same_queued_report_send_it_once(phone, suite, bob, bella):
    first = phone()
    sign_in(first, bob)
    context = first.context
    context.set_offline(True)
    fill_custody_report(first, bella)
    first.get_by_role("button", name="We are leaving").click()
    first.get_by_role("button", name="Submit report").click()
    first.locator(".status-state", has_text="Waiting to send").wait_for()
    second = context.new_page()
    second.goto(first.url)
    second.locator(".status-state", has_text="Waiting to send").wait_for()
    posts = []
    context.on("response", lambda r: posts.append(r) if r.request.method == "POST" and r.url.endswith("/visits/")
               else None)

    context.set_offline(False)
    for page in (first, second):
        page.locator(".status-state", has_text="Sent").wait_for()
    assert CustodyVisit.objects.count() == 1
    assert len(posts) == 1  # the lock let one tab send; the other found it sent


def test_a_rejected_co_visitor_is_shown_beside_the_field_and_the_fixed_report_is_sent(phone, suite, bob, bella, bianca):
    page = phone()
    sign_in(page, bob)
    fill_custody_report(page, bella)
    page.get_by_role("button", name="We are leaving").click()
    uuid = current_uuid(page)
    bella.left_on = datetime.now(LONDON).date() - timedelta(days=2)  # she left the scheme; the phone's list is old
    bella.save(update_fields=["left_on"])
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Needs fixing").wait_for()
    beside = page.locator("[data-field=visitors] .error")
    # The service names her and says why (the register's reason), so the phone shows it as it is.
    assert beside.inner_text() == f"{full_name(bella)} left the scheme on {bella.left_on:%-d %b %Y}."
    assert page.evaluate("document.activeElement.id") == "co-visitor-0"
    assert CustodyVisit.objects.count() == 0

    page.reload()
    page.locator(".status-state", has_text="Needs fixing").wait_for()
    choose(page, "Co-visitor", full_name(bianca))
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Sent").wait_for()
    visit = CustodyVisit.objects.get()
    assert str(visit.client_uuid) == uuid
    assert sorted(visit.visitors.values_list("pk", flat=True)) == sorted([bob.pk, bianca.pk])


def test_a_trained_visitor_reports_an_animal_welfare_visit(phone, api, animal_unit, trained_bob, bella):
    page = phone()
    sign_in(page, trained_bob)
    page.get_by_role("button", name="Start an animal welfare visit").click()
    page.get_by_role("heading", name="Animal welfare visit", exact=True).wait_for()
    choose(page, "Animal unit", "Dog unit")
    choose(page, "Co-visitor", full_name(bella))
    page.get_by_role("button", name="We have arrived").click()
    tap(page, "Animals seen", 4)
    page.get_by_label("Kennels observed").check()
    page.get_by_label("Animals' records checked").check()
    page.get_by_role("button", name="Add an issue").click()
    choose(page, "Category", "Health care and medication")
    page.get_by_label("What is the issue? (no names)").fill("Kennel 3: water bowl empty")
    page.get_by_role("button", name="We are leaving").click()
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Sent").wait_for()

    [visit] = api(trained_bob).get(f"/api/v1/animal-visits/?visitor={trained_bob.pk}").json()["results"]
    assert visit["site"] == animal_unit.pk and visit["animals_seen"] == 4
    assert (visit["kennels_observed"], visit["records_checked"], visit["vehicles_observed"]) == (True, True, False)
    assert [i["description"] for i in visit["issues"]] == ["Kennel 3: water bowl empty"]
    assert AnimalVisit.objects.count() == 1 and CustodyVisit.objects.count() == 0


def test_an_expired_sign_in_asks_to_sign_in_again_and_keeps_the_report(phone, suite, bob, bella):
    page = phone()
    sign_in(page, bob)
    fill_custody_report(page, bella)
    page.get_by_role("button", name="We are leaving").click()
    uuid = current_uuid(page)
    # Both tokens dead, as after a fortnight in a drawer.
    page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open("icv-phone");
        open.onsuccess = () => {
            const tx = open.result.transaction("kv", "readwrite");
            tx.objectStore("kv").put({access: "dead.dead.dead", refresh: "dead"}, "tokens");
            tx.oncomplete = () => { open.result.close(); resolve(); };
        };
    })""")
    page.get_by_role("button", name="Submit report").click()
    page.get_by_text("Your sign-in has expired. Sign in again: your reports are kept on this phone.").wait_for()
    assert state_of(page, uuid) == "queued" and CustodyVisit.objects.count() == 0
    page.get_by_label("Username").fill(bob.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator(f"a[href='#/report/{uuid}']", has_text="Sent").wait_for()
    assert str(CustodyVisit.objects.get().client_uuid) == uuid


def test_a_server_error_is_retried_and_a_changed_resend_is_sent_to_the_manager(phone, suite, bob, bella):
    page = phone()
    sign_in(page, bob)
    answered = []

    def down_once(route):
        if route.request.method == "POST" and not answered:
            answered.append(503)
            route.fulfill(status=503, json={"detail": "Down for a moment."})
        else:
            route.continue_()

    page.route("**/api/v1/visits/", down_once)
    fill_custody_report(page, bella)
    page.get_by_role("button", name="We are leaving").click()
    uuid = current_uuid(page)
    page.get_by_role("button", name="Submit report").click()
    page.get_by_text("The service is busy. Your report is safe on this phone.").wait_for()
    page.locator(".status-state", has_text="Sent").wait_for()
    assert answered == [503] and CustodyVisit.objects.count() == 1

    # The same client_uuid with other content (as if the phone's copy had been changed): 409, said plainly.
    page.evaluate("""(uuid) => new Promise((resolve) => {
        const open = indexedDB.open("icv-phone");
        open.onsuccess = () => {
            const store = open.result.transaction("reports", "readwrite").objectStore("reports");
            store.get(uuid).onsuccess = (e) => {
                const row = e.target.result;
                row.fields.comments = "Changed afterwards";
                row.state = "queued";
                store.put(row).onsuccess = () => { open.result.close(); resolve(); };
            };
        };
    })""", uuid)
    page.reload()
    page.locator(".status-state", has_text="Ask your manager").wait_for()
    assert "Already sent with different content: ask your manager." in page.locator("#report-message").inner_text()
    assert CustodyVisit.objects.get().comments == ""
