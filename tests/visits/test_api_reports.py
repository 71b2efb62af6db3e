"""The report endpoints over HTTP, as phones and the desk use them: idempotent submission, retries and
races, drafts and corrections, and the force being told of issues."""

import json
import threading
import uuid
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from tests.factories import custody_visit
from tests.openapi import CheckedClient
from visits import services
from visits.models import CustodyVisit, IssueCategory, Notification, ReportCorrection, VisitIssue

from .conftest import ANIMAL_VISITS, VISITS, animal_body, assert_field_errors, custody_body, stored_rows


def test_a_report_naming_no_visitor_is_refused_on_its_visitors(suite, alice, post_report):
    """A manager (not a visitor of it) may send one: the read of its people, compiled per number of
    visitors, has none to read and says so with a 400, not a 500."""
    assert_field_errors(post_report(alice, custody_body(site=suite, visitors=[])), "visitors")


# --- idempotency -------------------------------------------------------------------------------


@pytest.fixture
def sent(suite, bob, bella, post_report):
    """A report bob has sent once (201), and its body."""
    body = custody_body(site=suite, visitors=[bob, bella])
    first = post_report(bob, body)
    assert first.status_code == 201
    return body, first.json()


@pytest.mark.parametrize("retry", [
    pytest.param(lambda body: body, id="the-same-body"),
    pytest.param(lambda body: dict(reversed(list(body.items()))), id="keys-in-another-order"),
    pytest.param(lambda body: {**body, "visitors": list(reversed(body["visitors"]))}, id="visitors-in-another-order"),
    pytest.param(lambda body: {**body, "arrived_at": "2024-02-06T22:40:00+01:00",
                               "admitted_at": "2024-02-06T16:43:00-05:00", "left_at": "2024-02-06T23:05:00Z"},
                 id="the-same-times-with-other-offsets"),
])
def test_a_retry_answers_200_with_the_stored_report(sent, bob, post_report, retry):
    body, first = sent
    before = stored_rows()
    again = post_report(bob, retry(body))
    assert again.status_code == 200, again.json()
    assert again.json() == first
    assert stored_rows() == before


@pytest.mark.parametrize("change", [
    pytest.param({"detainees_present": 15, "detainees_observed": 4}, id="other-counts"),
    pytest.param({"comments": "Forgot to say: cell 4 was cold."}, id="other-comments"),
    pytest.param({"arrived_at": "2024-02-06T21:41:00+00:00"}, id="another-minute"),
    pytest.param({"status": "draft"}, id="now-a-draft"),
    pytest.param({"issues": []}, id="no-issues"),
])
def test_the_same_key_with_other_content_answers_409_and_changes_nothing(sent, bob, post_report, change):
    body, first = sent
    before = stored_rows()
    response = post_report(bob, {**body, **change})
    assert response.status_code == 409
    assert "client_uuid" in response.json()
    assert stored_rows() == before
    assert CustodyVisit.objects.get(pk=first["id"]).comments == ""


def test_the_same_key_is_a_new_report_in_another_scheme(sent, other_suite, chris, post_report):
    from tests.factories import UserFactory

    body, first = sent
    partner = UserFactory(scheme=other_suite.scheme)
    response = post_report(chris, {**custody_body(site=other_suite, visitors=[chris, partner]),
                                   "client_uuid": body["client_uuid"]})
    assert response.status_code == 201
    assert response.json()["id"] != first["id"]


def test_an_animal_visit_retry_answers_200_too(animal_unit, bob, bella, post_report):
    body = animal_body(site=animal_unit, visitors=[bob, bella])
    first = post_report(bob, body, url=ANIMAL_VISITS)
    again = post_report(bob, body, url=ANIMAL_VISITS)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert post_report(bob, {**body, "animals_seen": 7}, url=ANIMAL_VISITS).status_code == 409


