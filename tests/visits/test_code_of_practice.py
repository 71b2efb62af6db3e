"""Version 1.1 of the report, what the Code of Practice asks for: outcomes, authorised delays, TACT visits,
children and vulnerable detainees, records examined, concerns of ill-treatment and animal welfare needs."""

import uuid
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from visits import services
from visits.models import CustodyVisit, Notification, Role
from visits.services.reports import content_hash

from .conftest import ANIMAL_VISITS, VISITS, animal_body, assert_field_errors, custody_body

NO_ONE = {f"detainees_{name}": 0 for name in
          ("present", "offered", "seen", "refused", "not_offered", "unavailable", "observed")}
DELAYED = {"admitted_at": "2024-02-06T21:58:00+00:00", "delay_reason": "Suite busy"}  # 18 minutes
ALLEGATION = {"raised": True, "details": "Detainee in cell 3 said an officer pushed him against the wall."}


@pytest.fixture
def tess(scheme):
    """A visitor trained for visits to detainees held under the Terrorism Act."""
    return UserFactory(username="tess", role=Role.VISITOR, scheme=scheme, tact_trained=True,
                       first_name="Tess", last_name="Okafor")


@pytest.fixture
def body(suite, bob, bella):
    def make(**fields):
        return custody_body(site=suite, visitors=[bob, bella], **fields)
    return make


REFUSED = [
    ("outcome-not-known", {"outcome": "cancelled", "outcome_reason": "x"}, "outcome"),
    ("remote-without-reason", {"outcome": "remote", "admitted_at": None}, "outcome_reason"),
    ("abandoned-with-a-blank-reason", {"outcome": "abandoned", "outcome_reason": "  "}, "outcome_reason"),
    ("refused-with-an-admission-time", {"outcome": "access_refused", "outcome_reason": "Suite closed", **NO_ONE},
     "admitted_at"),
    ("refused-with-detainees-counted", {"outcome": "access_refused", "outcome_reason": "Suite closed",
                                        "admitted_at": None}, "detainees_present"),
    ("remote-with-an-admission-time", {"outcome": "remote", "outcome_reason": "Suite in lockdown"}, "admitted_at"),
    ("rank-not-known", {**DELAYED, "delay_authorised_by_rank": "constable"}, "delay_authorised_by_rank"),
    ("delay-with-an-explicit-blank-rank", {**DELAYED, "delay_authorised_by_rank": ""}, "delay_authorised_by_rank"),
    ("tact-as-string", {"tact": "yes"}, "tact"),
    ("tact-without-a-trained-visitor", {"tact": True}, "tact"),
    ("more-children-than-present", {"juveniles_present": 15}, "juveniles_present"),
    ("more-vulnerable-than-present", {"vulnerable_present": 15}, "vulnerable_present"),
    ("children-as-string", {"juveniles_present": "1"}, "juveniles_present"),
    ("more-records-than-seen", {"custody_records_examined": 6}, "custody_records_examined"),
    ("concern-without-details", {"concern": {"raised": True, "details": " "}}, "concern"),
    ("details-without-a-concern", {"concern": {"raised": False, "details": "Pushed"}}, "concern"),
    ("concern-raised-as-string", {"concern": {"raised": "true", "details": "Pushed"}}, "concern"),
    ("concern-not-an-object", {"concern": "Pushed"}, "concern"),
    ("concern-details-with-an-override", {"concern": {"raised": True, "details": "pushed \u202e"}}, "concern"),
]


@pytest.mark.parametrize("overrides, field", [pytest.param(o, f, id=name) for name, o, f in REFUSED])
def test_it_refuses_a_custody_report_breaking_a_code_of_practice_rule(body, bob, post_report, overrides, field):
    assert_field_errors(post_report(bob, body(**overrides)), field)


def test_it_gives_every_broken_rule_its_message_at_once_and_stores_nothing(body, bob, post_report):
    errors = assert_field_errors(post_report(bob, body(
        **DELAYED, delay_authorised_by_rank="", tact=True, juveniles_present=20, custody_records_examined=9,
        concern={"raised": True, "details": ""},
    )), "delay_authorised_by_rank", "tact", "juveniles_present", "custody_records_examined", "concern")
    assert CustodyVisit.objects.count() == 0
    assert "authorised" in errors["delay_authorised_by_rank"][0]


