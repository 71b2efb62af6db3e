"""Version 1.1 of the report on the phone: outcomes, the authorising rank, TACT, children and vulnerable
detainees, records examined, a concern about ill-treatment, and an animal's welfare needs."""

from datetime import datetime, timedelta

import pytest

from tests.factories import train
from tests.phone.conftest import LONDON, choose, current_uuid, full_name, sign_in, state_of
from tests.phone.test_reports import fill_custody_report, local_input, tap

pytestmark = pytest.mark.services

COUNTS = ("present", "offered", "seen", "refused", "not_offered", "unavailable", "observed")


def start_custody_visit(page, co_visitor):
    page.get_by_role("button", name="Start a custody visit").click()
    page.get_by_role("heading", name="Custody visit", exact=True).wait_for()
    choose(page, "Suite", "Central")
    choose(page, "Co-visitor", full_name(co_visitor))
    page.get_by_role("button", name="We have arrived").click()


def test_a_visit_refused_entry_is_sent_without_admission_or_counts_and_a_tact_refusal_is_fixed(
        phone, api, suite, bob, bella):
    page = phone()
    sign_in(page, bob)
    start_custody_visit(page, bella)
    tap(page, "Seen", 2)  # tapped at the door before the sergeant said no
    page.locator("#cells_clean-yes").check()
    page.get_by_label("Not let in", exact=True).check()
    assert page.locator("#stamp-admitted_at").is_hidden() and page.locator("#band").is_hidden()
    assert page.locator("#tally").is_hidden() and page.locator("#checks").is_hidden()
    page.get_by_label("Why were you not let in?").fill("Suite closed to visitors: a fire alarm")
    page.get_by_label("TACT visit: detainees held under the Terrorism Act").check()
    page.get_by_role("button", name="We are leaving").click()
    uuid = current_uuid(page)
    page.get_by_role("button", name="Submit report").click()

    # Neither bob nor bella is trained for TACT: the service says so, beside the box, which has the focus.
    page.locator(".status-state", has_text="Needs fixing").wait_for()
    assert page.locator("[data-field=tact] .error").inner_text() == (
        "A TACT visit needs at least one visitor trained for TACT visits.")
    assert page.evaluate("document.activeElement.id") == "tact"
    assert page.locator("#stamp-admitted_at").is_hidden()  # the form reopens as it was left
    train(bella, "tact")  # the manager's record of her training was out of date
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Sent").wait_for()

    [visit] = api(bob).get(f"/api/v1/visits/?visitor={bob.pk}").json()["results"]
    assert visit["client_uuid"] == uuid and state_of(page, uuid) == "sent"
    assert (visit["outcome"], visit["outcome_reason"]) == ("access_refused", "Suite closed to visitors: a fire alarm")
    assert visit["admitted_at"] is None and visit["left_at"] is not None
    assert {name: visit[f"detainees_{name}"] for name in COUNTS} == dict.fromkeys(COUNTS, 0)
    assert (visit["juveniles_present"], visit["vulnerable_present"], visit["custody_records_examined"]) == (0, 0, 0)
    assert visit["tact"] is True and visit["delay_authorised_by_rank"] == ""
    assert visit["concern"]["raised"] is False and visit["seen_profile"] == {}
    assert visit["cells_clean"] is None and visit["delay_reason"] == ""


def test_a_concern_about_ill_treatment_is_sent_with_the_rank_the_limited_counts_and_the_outcome(
        phone, api, suite, bob, bella, alice):
    train(bob, "tact")
    page = phone()
    sign_in(page, bob)
    start_custody_visit(page, bella)
    arrived = (datetime.now(LONDON) - timedelta(minutes=20)).replace(second=0, microsecond=0)
    page.get_by_label("Arrived at").fill(local_input(arrived))
    page.get_by_role("button", name="We are in").click()
    assert "Over 15 minutes" in page.locator("#band").inner_text()
    page.get_by_label("Why was access delayed?").fill("Staff handover")
    choose(page, "Who authorised the delay? (rank only)", "Inspector")
    assert page.get_by_text("You are trained for TACT visits.").is_visible()
    page.get_by_label("TACT visit: detainees held under the Terrorism Act").check()
    page.get_by_label("Had to stop", exact=True).check()
    page.get_by_label("Why did you have to stop?").fill("An incident in the suite: we were asked to leave")

    tap(page, "Seen", 3)
    tap(page, "Refused", 1)
    tap(page, "Unavailable", 1)  # 5 present, 3 seen
    tap(page, "Children (under 18) present", 5)
    more_children = page.get_by_role("button", name="Children (under 18) present: one more", exact=True)
    assert more_children.is_disabled()  # never more children than detainees present
    assert page.locator("#juveniles_present-limit").inner_text() == "At most 5 (present)"
    tap(page, "Vulnerable detainees present", 2)
    tap(page, "Custody records examined", 3)
    # One fewer seen: the records examined come down with it, and so do the children with those present.
    page.get_by_role("button", name="Seen: one fewer", exact=True).click()
    assert page.locator("#custody_records_examined").input_value() == "2"
    assert page.locator("#juveniles_present").input_value() == "4"
    assert page.locator("#custody_records_examined-limit").inner_text() == "At most 2 (seen)"

    page.get_by_label("I have a concern about ill-treatment").check()
    page.get_by_role("button", name="We are leaving").click()
    page.get_by_role("button", name="Submit report").click()
    page.get_by_text("Some answers are missing").wait_for()
    assert page.locator("[data-field=concern] .error").inner_text() == (
        "Say what was seen or alleged: the manager needs it to act.")
    assert page.evaluate("document.activeElement.id") == "concern_details"
    details = "Cell 7: says he was pushed against the wall at arrest; bruise on the left arm"
    page.get_by_label("What was seen or alleged? (cell numbers, no names)").fill(details)
    uuid = current_uuid(page)
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Sent").wait_for()

    [visit] = api(alice).get(f"/api/v1/visits/?site={suite.pk}").json()["results"]
    assert visit["client_uuid"] == uuid
    assert (visit["outcome"], visit["outcome_reason"]) == (
        "abandoned", "An incident in the suite: we were asked to leave")
    assert datetime.fromisoformat(visit["arrived_at"]) == arrived and visit["admitted_at"] is not None
    assert (visit["access_band"], visit["delay_reason"], visit["delay_authorised_by_rank"]) == (
        "over-15", "Staff handover", "inspector")
    assert visit["tact"] is True
    assert {name: visit[f"detainees_{name}"] for name in COUNTS} == {
        "present": 4, "offered": 3, "seen": 2, "refused": 1, "not_offered": 0, "unavailable": 1, "observed": 0}
    assert (visit["juveniles_present"], visit["vulnerable_present"], visit["custody_records_examined"]) == (4, 2, 2)
    assert (visit["concern"]["raised"], visit["concern"]["details"], visit["concern"]["handled_at"]) == (
        True, details, None)