def test_the_answer_to_a_new_report_is_the_report_as_stored(api, suite, animal_unit, bob, bella, carol, post_report):
    # The answer is built from the rows just written, not read back: it must be what a read gives.
    custody = custody_body(site=suite, visitors=[bella, bob], arrived_at="2024-02-06T22:40:00+01:00",
                           seen_profile={"gender": {"female": 2, "male": 3, "other": 0}, "age_group": {"adult": 5}},
                           concern={"raised": True, "details": "Bruising seen on a detainee's arm."},
                           issues=[{"category": "food-and-drink", "description": "Cold meals.",
                                    "resolved_during_visit": False},
                                   {"category": "hygiene", "description": "No towels.", "resolved_during_visit": True}])
    animal = animal_body(site=animal_unit, visitors=[bob, bella], welfare_needs={"diet": "concern"},
                         issues=[{"category": "food-and-drink", "description": "Dry food only."}])
    for url, body in ((VISITS, custody), (ANIMAL_VISITS, animal)):
        answer = post_report(bob, body, url=url)
        assert answer.status_code == 201, answer.json()
        assert api(bob).get(f"{url}{answer.json()['id']}/").json() == answer.json()


def test_a_retry_after_a_correction_answers_the_corrected_report(api, alice, sent, bob, post_report):
    body, first = sent
    corrected = api(alice).patch(f"{VISITS}{first['id']}/", {"comments": "Cell 4 was cold.",
                                                             "seen_profile": {"gender": {"female": 5}}}, format="json")
    assert corrected.status_code == 200, corrected.json()
    again = post_report(bob, body)
    assert again.status_code == 200
    assert again.json() == corrected.json()
    assert again.json()["comments"] == "Cell 4 was cold." and len(again.json()["corrections"]) == 1


def test_a_retry_of_a_draft_edited_since_answers_the_draft_as_it_is(api, suite, bob, bella, post_report):
    body = custody_body(site=suite, visitors=[bob, bella], status="draft", left_at=None, admitted_at=None)
    assert post_report(bob, body).status_code == 201
    draft = CustodyVisit.objects.get(client_uuid=body["client_uuid"])
    edited = api(bob).patch(f"{VISITS}{draft.pk}/", {"comments": "Cell 4 cold.", "issues": []}, format="json")
    assert edited.status_code == 200, edited.json()
    again = post_report(bob, body)
    assert again.status_code == 200
    assert again.json() == edited.json()


