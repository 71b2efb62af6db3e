"""The issues pages: the manager follows each issue to the force and back (overdue, a bounced
e-mail, a reopening's note) and closes, reopens or records a telephoned response; custody staff
see what awaits them, overdue first to the eye, by suite, and a card per issue on a phone."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tests.web.conftest import signed_in
from visits import services
from visits.models import IssueStatus, Notification, VisitIssue


def soap():
    return VisitIssue.objects.get(description="No soap at the basin")


def blankets():
    return VisitIssue.objects.get(description="Blankets missing in cell 4")


def overdue(issue):
    issue.due_on = issue.scheme.local_today() - timedelta(days=3)
    issue.save()
    return issue


def test_the_manager_sees_overdue_issues_a_bounced_email_and_a_reopening_note(desk, alice, carol):
    overdue(soap())
    note = Notification.objects.create(scheme=alice.scheme, to_email="custody@force.example", subject="Issues",
                                       body="-", failed_at=timezone.now())
    note.issues.add(soap())
    services.issue_respond(issue=blankets(), by=carol, response="We will look into it")
    services.issue_reopen(issue=blankets(), by=alice, note="Which cells, and by when?")

    page = signed_in(alice).get("/issues/").content.decode()
    assert "Overdue: due" in page
    assert "2 issues await the force" in page and "1 overdue" in page
    assert "The e-mail to the force failed" in page and "telephone the custody suite" in page
    assert "Reopened on" in page and "Which cells, and by when?" in page
    assert "Earlier response" in page and "not accepted" in page


def test_the_manager_records_a_telephoned_response_reopens_with_a_note_and_closes(desk, alice):
    client, issue = signed_in(alice), soap()
    answered = client.post(f"/issues/{issue.pk}/telephone/", {f"t{issue.pk}-force_response": "Soap bought today",
                                                               "query": "status=all"}, follow=True)
    assert "by telephone" in answered.content.decode() and "is recorded" in answered.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.by_telephone, issue.force_response) == ("responded", True, "Soap bought today")

    refused = client.post(f"/issues/{issue.pk}/reopen/", {f"r{issue.pk}-note": ""}, follow=True)
    assert "This field is required" in refused.content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESPONDED

    client.post(f"/issues/{issue.pk}/reopen/", {f"r{issue.pk}-note": "Only one basin has soap"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.REFERRED
    assert "Only one basin has soap" in client.get("/issues/").content.decode()

    closed = client.post(f"/issues/{issue.pk}/close/", {f"c{issue.pk}-note": ""}, follow=True)
    assert "is closed" in closed.content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED


def test_only_the_schemes_manager_acts_on_an_issue_and_only_with_the_forms_token(desk, alice, carol, charlie):
    issue = soap()
    assert signed_in(charlie).post(f"/issues/{issue.pk}/close/", {}).status_code == 404
    assert signed_in(carol).post(f"/issues/{issue.pk}/close/", {}).status_code == 404
    assert signed_in(alice).post(f"/issues/{issue.pk}/explode/", {}).status_code == 404
    assert signed_in(alice).get(f"/issues/{issue.pk}/close/").status_code == 405
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(f"/issues/{issue.pk}/close/", {}).status_code == 403
    issue.refresh_from_db()
    assert issue.status != IssueStatus.CLOSED


def test_custody_staff_see_what_awaits_them_overdue_marked_and_filter_by_suite(desk, alice, carol, harbour):
    overdue(soap())
    services.issue_respond(issue=blankets(), by=carol, response="New blankets")
    services.issue_reopen(issue=blankets(), by=alice, note="Cell 5 too?")
    client = signed_in(carol)
    page = client.get("/force/").content.decode()
    assert "2 issues await your response" in page and "1 overdue" in page
    assert "Overdue" in page and "The response was due by" in page
    assert "reopened this on" in page and "Cell 5 too?" in page and "Your earlier response:" in page

    only = client.get(f"/force/?site={harbour.pk}").content.decode()
    assert "Blankets missing" in only and "No soap" not in only and "1 issue awaits your response" in only
    assert client.get("/force/?site=banana").status_code == 400


def test_the_answered_issues_are_cards_on_a_phone(desk, carol):
    services.issue_respond(issue=soap(), by=carol, response="Soap restocked")
    page = signed_in(carol).get("/force/").content.decode()
    assert 'class="wide stack"' in page and 'data-label="Response"' in page