ANIMAL_REFUSED = [
    ("remote-animal-visit", {"outcome": "remote", "outcome_reason": "Phoned"}, "outcome"),
    ("refused-without-reason", {"outcome": "access_refused", "animals_seen": 0}, "outcome_reason"),
    ("refused-with-animals-seen", {"outcome": "access_refused", "outcome_reason": "Unit closed"}, "animals_seen"),
    ("refused-with-a-need-checked", {"outcome": "access_refused", "outcome_reason": "Unit closed", "animals_seen": 0,
                                     "welfare_needs": {"diet": "met"}}, "welfare_needs"),
    ("need-not-known", {"welfare_needs": {"diet": "fine"}}, "welfare_needs"),
    ("concern-without-an-issue", {"welfare_needs": {"health": "concern"}}, "welfare_needs"),
]


@pytest.mark.parametrize("overrides, field", [pytest.param(o, f, id=name) for name, o, f in ANIMAL_REFUSED])
def test_it_refuses_an_animal_report_breaking_a_rule(animal_unit, bob, bella, post_report, overrides, field):
    body = animal_body(site=animal_unit, visitors=[bob, bella], **overrides)
    assert_field_errors(post_report(bob, body, url=ANIMAL_VISITS), field)


def test_a_welfare_concern_with_its_issue_is_stored_with_the_needs_left_out_not_checked(
        animal_unit, bob, bella, post_report):
    body = animal_body(site=animal_unit, visitors=[bob, bella], welfare_needs={"health": "concern", "diet": "met"},
                       issues=[{"category": "health-care", "description": "Dog Rex limping, not seen by the vet."}])
    response = post_report(bob, body, url=ANIMAL_VISITS)
    assert response.status_code == 201
    assert response.json()["welfare_needs"] == {"environment": "not_checked", "diet": "met", "behaviour": "not_checked",
                                                "company": "not_checked", "health": "concern"}


# --- a version 1 phone ---------------------------------------------------------------------------


def test_a_version_1_report_is_stored_with_the_defaults(body, bob, post_report):
    response = post_report(bob, body())
    assert response.status_code == 201
    stored = response.json()
    assert {k: stored[k] for k in ("outcome", "outcome_reason", "delay_authorised_by_rank", "tact",
                                   "juveniles_present", "vulnerable_present", "custody_records_examined")} == {
        "outcome": "completed", "outcome_reason": "", "delay_authorised_by_rank": "", "tact": False,
        "juveniles_present": 0, "vulnerable_present": 0, "custody_records_examined": 0,
    }
    assert stored["concern"] == {"raised": False, "details": "", "handled_at": None, "handled_by": None,
                                 "handled_note": ""}


def test_a_version_1_report_with_a_delay_is_stored_as_rank_not_given(body, bob, post_report):
    response = post_report(bob, body(**DELAYED))
    assert response.status_code == 201
    assert response.json()["delay_authorised_by_rank"] == "not_given"


@pytest.mark.parametrize("retry", [
    pytest.param({}, id="the-same-version-1-body"),
    pytest.param({"outcome": "completed", "outcome_reason": "", "tact": False, "juveniles_present": 0,
                  "vulnerable_present": 0, "custody_records_examined": 0,
                  "concern": {"raised": False, "details": ""}}, id="with-the-new-defaults-spelt-out"),
])
def test_a_version_1_retry_answers_200_with_the_same_report(body, bob, post_report, retry):
    sent = body(**DELAYED)
    first = post_report(bob, sent)
    again = post_report(bob, {**sent, **retry})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()


def test_a_retry_that_adds_a_new_field_is_another_report_and_answers_409(body, bob, post_report):
    sent = body()
    post_report(bob, sent)
    assert post_report(bob, {**sent, "juveniles_present": 1}).status_code == 409


