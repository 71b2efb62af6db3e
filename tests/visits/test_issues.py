"""Issues raised in custody: routed to the custody staff of the site, followed from open to closed
over the API with every step in the history, chased when overdue, counted for the team meeting."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import SiteFactory, UserFactory, custody_visit
from tests.helpers import utc
from visits import services
from visits.models import Notification, NotificationKind, Role, VisitIssue

ISSUES = "/api/v1/issues/"
TUESDAY = utc(2024, 2, 6, 21, 40)


@pytest.fixture
def harbour(scheme):
    return SiteFactory(scheme=scheme, name="Harbour")


@pytest.fixture
def tess(scheme, suite):
    """A custody sergeant who answers for Central only."""
    return UserFactory(username="tess", role=Role.CUSTODY, scheme=scheme, email="tess@force.example", sites=[suite])


@pytest.fixture
def sam(scheme, harbour):
    """A custody sergeant who answers for Harbour only."""
    return UserFactory(username="sam", role=Role.CUSTODY, scheme=scheme, email="sam@force.example", sites=[harbour])


def raise_issues(site, bob, bella, *issues, arrived_at=TUESDAY):
    issues = issues or ({"category": "food-and-drink", "description": "Cold meals in cell 4."},)
    visit = custody_visit(site=site, sender=bob, visitors=[bob, bella], arrived_at=arrived_at, issues=list(issues))
    return visit, list(visit.issues.order_by("id"))


def deliver_all() -> int:
    return sum(services.notification_deliver(notification_id=pk) for pk in
               Notification.objects.filter(sent_at__isnull=True).values_list("pk", flat=True))


# --- routing ----------------------------------------------------------------------------------------


def test_issues_go_to_the_staff_of_their_site_and_to_those_attached_to_none(suite, bob, bella, carol, tess, sam):
    raise_issues(suite, bob, bella)
    assert sorted(Notification.objects.values_list("to_email", flat=True)) == sorted([carol.email, tess.email])


def test_a_custody_user_sees_only_the_issues_of_their_sites(api, suite, harbour, bob, bella, carol, tess, sam):
    _, [central] = raise_issues(suite, bob, bella)
    _, [at_harbour] = raise_issues(harbour, bob, bella)
    assert {i["id"] for i in api(tess).get(ISSUES).json()["results"]} == {central.pk}
    assert {i["id"] for i in api(carol).get(ISSUES).json()["results"]} == {central.pk, at_harbour.pk}
    assert api(tess).get(f"{ISSUES}{at_harbour.pk}/").status_code == 404


def test_a_manager_attaches_custody_staff_to_sites_of_the_scheme_only(api, alice, carol, suite, other_suite):
    response = api(alice).patch(f"/api/v1/users/{carol.pk}/", {"sites": [suite.pk]}, format="json")
    assert response.status_code == 200
    assert response.json()["sites"] == [suite.pk]
    response = api(alice).patch(f"/api/v1/users/{carol.pk}/", {"sites": [other_suite.pk]}, format="json")
    assert response.status_code == 400
    assert list(carol.sites.all()) == [suite]


def test_a_visitor_answers_for_no_site(api, alice, bob, suite):
    response = api(alice).patch(f"/api/v1/users/{bob.pk}/", {"sites": [suite.pk]}, format="json")
    assert response.status_code == 400
    assert "sites" in response.json()


# --- the lifecycle ----------------------------------------------------------------------------------


def test_an_issue_is_followed_from_the_visit_to_its_close_and_every_step_is_kept(api, suite, alice, bob, bella,
                                                                               carol):
    _, [issue] = raise_issues(suite, bob, bella)
    manager, force = api(alice), api(carol)
    first = manager.get(f"{ISSUES}{issue.pk}/").json()
    assert (first["status"], first["due_on"], first["visit_date"]) == ("open", "2024-02-20", "2024-02-06")

    assert deliver_all() == 1
    assert manager.get(f"{ISSUES}{issue.pk}/").json()["status"] == "referred"

    answered = force.post(f"{ISSUES}{issue.pk}/response/", {"force_response": "Hot meals from today."}, format="json")
    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["responded_by"]) == ("responded", carol.pk)

    reopened = manager.post(f"{ISSUES}{issue.pk}/reopen/", {"note": "Which supplier? Cell 4 still cold."},
                            format="json")
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "referred"
    assert reopened.json()["due_on"] == str(suite.scheme.local_today() + timedelta(days=14))
    [told] = Notification.objects.filter(kind=NotificationKind.ISSUE_REOPENED)
    assert told.to_email == carol.email and "Which supplier? Cell 4 still cold." in told.body

    force.post(f"{ISSUES}{issue.pk}/response/", {"force_response": "New supplier from Monday."}, format="json")
    closed = manager.post(f"{ISSUES}{issue.pk}/close/", {"note": "Checked on the next visit."}, format="json")
    assert closed.status_code == 200
    history = closed.json()["history"]
    assert [(h["from"], h["to"]) for h in history] == [
        ("", "open"), ("open", "referred"), ("referred", "responded"), ("responded", "referred"),
        ("referred", "responded"), ("responded", "closed"),
    ]
    assert [h["by"] for h in history] == [bob.pk, None, carol.pk, alice.pk, carol.pk, alice.pk]
    assert [h["note"] for h in history][2:] == [
        "Hot meals from today.", "Which supplier? Cell 4 still cold.", "New supplier from Monday.",
        "Checked on the next visit.",
    ]
    assert history[1]["note"] == f"Sent to {carol.email}."


def test_an_issue_resolved_during_the_visit_is_closed_from_the_start_and_still_counted(api, suite, alice, bob, bella,
                                                                                      carol):
    _, [issue] = raise_issues(suite, bob, bella, {"category": "hygiene", "description": "No soap.",
                                                  "resolved_during_visit": True})
    answer = api(alice).get(f"{ISSUES}{issue.pk}/").json()
    assert (answer["status"], answer["due_on"], answer["overdue"]) == ("closed", None, False)
    assert [(h["from"], h["to"], h["note"]) for h in answer["history"]] == [("", "closed", "Resolved during the visit.")]
    assert not Notification.objects.exists()
    trends = api(alice).get(f"{ISSUES}trends/", {"from": "2024-02-01", "to": "2024-02-29"}).json()
    assert trends["by_category"] == {"hygiene": 1}


def test_a_manager_records_only_a_response_given_by_telephone(api, suite, alice, bob, bella):
    _, [issue] = raise_issues(suite, bob, bella)
    refused = api(alice).post(f"{ISSUES}{issue.pk}/response/", {"force_response": "Fixed."}, format="json")
    assert refused.status_code == 400
    assert "by_telephone" in refused.json()
    recorded = api(alice).post(f"{ISSUES}{issue.pk}/response/", {"force_response": "Fixed, said Sgt Rees.",
                                                                 "by_telephone": True}, format="json")
    assert recorded.status_code == 200
    assert (recorded.json()["status"], recorded.json()["by_telephone"]) == ("responded", True)


def test_a_closed_issue_takes_no_response_until_reopened(api, suite, alice, bob, bella, carol):
    _, [issue] = raise_issues(suite, bob, bella)
    api(alice).post(f"{ISSUES}{issue.pk}/close/", {}, format="json")
    late = api(carol).post(f"{ISSUES}{issue.pk}/response/", {"force_response": "Done."}, format="json")
    assert late.status_code == 400
    assert api(alice).post(f"{ISSUES}{issue.pk}/close/", {}, format="json").status_code == 400


def test_reopening_needs_a_note_and_an_answered_issue(api, suite, alice, bob, bella):
    _, [issue] = raise_issues(suite, bob, bella)
    assert api(alice).post(f"{ISSUES}{issue.pk}/reopen/", {"note": "More, please."}, format="json").status_code == 400
    api(alice).post(f"{ISSUES}{issue.pk}/close/", {}, format="json")
    assert api(alice).post(f"{ISSUES}{issue.pk}/reopen/", {"note": " "}, format="json").status_code == 400
    assert VisitIssue.objects.get(pk=issue.pk).status == "closed"


OPERATIONS = {
    "response": {"force_response": "Done.", "by_telephone": True},
    "close": {"note": "Done."},
    "reopen": {"note": "Not good enough."},
}


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", {"response": 401, "close": 401, "reopen": 401}),
    ("bob", {"response": 403, "close": 403, "reopen": 403}),
    ("dave", {"response": 403, "close": 403, "reopen": 403}),
    ("carol", {"response": 200, "close": 403, "reopen": 403}),
    ("tess", {"response": 200, "close": 403, "reopen": 403}),
    ("sam", {"response": 404, "close": 403, "reopen": 403}),
    ("charlie", {"response": 404, "close": 404, "reopen": 404}),
    ("alice", {"response": 200, "close": 200, "reopen": 200}),
])
def test_who_may_do_what_to_an_issue(api, suite, bob, bella, alice, carol, tess, sam, dave, charlie, who, expected):
    _, [issue] = raise_issues(suite, bob, bella)
    people = {"anonymous": None, "bob": bob, "dave": dave, "carol": carol, "tess": tess, "sam": sam,
              "charlie": charlie, "alice": alice}
    client = api(people[who])
    for operation in ("response", "close", "reopen"):
        response = client.post(f"{ISSUES}{issue.pk}/{operation}/", OPERATIONS[operation], format="json")
        assert response.status_code == expected[operation], (operation, response.json())


def test_an_unknown_or_absurd_issue_id_is_a_404(api, alice):
    for pk in (999999, 10**30):
        assert api(alice).post(f"{ISSUES}{pk}/close/", {}, format="json").status_code == 404


# --- due dates and the overdue loop ---------------------------------------------------------------------


def test_the_due_date_follows_the_schemes_response_days(api, scheme, suite, alice, bob, bella):
    scheme.issue_response_days = 7
    scheme.save()
    _, [issue] = raise_issues(suite, bob, bella)
    assert api(alice).get(f"{ISSUES}{issue.pk}/").json()["due_on"] == "2024-02-13"


def test_the_manager_gets_one_digest_a_day_and_the_force_one_reminder_a_week(suite, harbour, alice, bob, bella,
                                                                             carol, tess, sam):
    _, [late] = raise_issues(suite, bob, bella)
    _, [also_late] = raise_issues(harbour, bob, bella)
    today = timezone.now().astimezone(suite.scheme.zone).date()
    _, [not_yet] = raise_issues(suite, bob, bella, arrived_at=timezone.now() - timedelta(hours=3))
    services.issue_respond(issue=also_late, by=sam, response="Fixed.")
    Notification.objects.all().delete()

    assert services.issues_overdue_notify() == 3  # alice's digest; carol's and tess's reminders for Central
    assert services.issues_overdue_notify() == 0  # the same day again: nothing more
    digest = Notification.objects.get(kind=NotificationKind.OVERDUE_DIGEST)
    assert digest.to_email == alice.email
    assert "Cold meals in cell 4." in digest.body and f"/issues/{late.pk}/" in digest.body
    assert f"/issues/{not_yet.pk}/" not in digest.body and f"/issues/{also_late.pk}/" not in digest.body
    reminders = Notification.objects.filter(kind=NotificationKind.ISSUE_REMINDER)
    assert sorted(reminders.values_list("to_email", flat=True)) == sorted([carol.email, tess.email])
    assert f"due 20 February 2024, {(today - date(2024, 2, 20)).days} days late" in reminders[0].body

    # A week on (the day's keys gone with the day), the force is reminded again and the manager gets that day's digest.
    VisitIssue.objects.update(reminded_at=timezone.now() - timedelta(days=7, minutes=1))
    Notification.objects.update(dedupe_key=None)
    assert services.issues_overdue_notify() == 3


def test_an_overdue_issue_says_so_in_the_api(api, suite, alice, bob, bella):
    _, [issue] = raise_issues(suite, bob, bella)
    assert api(alice).get(f"{ISSUES}{issue.pk}/").json()["overdue"] is True


# --- trends ----------------------------------------------------------------------------------------


def test_trends_count_per_category_per_month_and_per_site_with_the_median_days_to_respond(
        api, suite, harbour, alice, bob, bella, carol, tess):
    _, [feb] = raise_issues(suite, bob, bella)
    _, [mar_a, mar_b] = raise_issues(suite, bob, bella, {"category": "hygiene", "description": "No soap."},
                                     {"category": "food-and-drink", "description": "No drink."},
                                     arrived_at=utc(2024, 3, 4, 10, 0))
    _, [harbour_mar] = raise_issues(harbour, bob, bella, {"category": "hygiene", "description": "No towels."},
                                    arrived_at=utc(2024, 3, 5, 10, 0))
    services.issue_respond(issue=feb, by=carol, response="Fixed.")
    services.issue_respond(issue=mar_a, by=carol, response="Fixed.")
    feb.history.filter(to_status="responded").update(at=utc(2024, 2, 10, 12, 0))    # 4 days after the visit
    mar_a.history.filter(to_status="responded").update(at=utc(2024, 3, 14, 12, 0))  # 10 days after

    trends = api(alice).get(f"{ISSUES}trends/", {"from": "2024-02-01", "to": "2024-03-31"})
    assert trends.status_code == 200
    body = trends.json()
    assert [(m["month"], m["by_category"]) for m in body["by_month"]] == [
        ("2024-02", {"food-and-drink": 1}), ("2024-03", {"hygiene": 2, "food-and-drink": 1})]
    assert body["median_days_to_response"] == 7.0
    assert (body["total"], body["open"], body["overdue"]) == (4, 4, 2)
    central = next(s for s in body["by_site"] if s["site"] == suite.pk)
    assert (central["total"], central["overdue"], central["median_days_to_response"]) == (3, 1, 7.0)

    # Tess answers for Central only: Harbour is not in her figures, and asking for it is a 404.
    hers = api(tess).get(f"{ISSUES}trends/", {"from": "2024-02-01", "to": "2024-03-31"}).json()
    assert [s["site"] for s in hers["by_site"]] == [suite.pk] and hers["total"] == 3
    assert api(tess).get(f"{ISSUES}trends/", {"site": 999999}).status_code == 404
    one_site = api(alice).get(f"{ISSUES}trends/", {"from": "2024-02-01", "to": "2024-03-31", "site": harbour.pk})
    assert one_site.json()["by_category"] == {"hygiene": 1}


@pytest.mark.parametrize(("who", "status"), [("bob", 403), ("dave", 403), ("charlie", 200)])
def test_trends_are_for_the_manager_and_the_force(api, suite, bob, bella, dave, charlie, who, status):
    raise_issues(suite, bob, bella)
    response = api({"bob": bob, "dave": dave, "charlie": charlie}[who]).get(
        f"{ISSUES}trends/", {"from": "2024-02-01", "to": "2024-02-29"})
    assert response.status_code == status
    if status == 200:
        assert response.json()["total"] == 0  # another scheme's issues are not in charlie's figures


def test_trends_refuse_a_window_that_ends_before_it_starts(api, alice):
    assert api(alice).get(f"{ISSUES}trends/", {"from": "2024-03-01", "to": "2024-02-01"}).status_code == 400


# --- what the e-mail says, and never says -----------------------------------------------------------------


def test_the_email_says_what_where_when_and_where_to_answer_and_nothing_of_the_visitors(suite, bob, bella, carol):
    _, [issue] = raise_issues(suite, bob, bella, {"category": "health-care",
                                                  "description": "Waiting two hours for the nurse."})
    deliver_all()
    [message] = mail.outbox
    text = message.subject + message.body
    assert "Central" in message.subject
    for said in ("Health care", "Waiting two hours for the nurse.", "Central", "Tuesday 6 February 2024",
                 f"http://127.0.0.1:8000/issues/{issue.pk}/", "Respond by 20 February 2024"):
        assert said in text, said
    for never in (bob.first_name, bob.last_name, bella.first_name, bella.last_name, bob.email, bella.email,
                  bob.username, "21:40", "21:43", "23:05", "9:40", "11:05"):
        assert never not in text, never


@pytest.mark.parametrize("path", [f"{ISSUES}trends/?from=2024-01-01&to=2024-12-31", ISSUES])
def test_trends_and_the_list_run_the_same_queries_for_2_or_20_issues(api, django_assert_num_queries, suite, harbour,
                                                                     bob, bella, tess, path):
    for day in range(2):
        raise_issues(suite if day % 2 else harbour, bob, bella, arrived_at=utc(2024, 2, 1 + day, 10, 0))
    client = api(tess)
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    for day in range(18):
        raise_issues(suite if day % 2 else harbour, bob, bella, arrived_at=utc(2024, 3, 1 + day, 10, 0))
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200