def _send_concurrently(user, bodies) -> list[int]:
    """Each body from its own thread and database connection, released together."""
    barrier = threading.Barrier(len(bodies))
    statuses = [None] * len(bodies)

    def send(index, body):
        try:
            client = CheckedClient()
            client.force_authenticate(user)
            barrier.wait()
            statuses[index] = client.post(VISITS, body, format="json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, b)) for i, b in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.services
def test_twenty_identical_concurrent_submissions_store_one_report(transactional_db, suite, bob, bella):
    body = custody_body(site=suite, visitors=[bob, bella])
    statuses = _send_concurrently(bob, [body] * 20)
    assert sorted(statuses) == [200] * 19 + [201]
    assert CustodyVisit.objects.filter(client_uuid=body["client_uuid"]).count() == 1
    assert VisitIssue.objects.count() == 1


@pytest.mark.services
def test_twenty_concurrent_submissions_of_one_key_with_differing_content_store_one(transactional_db, suite, bob,
                                                                                  bella):
    key = str(uuid.uuid4())
    bodies = [custody_body(site=suite, visitors=[bob, bella], client_uuid=key, comments=f"version {i % 4}")
              for i in range(20)]
    statuses = _send_concurrently(bob, bodies)
    stored = CustodyVisit.objects.get(client_uuid=key)
    assert statuses.count(201) == 1
    for body, status in zip(bodies, statuses):
        if body["comments"] == stored.comments:
            assert status in (200, 201)
        else:
            assert status == 409
    assert VisitIssue.objects.count() == 1


# --- drafts, locks and corrections -----------------------------------------------------------------


@pytest.fixture
def draft(suite, bob, bella, post_report):
    body = custody_body(site=suite, visitors=[bob, bella], status="draft", left_at=None, admitted_at=None)
    response = post_report(bob, body)
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def submitted(sent):
    return sent[1]


def test_a_visitor_edits_their_own_draft(api, bob, draft):
    response = api(bob).patch(f"{VISITS}{draft['id']}/", {"comments": "Cell 4 cold."}, format="json")
    assert response.status_code == 200
    assert response.json()["comments"] == "Cell 4 cold."
    assert response.json()["status"] == "draft"
    assert not ReportCorrection.objects.exists()


def test_a_visitor_submits_their_draft_by_patch(api, bob, draft):
    response = api(bob).patch(f"{VISITS}{draft['id']}/", {
        "admitted_at": "2024-02-06T21:43:00+00:00", "left_at": "2024-02-06T23:05:00+00:00", "status": "submitted",
    }, format="json")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["status"] == "submitted" and answer["submitted_at"] is not None
    assert answer["access_band"] == "immediate"


def test_a_draft_cannot_be_submitted_without_its_times(api, bob, draft):
    response = api(bob).patch(f"{VISITS}{draft['id']}/", {"status": "submitted"}, format="json")
    assert_field_errors(response, "left_at", "admitted_at")
    assert CustodyVisit.objects.get(pk=draft["id"]).status == "draft"


def test_a_submitted_report_is_locked_for_its_visitors(api, bob, bella, submitted):
    for visitor in (bob, bella):
        response = api(visitor).patch(f"{VISITS}{submitted['id']}/", {"comments": "Edited"}, format="json")
        assert response.status_code == 403
        assert "ask your volunteer manager" in response.json()["detail"]
    assert CustodyVisit.objects.get(pk=submitted["id"]).comments == ""


def test_another_visitors_draft_cannot_be_edited_even_by_a_partner(api, bella, draft):
    response = api(bella).patch(f"{VISITS}{draft['id']}/", {"comments": "Mine now"}, format="json")
    assert response.status_code == 404


def test_a_managers_correction_is_kept_with_who_when_and_what(api, alice, submitted):
    response = api(alice).patch(f"{VISITS}{submitted['id']}/", {
        "detainees_present": 15, "detainees_observed": 4, "correction_reason": "Visitor phoned: one more asleep.",
    }, format="json")
    assert response.status_code == 200, response.json()
    correction = ReportCorrection.objects.get(custody_visit_id=submitted["id"])
    assert correction.corrected_by == alice
    assert correction.changes == {"detainees_observed": {"from": 3, "to": 4},
                                  "detainees_present": {"from": 14, "to": 15}}
    assert correction.reason == "Visitor phoned: one more asleep."
    [shown] = response.json()["corrections"]
    assert shown["corrected_by"] == alice.pk and shown["corrected_at"]
    assert shown["changes"] == correction.changes and shown["reason"] == correction.reason
    assert response.json()["detainees_present"] == 15


def test_a_correction_that_breaks_a_rule_is_refused_and_leaves_no_trace(api, alice, submitted):
    response = api(alice).patch(f"{VISITS}{submitted['id']}/", {"detainees_present": 15}, format="json")
    assert_field_errors(response, "detainees_present")
    assert not ReportCorrection.objects.exists()
    assert CustodyVisit.objects.get(pk=submitted["id"]).detainees_present == 14


def test_a_correction_that_changes_nothing_leaves_no_trace(api, alice, submitted):
    response = api(alice).patch(f"{VISITS}{submitted['id']}/", {"detainees_present": 14}, format="json")
    assert response.status_code == 200
    assert not ReportCorrection.objects.exists()


@pytest.mark.parametrize("reason", ["bell \x07", "\u202eevil", "x" * 5001, 42])
def test_a_correction_reason_follows_the_free_text_rules(api, alice, submitted, reason):
    response = api(alice).patch(f"{VISITS}{submitted['id']}/", {"comments": "Fixed", "correction_reason": reason},
                                format="json")
    assert_field_errors(response, "correction_reason")
    assert not ReportCorrection.objects.exists()


def test_a_submitted_report_cannot_go_back_to_draft(api, alice, submitted):
    response = api(alice).patch(f"{VISITS}{submitted['id']}/", {"status": "draft"}, format="json")
    assert_field_errors(response, "status")
    assert CustodyVisit.objects.get(pk=submitted["id"]).status == "submitted"


def test_the_key_of_a_stored_report_cannot_change(api, alice, submitted):
    response = api(alice).patch(f"{VISITS}{submitted['id']}/", {"client_uuid": str(uuid.uuid4())}, format="json")
    assert_field_errors(response, "client_uuid")


def test_a_correction_keeps_an_issue_in_a_category_retired_since(api, alice, submitted):
    IssueCategory.objects.filter(slug="food-and-drink").update(active=False)
    response = api(alice).patch(f"{VISITS}{submitted['id']}/", {"comments": "Typo fixed"}, format="json")
    assert response.status_code == 200, response.json()
    assert [i["category"] for i in response.json()["issues"]] == ["food-and-drink"]


def test_a_correction_keeps_the_forces_response_to_an_unchanged_issue(api, alice, carol, submitted):
    issue = VisitIssue.objects.get(custody_visit_id=submitted["id"])
    services.issue_respond(issue=issue, by=carol, response="Hot meals now.")
    response = api(alice).patch(f"{VISITS}{submitted['id']}/", {"comments": "Typo fixed"}, format="json")
    assert response.status_code == 200
    assert VisitIssue.objects.get(pk=issue.pk).force_response == "Hot meals now."


# --- the force is told of issues ----------------------------------------------------------------------


def _issues(*resolved):
    return [{"category": "food-and-drink", "description": f"Issue {i}", "resolved_during_visit": r}
            for i, r in enumerate(resolved)]


def test_an_unresolved_issue_writes_a_notification_for_custody_staff(suite, bob, bella, carol):
    custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                  arrived_at=datetime(2024, 2, 6, 21, 40, tzinfo=UTC), issues=_issues(False, True))
    [note] = Notification.objects.all()
    assert note.to_email == carol.email
    assert "Issue 0" in note.body and "Issue 1" not in note.body
    assert note.sent_at is None