def test_the_content_hash_of_a_version_1_report_is_the_one_version_1_stored():
    """Hashes worked out by the code before version 1.1: a report stored then keeps matching its retries."""
    at = lambda h, m: datetime(2024, 2, 6, h, m, tzinfo=UTC)  # noqa: E731
    custody = {
        "client_uuid": uuid.UUID("3f9c2f4e-7c1a-4d8e-9a57-2b3c4d5e6f70"), "site": 4, "visitors": [17, 12],
        "arrived_at": at(21, 40), "admitted_at": at(21, 58), "left_at": at(23, 5), "delay_reason": "Suite busy",
        "detainees_present": 14, "detainees_offered": 6, "detainees_seen": 5, "detainees_refused": 1,
        "detainees_not_offered": 2, "detainees_unavailable": 3, "detainees_observed": 3,
        "issues": [{"category": "food-and-drink", "description": "Cold meals.", "resolved_during_visit": False}],
        "comments": "", "status": "submitted",
    }
    animal = {
        "client_uuid": uuid.UUID("3f9c2f4e-7c1a-4d8e-9a57-2b3c4d5e6f71"), "site": 5, "visitors": [12, 17],
        "arrived_at": at(10, 0), "left_at": at(11, 0), "animals_seen": 6, "records_checked": True, "issues": [],
        "status": "submitted",
    }
    from visits.models import AnimalVisit

    assert content_hash(custody, model=CustodyVisit) == "d70426582c395894d2e0c542435c8e248bf1a8b7c6925b6bcb56339b2f20263a"
    assert content_hash(animal, model=AnimalVisit) == "b32d2dfdb2be812b856709ec6183344d39083e576bc99fde19bfa0fdbf8eda8b"


# --- outcomes, ranks, TACT -----------------------------------------------------------------------


@pytest.mark.parametrize("fields", [
    pytest.param({"outcome": "remote", "outcome_reason": "Suite in lockdown: spoke to detainees by video",
                  "admitted_at": None}, id="remote"),
    pytest.param({"outcome": "access_refused", "outcome_reason": "Turned away: suite full", "admitted_at": None,
                  **NO_ONE, "seen_profile": {}, "issues": []}, id="access-refused"),
    pytest.param({"outcome": "abandoned", "outcome_reason": "Fire alarm: suite evacuated"}, id="abandoned"),
])
def test_each_outcome_is_stored_with_its_reason(body, bob, post_report, fields):
    response = post_report(bob, body(**fields))
    assert response.status_code == 201
    stored = response.json()
    assert (stored["outcome"], stored["outcome_reason"]) == (fields["outcome"], fields["outcome_reason"])
    assert stored["timeslot"] == {"day": "tuesday", "band": "20:00-23:59"}


def test_a_delay_authorised_by_an_inspector_is_stored(body, bob, post_report):
    response = post_report(bob, body(**DELAYED, delay_authorised_by_rank="inspector"))
    assert response.status_code == 201
    assert (response.json()["access_band"], response.json()["delay_authorised_by_rank"]) == ("over-15", "inspector")


def test_a_tact_visit_with_a_trained_visitor_is_stored(suite, bob, tess, post_report):
    response = post_report(bob, custody_body(site=suite, visitors=[bob, tess], tact=True))
    assert response.status_code == 201
    assert response.json()["tact"] is True


def test_managers_record_whether_a_visitor_is_tact_trained(api, alice, bob):
    response = api(alice).patch(f"/api/v1/users/{bob.pk}/", {"tact_trained": True}, format="json")
    assert response.status_code == 200
    assert response.json()["tact_trained"] is True


# --- a concern of ill-treatment ------------------------------------------------------------------


def test_a_concern_writes_an_urgent_notification_to_the_managers_only(body, bob, post_report, alice, carol):
    other_manager = UserFactory(username="amir", role=Role.MANAGER, scheme=alice.scheme)
    UserFactory(username="charlotte", role=Role.MANAGER)  # another scheme's manager is not told
    response = post_report(bob, body(concern=ALLEGATION, issues=[]))
    assert response.status_code == 201
    notes = Notification.objects.order_by("to_email")
    assert [n.to_email for n in notes] == sorted([alice.email, other_manager.email])
    assert all(n.subject.startswith("URGENT:") for n in notes)
    assert not Notification.objects.filter(to_email=carol.email).exists()
    # The allegation stays behind sign-in.
    assert all("pushed" not in n.body for n in notes)


