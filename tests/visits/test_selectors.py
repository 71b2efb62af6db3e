"""Who sees what, through the API: every role against every endpoint. Another scheme's objects answer 404."""

from datetime import UTC, datetime

import pytest

from tests.factories import UserFactory, animal_visit, custody_visit
from visits.models import CustodyVisit, IssueCategory, Role, Site, User, VisitIssue

from .conftest import assert_field_errors, custody_body

ARRIVED = datetime(2024, 2, 6, 21, 40, tzinfo=UTC)
ISSUE = [{"category": "food-and-drink", "description": "Cold meals.", "resolved_during_visit": False}]
ROLES = ["anonymous", "bob", "alice", "carol", "dave", "root"]


@pytest.fixture
def world(suite, animal_unit, other_suite, alice, bob, bella, carol, dave, charlie, chris, root):
    """Northshire: bob's submitted report (with bella), bob's draft, bella's draft,
    bella's submitted report with bill (bob is not on it). Southshire: chris's report."""
    bill = UserFactory(username="bill", role=Role.VISITOR, scheme=suite.scheme)
    chloe = UserFactory(username="chloe", role=Role.VISITOR, scheme=other_suite.scheme)

    def report(sender, visitors, status="submitted", site=suite):
        return custody_visit(site=site, sender=sender, visitors=visitors, arrived_at=ARRIVED, status=status,
                             issues=ISSUE)

    w = {
        "bob_submitted": report(bob, [bob, bella]),
        "bob_draft": report(bob, [bob, bella], status="draft"),
        "bella_draft": report(bella, [bella, bob], status="draft"),
        "bella_with_bill": report(bella, [bella, bill]),
        "chris_submitted": report(chris, [chris, chloe], site=other_suite),
        "bob_animal": animal_visit(site=animal_unit, sender=bob, visitors=[bob, bella], arrived_at=ARRIVED),
        "users": {"anonymous": None, "bob": bob, "bella": bella, "alice": alice, "carol": carol, "dave": dave,
                  "charlie": charlie, "chris": chris, "root": root},
    }
    return w


def user(world, name):
    return world["users"][name]


LIST_STATUS = {
    # endpoint:              anonymous, visitor, manager, custody, analyst, superuser
    "/api/v1/schemes/": (401, 200, 200, 200, 200, 200),
    "/api/v1/sites/": (401, 200, 200, 200, 200, 200),
    "/api/v1/users/": (401, 403, 200, 403, 403, 200),
    "/api/v1/users/partners/": (401, 200, 200, 403, 403, 200),
    "/api/v1/visits/": (401, 200, 200, 200, 403, 200),
    "/api/v1/animal-visits/": (401, 200, 200, 200, 403, 200),
    "/api/v1/issue-categories/": (401, 200, 200, 200, 200, 200),
    "/api/v1/issues/": (401, 403, 200, 200, 403, 200),
}


@pytest.mark.parametrize("url, role, status", [
    pytest.param(url, role, status, id=f"{url[8:].strip('/')}-{role}")
    for url, statuses in LIST_STATUS.items() for role, status in zip(ROLES, statuses)
])
def test_each_role_may_list_what_its_work_needs(api, world, url, role, status):
    assert api(user(world, role)).get(url).status_code == status


REPORT_SEEN_BY = {
    "bob": {"bob_submitted", "bob_draft"},
    "bella": {"bob_submitted", "bella_draft", "bella_with_bill"},
    "alice": {"bob_submitted", "bob_draft", "bella_draft", "bella_with_bill"},
    "carol": {"bob_submitted", "bella_with_bill"},
    "root": {"bob_submitted", "bob_draft", "bella_draft", "bella_with_bill", "chris_submitted"},
    "charlie": {"chris_submitted"},
    "chris": {"chris_submitted"},
}
REPORTS = ("bob_submitted", "bob_draft", "bella_draft", "bella_with_bill", "chris_submitted")


@pytest.mark.parametrize("role", REPORT_SEEN_BY)
def test_each_role_lists_exactly_the_reports_it_may_see(api, world, role):
    results = api(user(world, role)).get("/api/v1/visits/").json()["results"]
    assert {r["id"] for r in results} == {world[name].pk for name in REPORT_SEEN_BY[role]}


@pytest.mark.parametrize("role", REPORT_SEEN_BY)
def test_a_report_one_may_not_see_answers_404(api, world, role):
    client = api(user(world, role))
    statuses = {report: client.get(f"/api/v1/visits/{world[report].pk}/").status_code for report in REPORTS}
    assert statuses == {report: 200 if report in REPORT_SEEN_BY[role] else 404 for report in REPORTS}


def test_an_analyst_sees_no_report_at_all(api, world):
    for name in REPORTS:
        # Not among what an analyst may see, so not found (the list itself is a 403).
        assert api(user(world, "dave")).get(f"/api/v1/visits/{world[name].pk}/").status_code == 404