def test_issues_resolved_during_the_visit_notify_nobody(suite, bob, bella, carol):
    custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                  arrived_at=datetime(2024, 2, 6, 21, 40, tzinfo=UTC), issues=_issues(True))
    assert not Notification.objects.exists()


def test_a_draft_notifies_only_once_submitted(api, bob, carol, draft):
    assert not Notification.objects.exists()
    api(bob).patch(f"{VISITS}{draft['id']}/", {"admitted_at": "2024-02-06T21:43:00+00:00",
                                               "left_at": "2024-02-06T23:05:00+00:00", "status": "submitted"},
                   format="json")
    assert Notification.objects.filter(to_email=carol.email).count() == 1


def test_another_schemes_custody_staff_are_not_told(suite, bob, bella, other_scheme):
    from tests.factories import UserFactory

    UserFactory(username="constable", role="custody", scheme=other_scheme)
    custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                  arrived_at=datetime(2024, 2, 6, 21, 40, tzinfo=UTC), issues=_issues(False))
    assert not Notification.objects.exists()


def test_a_notification_is_mailed_once(suite, bob, bella, carol):
    custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                  arrived_at=datetime(2024, 2, 6, 21, 40, tzinfo=UTC), issues=_issues(False))
    note = Notification.objects.get()
    assert services.notification_deliver(notification_id=note.pk) is True
    assert services.notification_deliver(notification_id=note.pk) is False
    [message] = mail.outbox
    assert message.to == [carol.email] and "Central" in message.subject
    note.refresh_from_db()
    assert note.sent_at is not None and note.attempts == 1