def test_the_urgent_email_links_to_the_reports_page_where_the_manager_reads_the_concern(
        body, bob, post_report, alice, settings):
    visit = post_report(bob, body(concern=ALLEGATION, issues=[])).json()
    [note] = Notification.objects.filter(to_email=alice.email)
    [link] = [word for word in note.body.split() if word.startswith(settings.SITE_URL)]
    manager = Client()
    assert manager.login(username=alice.username, password=PASSWORD)
    page = manager.get(link.removeprefix(settings.SITE_URL))
    assert page.status_code == 200
    assert "pushed him against the wall" in page.content.decode()
    assert link == f"{settings.SITE_URL}/reports/custody/{visit['id']}/"


def test_custody_staff_are_told_of_the_issues_but_never_of_the_concern(body, bob, post_report, alice, carol):
    post_report(bob, body(concern=ALLEGATION))
    [to_custody] = Notification.objects.filter(to_email=carol.email)
    assert "URGENT" not in to_custody.subject and "pushed" not in to_custody.body


def test_the_concern_notification_is_written_in_the_reports_transaction(suite, bob, bella, alice):
    data = {
        "client_uuid": uuid.uuid4(), "site": suite.pk, "visitors": [bob.pk, bella.pk],
        "arrived_at": datetime(2024, 2, 6, 21, 40, tzinfo=UTC),
        "admitted_at": datetime(2024, 2, 6, 21, 43, tzinfo=UTC),
        "left_at": datetime(2024, 2, 6, 23, 5, tzinfo=UTC), "status": "submitted", "concern": ALLEGATION,
    }
    with pytest.raises(RuntimeError), transaction.atomic():
        services.report_submit(model=CustodyVisit, sender=bob, data=data)
        assert Notification.objects.filter(to_email=alice.email).count() == 1
        raise RuntimeError("the report's transaction rolls back")
    assert (CustodyVisit.objects.count(), Notification.objects.count()) == (0, 0)