@pytest.mark.parametrize("role, status", [("bob", 200), ("bella", 200), ("alice", 200), ("carol", 200),
                                          ("chris", 404), ("charlie", 404), ("root", 200)])
def test_animal_visits_follow_the_same_rules(api, world, role, status):
    assert api(user(world, role)).get(f"/api/v1/animal-visits/{world['bob_animal'].pk}/").status_code == status


# --- another scheme's objects: 404, never 403 ----------------------------------------------------------


@pytest.fixture
def northshire_objects(world, suite):
    issue = VisitIssue.objects.filter(custody_visit=world["bob_submitted"]).get()
    return {
        "schemes": suite.scheme.pk,
        "sites": suite.pk,
        "users": world["users"]["bob"].pk,
        "visits": world["bob_submitted"].pk,
        "animal-visits": world["bob_animal"].pk,
        "issue-categories": IssueCategory.objects.filter(scheme=suite.scheme).first().pk,
        "issues": issue.pk,
    }


@pytest.mark.parametrize("kind", ["schemes", "sites", "users", "visits", "animal-visits", "issue-categories",
                                  "issues"])
def test_another_schemes_manager_gets_404_for_every_object(api, world, northshire_objects, kind):
    charlie = api(user(world, "charlie"))
    url = f"/api/v1/{kind}/{northshire_objects[kind]}/"
    if kind == "issues":
        writes = [charlie.post(f"{url}response/", {"force_response": "Not ours"}, format="json")]
    else:
        writes = [charlie.patch(url, {}, format="json"), charlie.put(url, {}, format="json")]
    assert [r.status_code for r in [charlie.get(url), *writes]] == [404] * (1 + len(writes))


def test_another_schemes_custody_staff_cannot_respond_to_an_issue(api, world, northshire_objects, other_scheme):
    constable = UserFactory(username="constable", role=Role.CUSTODY, scheme=other_scheme)
    response = api(constable).post(f"/api/v1/issues/{northshire_objects['issues']}/response/",
                                   {"force_response": "Not ours"}, format="json")
    assert response.status_code == 404
    assert VisitIssue.objects.get(pk=northshire_objects["issues"]).force_response == ""


def test_another_schemes_visitor_cannot_see_its_people_or_sites(api, world, suite):
    chris = user(world, "chris")
    assert api(chris).get(f"/api/v1/sites/{suite.pk}/").status_code == 404
    assert suite.pk not in {s["id"] for s in api(chris).get("/api/v1/sites/").json()["results"]}
    partners = api(chris).get("/api/v1/users/partners/").json()["results"]
    assert {p["username"] for p in partners} == {"chloe"}


def test_an_analyst_reads_only_the_schemes_granted(api, world, suite, other_scheme):
    dave = user(world, "dave")
    assert [s["id"] for s in api(dave).get("/api/v1/schemes/").json()["results"]] == [suite.scheme.pk]
    assert api(dave).get(f"/api/v1/schemes/{other_scheme.pk}/").status_code == 404


# --- writes ------------------------------------------------------------------------------------------------


def _report_body(world, suite):
    return custody_body(site=suite, visitors=[user(world, "bob"), user(world, "bella")])


@pytest.mark.parametrize("role, status", [("anonymous", 401), ("bob", 201), ("alice", 201), ("carol", 403),
                                          ("dave", 403), ("root", 400)])
def test_who_may_send_a_report(api, world, suite, role, status):
    before = CustodyVisit.objects.count()
    response = api(user(world, role)).post("/api/v1/visits/", _report_body(world, suite), format="json")
    assert response.status_code == status
    assert CustodyVisit.objects.count() == before + (status == 201)


@pytest.mark.parametrize("role, report, status", [
    ("anonymous", "bob_submitted", 401),
    ("bob", "bob_submitted", 403),       # locked
    ("bella", "bob_submitted", 403),     # locked, and not hers
    ("bob", "bob_draft", 200),
    ("bella", "bob_draft", 404),         # someone else's draft is not even visible
    ("bob", "bella_with_bill", 404),
    ("alice", "bob_submitted", 200),
    ("alice", "bella_draft", 200),
    ("carol", "bob_submitted", 403),
    ("carol", "bob_draft", 404),         # custody staff never see drafts
    ("dave", "bob_submitted", 404),      # analysts see no reports
    ("charlie", "bob_submitted", 404),
    ("chris", "bob_submitted", 404),
    ("root", "chris_submitted", 200),
])
def test_who_may_edit_a_report(api, world, role, report, status):
    response = api(user(world, role)).patch(f"/api/v1/visits/{world[report].pk}/", {"comments": "Edited"},
                                            format="json")
    assert response.status_code == status
    assert (CustodyVisit.objects.get(pk=world[report].pk).comments == "Edited") == (status == 200)


SETUP_WRITES = {
    # role:                 schemes, sites, users, categories
    "anonymous": (401, 401, 401, 401),
    "bob": (403, 403, 403, 403),
    "carol": (403, 403, 403, 403),
    "dave": (403, 403, 403, 403),
    "alice": (403, 201, 201, 201),
    "root": (201, 201, 201, 400),
}