def test_a_welfare_concern_without_an_issue_is_refused_and_sent_once_the_issue_is_added(
        phone, api, animal_unit, trained_bob, bella):
    page = phone()
    sign_in(page, trained_bob)
    page.get_by_role("button", name="Start an animal welfare visit").click()
    page.get_by_role("heading", name="Animal welfare visit", exact=True).wait_for()
    assert page.locator("#outcome-remote").count() == 0  # an animal welfare visit is never remote
    choose(page, "Animal unit", "Dog unit")
    choose(page, "Co-visitor", full_name(bella))
    page.get_by_role("button", name="We have arrived").click()
    tap(page, "Animals seen", 3)
    page.locator("#welfare-environment-met").check()
    page.locator("#welfare-diet-concern").check()
    page.locator("#welfare-health-met").check()
    page.get_by_role("button", name="We are leaving").click()
    page.get_by_role("button", name="Submit report").click()
    page.get_by_text("Some answers are missing").wait_for()
    assert page.locator("[data-field=welfare_needs] > .error").inner_text() == (
        "A concern about diet needs an issue below saying what it is: add one.")
    assert page.evaluate("document.activeElement.id") == "welfare-environment-met"

    page.get_by_role("button", name="Add an issue").click()
    choose(page, "Category", "Food and drink")
    page.get_by_label("What is the issue? (no names)").fill("Kennel 2: no water bowl since the morning")
    page.get_by_role("button", name="Submit report").click()
    page.locator(".status-state", has_text="Sent").wait_for()

    [visit] = api(trained_bob).get(f"/api/v1/animal-visits/?visitor={trained_bob.pk}").json()["results"]
    assert visit["welfare_needs"] == {"environment": "met", "diet": "concern", "behaviour": "not_checked",
                                      "company": "not_checked", "health": "met"}
    assert (visit["outcome"], visit["outcome_reason"], visit["animals_seen"]) == ("completed", "", 3)
    assert [i["description"] for i in visit["issues"]] == ["Kennel 2: no water bowl since the morning"]


def test_a_report_queued_by_the_version_1_app_is_sent_as_it_was_made(phone, api, suite, bob, bella):
    page = phone()
    sign_in(page, bob)
    fill_custody_report(page, bella)
    page.get_by_role("button", name="We are leaving").click()
    uuid = current_uuid(page)
    # The row as the version 1 app kept it: none of the 1.1 fields, queued before the update, 20 minutes'
    # delay and no rank: the service stores "not given" for it.
    page.evaluate("""([uuid, arrived]) => new Promise((resolve) => {
        const open = indexedDB.open("icv-phone");
        open.onsuccess = () => {
            const store = open.result.transaction("reports", "readwrite").objectStore("reports");
            store.get(uuid).onsuccess = (e) => {
                const row = e.target.result;
                for (const name of ["outcome", "outcome_reason", "delay_authorised_by_rank", "tact",
                    "concern_raised", "concern_details", "juveniles_present", "vulnerable_present",
                    "custody_records_examined"]) delete row.fields[name];
                row.fields.arrived_at = arrived;
                row.fields.delay_reason = "Suite busy";
                row.state = "queued";
                store.put(row).onsuccess = () => { open.result.close(); resolve(); };
            };
        };
    })""", [uuid, (datetime.now(LONDON) - timedelta(minutes=20)).isoformat()])
    page.reload()
    page.locator(".status-state", has_text="Sent").wait_for()
    [visit] = api(bob).get(f"/api/v1/visits/?visitor={bob.pk}").json()["results"]
    assert (visit["client_uuid"], visit["outcome"], visit["delay_authorised_by_rank"]) == (
        uuid, "completed", "not_given")