def test_the_urgent_email_goes_to_the_managers_when_the_report_commits(
        body, bob, alice, carol, api, tasks_in_process, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(bob).post(VISITS, body(concern=ALLEGATION, issues=[]), format="json")
    assert response.status_code == 201
    assert [(m.to, m.subject.split(":")[0]) for m in mail.outbox] == [([alice.email], "URGENT")]


def test_a_draft_concern_notifies_the_managers_once_submitted(body, bob, alice, api):
    draft = api(bob).post(VISITS, body(concern=ALLEGATION, status="draft", issues=[]), format="json").json()
    assert Notification.objects.count() == 0
    response = api(bob).patch(f"{VISITS}{draft['id']}/", {"status": "submitted"}, format="json")
    assert response.status_code == 200
    assert [n.to_email for n in Notification.objects.all()] == [alice.email]


def test_custody_staff_do_not_see_a_concern(body, bob, carol, api, post_report):
    visit = post_report(bob, body(concern=ALLEGATION)).json()
    response = api(carol).get(f"{VISITS}{visit['id']}/")
    assert response.status_code == 200
    assert response.json()["concern"] is None


@pytest.fixture
def concern_visit(body, bob, post_report):
    return post_report(bob, body(concern=ALLEGATION, issues=[])).json()


def test_a_manager_marks_a_concern_handled_with_a_note(api, alice, concern_visit):
    url = f"{VISITS}{concern_visit['id']}/concern/handled/"
    response = api(alice).post(url, {"note": "Referred to Professional Standards, ref PS/24/113."}, format="json")
    assert response.status_code == 200
    concern = response.json()["concern"]
    assert (concern["raised"], concern["handled_by"], concern["handled_note"]) == (
        True, alice.pk, "Referred to Professional Standards, ref PS/24/113.")
    assert concern["handled_at"] is not None
    again = api(alice).post(url, {"note": "Again"}, format="json")
    assert_field_errors(again, "concern")


def test_marking_handled_needs_a_note(api, alice, concern_visit):
    response = api(alice).post(f"{VISITS}{concern_visit['id']}/concern/handled/", {"note": ""}, format="json")
    assert_field_errors(response, "note")


def test_a_report_without_a_concern_cannot_be_marked_handled(api, alice, body, bob, post_report):
    visit = post_report(bob, body()).json()
    response = api(alice).post(f"{VISITS}{visit['id']}/concern/handled/", {"note": "Done"}, format="json")
    assert_field_errors(response, "concern")


@pytest.mark.parametrize("who, status", [("bob", 403), ("carol", 403), ("charlie", 404)])
def test_only_the_schemes_managers_mark_a_concern_handled(api, request, concern_visit, who, status):
    user = request.getfixturevalue(who)
    response = api(user).post(f"{VISITS}{concern_visit['id']}/concern/handled/", {"note": "Done"}, format="json")
    assert response.status_code == status


# --- the TACT report -----------------------------------------------------------------------------


@pytest.fixture
def tact_visit(suite, bob, tess, post_report):
    bob.first_name, bob.last_name = "Bob", "Smith"
    bob.save()
    return post_report(bob, custody_body(
        site=suite, visitors=[bob, tess], tact=True, juveniles_present=1, vulnerable_present=2,
        custody_records_examined=3, **DELAYED, delay_authorised_by_rank="inspector",
        comments="Bob Smith and Tess spoke to the sergeant.",
    )).json()


def test_the_tact_report_is_printable_and_names_no_visitor(api, alice, bob, tess, tact_visit):
    response = api(alice).get(f"{VISITS}{tact_visit['id']}/tact-report/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Central" in page and "Terrorism Act" in page and "Inspector" in page
    assert "Children (under 18) present</th><td>1<" in page
    assert "Custody records examined (with consent)</th><td>3<" in page
    assert "Cold meals in cell 4." in page
    for person in (bob, tess):
        for name in (person.username, person.first_name, person.last_name):
            assert name not in page, name
    assert "spoke to the sergeant" not in page  # free comments may name people


def test_the_tact_report_reads_in_welsh_for_a_welsh_reader(api, alice, tact_visit):
    page = api(alice).get(f"{VISITS}{tact_visit['id']}/tact-report/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert '<html lang="cy">' in page
    assert "<h1>Ymweliad annibynnol â'r ddalfa o dan y Ddeddf Terfysgaeth</h1>" in page
    assert "Plant (dan 18) yn bresennol</th><td>1<" in page
    assert "Arolygydd" in page and "Chwefror 2024" in page  # the rank and the date, in Welsh
    assert "<td>Bwyd a diod</td><td>Cold meals in cell 4.</td><td>naddo</td>" in page
    assert "Terrorism Act" not in page and "February" not in page


def test_a_visit_that_is_not_tact_has_no_tact_report(api, alice, body, bob, post_report):
    visit = post_report(bob, body()).json()
    assert api(alice).get(f"{VISITS}{visit['id']}/tact-report/").status_code == 404


@pytest.mark.parametrize("who, status", [("bob", 403), ("carol", 403), ("charlie", 404)])
def test_only_the_schemes_managers_read_the_tact_report(api, request, tact_visit, who, status):
    user = request.getfixturevalue(who)
    response = api(user).get(f"{VISITS}{tact_visit['id']}/tact-report/")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


def test_managers_list_the_concerns_still_open(api, alice, body, bob, post_report, concern_visit):
    post_report(bob, body())
    response = api(alice).get(VISITS, {"concern": "open"})
    assert response.status_code == 200
    assert [v["id"] for v in response.json()["results"]] == [concern_visit["id"]]
    api(alice).post(f"{VISITS}{concern_visit['id']}/concern/handled/", {"note": "Done"}, format="json")
    assert api(alice).get(VISITS, {"concern": "open"}).json()["count"] == 0
    assert api(alice).get(VISITS, {"concern": "handled"}).json()["count"] == 1


def test_a_correction_can_record_a_concern_and_the_managers_are_told(api, alice, body, bob, post_report):
    visit = post_report(bob, body(issues=[])).json()
    response = api(alice).patch(f"{VISITS}{visit['id']}/", {"concern": ALLEGATION, "correction_reason": "Phoned in"},
                                format="json")
    assert response.status_code == 200
    assert response.json()["concern"]["raised"] is True
    assert [n.to_email for n in Notification.objects.all()] == [alice.email]
    assert response.json()["corrections"][0]["changes"]["concern"]["to"] == {
        "raised": True, "details": ALLEGATION["details"]}


def test_a_correction_to_another_field_keeps_the_authorised_rank(api, alice, body, bob, post_report):
    visit = post_report(bob, body(**DELAYED, delay_authorised_by_rank="inspector")).json()
    response = api(alice).patch(f"{VISITS}{visit['id']}/", {"comments": "Typo fixed"}, format="json")
    assert response.status_code == 200
    assert response.json()["delay_authorised_by_rank"] == "inspector"