@pytest.mark.skipif(not settings.CELERY_TASK_ALWAYS_EAGER, reason="tasks run in-process only without a broker")
def test_the_email_goes_out_when_the_report_commits(api, suite, bob, bella, carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(bob).post(VISITS, custody_body(site=suite, visitors=[bob, bella]), format="json")
    assert response.status_code == 201
    assert [m.to for m in mail.outbox] == [[carol.email]]
    assert Notification.objects.get().sent_at is not None


def test_a_correction_keeps_identical_issues_as_they_were(api, alice, suite, bob, bella):
    # Two detainees may well complain of the same thing in the same words.
    twice = [{"category": "food-and-drink", "description": "Cold meals."}] * 2
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                          arrived_at=datetime(2024, 2, 6, 21, 40, tzinfo=UTC), issues=twice)
    for attempt in range(2):
        response = api(alice).patch(f"{VISITS}{visit.pk}/", {"comments": f"Checked {attempt}"}, format="json")
        assert response.status_code == 200
        assert len(response.json()["issues"]) == 2
    assert VisitIssue.objects.filter(custody_visit=visit).count() == 2


def test_an_issue_added_by_correction_is_carried_to_the_force(api, alice, carol, submitted):
    Notification.objects.all().delete()
    issues = [{"category": "food-and-drink", "description": "Cold meals in cell 4.", "resolved_during_visit": False},
              {"category": "hygiene", "description": "No soap.", "resolved_during_visit": False}]
    response = api(alice).patch(f"{VISITS}{submitted['id']}/", {"issues": issues}, format="json")
    assert response.status_code == 200, response.json()
    [note] = Notification.objects.all()
    assert note.to_email == carol.email
    assert "No soap." in note.body and "Cold meals" not in note.body


def test_a_retry_that_spells_out_the_defaults_is_the_same_report(sent, bob, post_report):
    body, first = sent
    retry = {**body, "travel_minutes": 0, "issues": [{**i, "resolved_during_visit": False} for i in body["issues"]]}
    response = post_report(bob, retry)
    assert response.status_code == 200
    assert response.json()["id"] == first["id"]


def test_a_retry_that_leaves_out_empty_fields_is_the_same_report(sent, bob, post_report):
    body, first = sent
    retry = {name: value for name, value in body.items() if name not in ("delay_reason", "comments", "status")}
    retry["seen_profile"] = {"gender": {"female": 2, "male": 3, "other": 0}, "age_group": {}}
    response = post_report(bob, retry)
    assert response.status_code == 200
    assert response.json()["id"] == first["id"]


@pytest.mark.services
def test_managers_adding_one_slug_at_once_store_it_once_and_the_others_get_400(transactional_db, alice):
    barrier = threading.Barrier(10)
    statuses = [None] * 10

    def add(index):
        try:
            client = CheckedClient()
            client.force_authenticate(alice)
            barrier.wait()
            statuses[index] = client.post("/api/v1/issue-categories/", {"slug": "lighting", "name": "Lighting"},
                                          format="json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [400] * 9
    assert IssueCategory.objects.filter(scheme=alice.scheme, slug="lighting").count() == 1


@pytest.mark.parametrize("who", ["bob", "alice"])
def test_an_issue_without_its_category_in_a_patch_is_a_400_naming_it(api, request, draft, submitted, who):
    """A visitor editing a draft and a manager correcting a report get the POST's answer, not a 500."""
    report = draft if who == "bob" else submitted
    before = stored_rows()
    response = api(request.getfixturevalue(who)).patch(f"{VISITS}{report['id']}/", {"issues": [{"description": "x"}]},
                                                        format="json")
    body = assert_field_errors(response, "issues")
    assert "category" in json.dumps(body["issues"]), body
    assert stored_rows() == before


def test_an_animal_visit_issue_without_its_category_in_a_patch_is_a_400(api, alice, animal_unit, bob, bella,
                                                                        post_report):
    sent = post_report(bob, animal_body(site=animal_unit, visitors=[bob, bella]), url=ANIMAL_VISITS)
    assert sent.status_code == 201, sent.json()
    response = api(alice).patch(f"{ANIMAL_VISITS}{sent.json()['id']}/", {"issues": [{"description": "x"}]},
                                format="json")
    assert_field_errors(response, "issues")