@pytest.mark.parametrize("role", SETUP_WRITES)
def test_who_may_set_up_schemes_sites_people_and_categories(api, world, suite, role):
    client = api(user(world, role))
    scheme = suite.scheme.pk
    answers = (
        client.post("/api/v1/schemes/", {"name": "Westshire"}, format="json"),
        client.post("/api/v1/sites/", {"scheme": scheme, "name": "Eastgate", "kind": "custody_suite", "cells": 12,
                                       "active": True}, format="json"),
        client.post("/api/v1/users/", {"scheme": scheme, "username": "newbie", "password": "correct-horse-battery",
                                       "role": "visitor", "first_name": "New", "last_name": "Bie",
                                       "email": "newbie@example.org"}, format="json"),
        client.post("/api/v1/issue-categories/", {"slug": "interpreters", "name": "Interpreters"}, format="json"),
    )
    assert tuple(a.status_code for a in answers) == SETUP_WRITES[role]


def test_a_manager_cannot_put_a_site_or_a_person_in_another_scheme(api, world, other_scheme):
    alice = user(world, "alice")
    site = api(alice).post("/api/v1/sites/", {"scheme": other_scheme.pk, "name": "Trojan", "kind": "custody_suite"},
                           format="json")
    person = api(alice).post("/api/v1/users/", {"scheme": other_scheme.pk, "username": "mole", "role": "manager",
                                                "password": "correct-horse-battery"}, format="json")
    assert_field_errors(site, "scheme")
    assert_field_errors(person, "scheme")
    assert not Site.objects.filter(name="Trojan").exists() and not User.objects.filter(username="mole").exists()


def test_only_a_superuser_grants_an_analyst_schemes(api, world, suite):
    body = {"username": "nat", "password": "correct-horse-battery", "role": "analyst", "schemes": [suite.scheme.pk]}
    assert api(user(world, "alice")).post("/api/v1/users/", body, format="json").status_code == 400
    response = api(user(world, "root")).post("/api/v1/users/", body, format="json")
    assert response.status_code == 201
    assert response.json()["scheme"] is None and response.json()["schemes"] == [suite.scheme.pk]


def test_a_visitor_sees_only_fellow_visitors_names(api, world):
    results = api(user(world, "bob")).get("/api/v1/users/partners/").json()["results"]
    assert {r["username"] for r in results} == {"bella", "bill"}
    assert all(set(r) == {"id", "username", "first_name", "last_name"} for r in results)


def test_custody_staff_list_issues_of_submitted_reports_in_their_scheme(api, world):
    results = api(user(world, "carol")).get("/api/v1/issues/").json()["results"]
    expected = VisitIssue.objects.filter(custody_visit__in=[world["bob_submitted"], world["bella_with_bill"]])
    assert {r["id"] for r in results} == {i.pk for i in expected}


def test_the_force_records_its_response(api, world):
    carol = user(world, "carol")
    issue = VisitIssue.objects.get(custody_visit=world["bob_submitted"])
    response = api(carol).post(f"/api/v1/issues/{issue.pk}/response/",
                               {"force_response": "Hot meals are served from today."}, format="json")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["force_response"] == "Hot meals are served from today."
    assert answer["responded_by"] == carol.pk and answer["responded_at"] and answer["status"] == "responded"
    # The manager and the visitors on the report see it.
    report = api(user(world, "alice")).get(f"/api/v1/visits/{world['bob_submitted'].pk}/").json()
    assert report["issues"][0]["force_response"] == "Hot meals are served from today."


@pytest.mark.parametrize("body", [{}, {"force_response": "  "}, {"force_response": "ok\x00"},
                                  {"force_response": "ok", "by_telephone": "yes"}])
def test_a_response_must_say_something(api, world, body):
    issue = VisitIssue.objects.get(custody_visit=world["bob_submitted"])
    response = api(user(world, "carol")).post(f"/api/v1/issues/{issue.pk}/response/", body, format="json")
    assert response.status_code == 400
    assert VisitIssue.objects.get(pk=issue.pk).responded_at is None


# Visitors and analysts have no part in the force's response; the manager records one given by telephone.
@pytest.mark.parametrize("role, status", [("bob", 403), ("dave", 403), ("anonymous", 401), ("alice", 200)])
def test_who_else_may_record_a_response(api, world, role, status):
    issue = VisitIssue.objects.get(custody_visit=world["bob_submitted"])
    response = api(user(world, role)).post(f"/api/v1/issues/{issue.pk}/response/",
                                           {"force_response": "Done", "by_telephone": True}, format="json")
    assert response.status_code == status


def test_issues_of_drafts_are_not_carried_to_the_force(api, world):
    draft_issue = VisitIssue.objects.get(custody_visit=world["bob_draft"])
    assert api(user(world, "carol")).get(f"/api/v1/issues/{draft_issue.pk}/").status_code == 404
