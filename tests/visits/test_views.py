"""The API around the reports: sign-in, set-up, categories, lists (pages, filters, query counts)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from tests.factories import PASSWORD, SiteFactory, UserFactory, animal_visit, custody_visit
from tests.openapi import CheckedClient
from visits.models import IssueCategory, Scheme, Site, User, VisitIssue

from .conftest import VISITS, assert_field_errors, custody_body

DEFAULT_SLUGS = [
    "food-and-drink", "cell-and-contents", "hygiene", "health-care", "rights-and-entitlements",
    "clothing-and-bedding", "exercise-and-fresh-air", "reading-and-faith", "staffing-and-conduct", "facilities",
    "other",
]


# --- JWT --------------------------------------------------------------------------------------------


def _tokens(username, password=PASSWORD):
    return CheckedClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def test_a_visitor_signs_in_for_an_access_and_a_refresh_token(bob):
    response = _tokens("bob")
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_the_access_token_works_as_bearer(bob):
    client = CheckedClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {_tokens('bob').json()['access']}")
    assert client.get(VISITS).status_code == 200


def test_a_refresh_rotates_the_refresh_token(bob):
    first = _tokens("bob").json()
    response = CheckedClient().post("/api/v1/auth/token/refresh/", {"refresh": first["refresh"]}, format="json")
    assert response.status_code == 200
    rotated = response.json()
    assert rotated["refresh"] != first["refresh"]
    client = CheckedClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {rotated['access']}")
    assert client.get(VISITS).status_code == 200


def test_a_rotated_refresh_token_cannot_be_used_again(bob):
    first = _tokens("bob").json()["refresh"]
    assert CheckedClient().post("/api/v1/auth/token/refresh/", {"refresh": first}, format="json").status_code == 200
    replay = CheckedClient().post("/api/v1/auth/token/refresh/", {"refresh": first}, format="json")
    assert replay.status_code == 401


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Basic Ym9iOmJvYg=="])
def test_a_bad_token_answers_401(bob, header):
    client = CheckedClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(VISITS).status_code == 401


def test_a_wrong_password_gets_no_token(bob):
    assert _tokens("bob", "wrong-password").status_code == 401


def test_a_refresh_token_is_not_an_access_token(bob):
    client = CheckedClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {_tokens('bob').json()['refresh']}")
    assert client.get(VISITS).status_code == 401


def test_a_deactivated_visitor_gets_no_token(bob):
    bob.is_active = False
    bob.save()
    assert _tokens("bob").status_code == 401


# --- a first superuser, schemes, categories -----------------------------------------------------------


def test_createsuperuser_works_without_a_prompt(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-password")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.org")
    call_command("createsuperuser", "--noinput", verbosity=0)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.scheme is None
    assert _tokens("admin", "a-long-admin-password").status_code == 200


def test_a_superuser_creates_a_scheme_with_the_default_categories(api, root):
    response = api(root).post("/api/v1/schemes/", {"name": "Westshire", "hourly_rate": "18.37"}, format="json")
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert (answer["timezone"], answer["weekly_target"], answer["hourly_rate"]) == ("Europe/London", 1, 18.37)
    slugs = list(IssueCategory.objects.filter(scheme_id=answer["id"]).values_list("slug", flat=True))
    assert slugs == DEFAULT_SLUGS


@pytest.mark.parametrize("body, field", [
    ({"name": "Westshire", "timezone": "Mars/Olympus"}, "timezone"),
    ({"name": "Westshire", "timezone": "../../etc/passwd"}, "timezone"),
    ({"name": "Westshire", "hourly_rate": "-1"}, "hourly_rate"),
    ({"name": "Northshire"}, "name"),
    ({"name": "Westshire", "custody_bands": ["08:00-11:59"]}, "custody_bands"),
])
def test_a_scheme_with_bad_settings_is_refused(api, root, scheme, body, field):
    before = Scheme.objects.count()
    assert_field_errors(api(root).post("/api/v1/schemes/", body, format="json"), field)
    assert Scheme.objects.count() == before


def test_a_user_lists_the_categories_of_their_scheme(api, bob, other_scheme):
    response = api(bob).get("/api/v1/issue-categories/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [c["slug"] for c in body["results"]] == DEFAULT_SLUGS
    assert all({"slug", "name"} <= set(c) for c in body["results"])


def test_a_manager_adds_a_category_that_visitors_can_use(api, alice, bob, bella, suite):
    response = api(alice).post("/api/v1/issue-categories/", {"slug": "interpreters", "name": "Interpreters"},
                               format="json")
    assert response.status_code == 201
    assert response.json()["slug"] == "interpreters"
    issue = [{"category": "interpreters", "description": "No interpreter for cell 2."}]
    report = api(bob).post(VISITS, custody_body(site=suite, visitors=[bob, bella], issues=issue), format="json")
    assert report.status_code == 201, report.json()


def test_a_category_slug_is_unique_in_its_scheme(api, alice):
    response = api(alice).post("/api/v1/issue-categories/", {"slug": "hygiene", "name": "Again"}, format="json")
    assert_field_errors(response, "slug")


def test_a_manager_retires_a_category(api, alice, bob, bella, suite):
    category = IssueCategory.objects.get(scheme=suite.scheme, slug="reading-and-faith")
    response = api(alice).patch(f"/api/v1/issue-categories/{category.pk}/", {"active": False}, format="json")
    assert response.status_code == 200 and response.json()["active"] is False
    issue = [{"category": "reading-and-faith", "description": "No Bible."}]
    report = api(bob).post(VISITS, custody_body(site=suite, visitors=[bob, bella], issues=issue), format="json")
    assert_field_errors(report, "issues")
    live = api(bob).get("/api/v1/issue-categories/?active=true").json()["results"]
    assert "reading-and-faith" not in [c["slug"] for c in live]


def test_a_category_slug_cannot_change(api, alice, suite):
    category = IssueCategory.objects.get(scheme=suite.scheme, slug="hygiene")
    response = api(alice).patch(f"/api/v1/issue-categories/{category.pk}/", {"slug": "cleanliness"}, format="json")
    assert_field_errors(response, "slug")


def test_a_manager_adds_a_site_to_their_own_scheme(api, alice, scheme):
    response = api(alice).post("/api/v1/sites/", {"name": "Eastgate", "kind": "animal_unit", "cells": 0},
                               format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["scheme"] == scheme.pk


def test_a_site_name_is_unique_in_its_scheme(api, alice, suite):
    response = api(alice).post("/api/v1/sites/", {"name": suite.name, "kind": "custody_suite"}, format="json")
    assert_field_errors(response)
    assert Site.objects.filter(name=suite.name).count() == 1


# --- lists: pages, filters, constant queries ----------------------------------------------------------------


def test_a_list_has_pages_of_up_to_200(api, alice, scheme):
    Site.objects.bulk_create(Site(scheme=scheme, name=f"Suite {i:03}") for i in range(205))
    client = api(alice)
    page = client.get("/api/v1/sites/?page_size=500").json()
    assert page["count"] == 205 and len(page["results"]) == 200 and page["next"] and page["previous"] is None
    page = client.get("/api/v1/sites/?page_size=20&page=2").json()
    assert len(page["results"]) == 20 and page["previous"] and page["next"]
    assert page["results"][0]["name"] == "Suite 020"


def test_the_default_page_holds_50(api, alice, scheme):
    Site.objects.bulk_create(Site(scheme=scheme, name=f"Suite {i:03}") for i in range(60))
    assert len(api(alice).get("/api/v1/sites/").json()["results"]) == 50


@pytest.fixture
def summer_reports(suite, animal_unit, bob, bella):
    second = SiteFactory(scheme=suite.scheme, name="Harbourside")
    make = lambda site, arrived, **kw: custody_visit(  # noqa: E731
        site=site, sender=bob, visitors=[bob, bella], arrived_at=datetime.fromisoformat(arrived), **kw)
    return {
        # 23:40 UTC on 6 July is 00:40 BST on 7 July: a local-date 7 July visit.
        "late": make(suite, "2024-07-06T23:40:00+00:00"),
        "on_6th": make(suite, "2024-07-06T12:00:00+00:00"),
        "on_8th": make(second, "2024-07-08T12:00:00+00:00"),
        "draft": make(suite, "2024-07-07T12:00:00+00:00", status="draft"),
    }


@pytest.mark.parametrize("query, expected", [
    ("from=2024-07-07&to=2024-07-07", {"late", "draft"}),
    ("to=2024-07-06", {"on_6th"}),
    ("from=2024-07-07", {"late", "draft", "on_8th"}),
    ("status=submitted", {"late", "on_6th", "on_8th"}),
    ("status=draft", {"draft"}),
    ("status=submitted&from=2024-07-07&to=2024-07-08", {"late", "on_8th"}),
])
def test_reports_filter_by_local_dates_inclusive_and_status(api, alice, summer_reports, query, expected):
    results = api(alice).get(f"{VISITS}?{query}").json()["results"]
    assert {r["id"] for r in results} == {summer_reports[name].pk for name in expected}


def test_reports_filter_by_site(api, alice, summer_reports):
    site = summer_reports["on_8th"].site_id
    results = api(alice).get(f"{VISITS}?site={site}").json()["results"]
    assert [r["id"] for r in results] == [summer_reports["on_8th"].pk]


@pytest.mark.parametrize("query, field", [("from=2024-13-01", "from"), ("to=yesterday", "to"),
                                          ("status=final", "status"), ("site=abc", "site")])
def test_a_bad_filter_answers_400_on_its_name(api, alice, query, field):
    assert_field_errors(api(alice).get(f"{VISITS}?{query}"), field)


def test_reports_list_newest_first(api, alice, summer_reports):
    results = api(alice).get(VISITS).json()["results"]
    arrivals = [r["arrived_at"] for r in results]
    assert arrivals == sorted(arrivals, reverse=True)


def _reports(n, *, suite, animal_unit, start=datetime(2024, 1, 1, 10, tzinfo=UTC)):
    pair = [UserFactory(scheme=suite.scheme), UserFactory(scheme=suite.scheme)]
    issues = [{"category": "food-and-drink", "description": "Cold."}, {"category": "hygiene", "description": "Soap."}]
    for i in range(n):
        arrived = start + timedelta(days=i)
        custody_visit(site=suite, sender=pair[0], visitors=pair, arrived_at=arrived, issues=issues,
                      seen_profile={"gender": {"female": 1}}, detainees_present=1, detainees_offered=1,
                      detainees_seen=1)
        animal_visit(site=animal_unit, sender=pair[0], visitors=pair, arrived_at=arrived, issues=issues[:1])


def _queries_of(client, url) -> int:
    # A request empties the query log when it starts, so the log must be empty before counting.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("url, role", [
    (VISITS, "alice"), ("/api/v1/animal-visits/", "alice"), (VISITS, "carol"), ("/api/v1/issues/", "carol"),
    ("/api/v1/issues/", "alice"), ("/api/v1/users/", "alice"), ("/api/v1/sites/", "alice"),
])
def test_a_list_runs_the_same_queries_for_2_or_20_rows(api, django_assert_num_queries, suite, animal_unit, alice,
                                                        carol, url, role):
    client = api({"alice": alice, "carol": carol}[role])
    _reports(2, suite=suite, animal_unit=animal_unit)
    few = _queries_of(client, url)
    _reports(18, suite=suite, animal_unit=animal_unit, start=datetime(2024, 3, 1, 10, tzinfo=UTC))
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.json()["count"] >= 20 or url.endswith(("users/", "sites/"))


def test_a_correction_on_a_listed_report_costs_no_extra_query(api, django_assert_num_queries, suite, animal_unit,
                                                              alice, carol):
    _reports(3, suite=suite, animal_unit=animal_unit)
    client = api(alice)
    before = _queries_of(client, VISITS)
    for visit_id in [r["id"] for r in client.get(VISITS).json()["results"]]:
        client.patch(f"{VISITS}{visit_id}/", {"comments": "Checked"}, format="json")
    with django_assert_num_queries(before):
        results = client.get(VISITS).json()["results"]
    assert all(len(r["corrections"]) == 1 for r in results)


def test_issues_list_holds_the_report_they_came_from(api, carol, suite, bob, bella):
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                          arrived_at=datetime(2024, 2, 6, 21, 40, tzinfo=UTC),
                          issues=[{"category": "hygiene", "description": "No soap."}])
    [issue] = api(carol).get("/api/v1/issues/").json()["results"]
    assert (issue["visit"], issue["site"], issue["visit_kind"], issue["visit_date"]) == (
        visit.pk, suite.pk, "custody", "2024-02-06")
    assert issue["category"] == "hygiene" and issue["status"] == "open"
    assert VisitIssue.objects.get().pk == issue["id"]


def test_a_role_that_may_not_read_reports_is_told_so(api, dave):
    response = api(dave).get(VISITS)
    assert response.status_code == 403 and response.json() == {"detail": "Your role may not do this."}


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_person_cannot_leave_before_joining(api, alice, bob, method):
    dates = {"joined_on": "2024-05-01", "left_on": "2024-01-01"}
    if method == "post":
        response = api(alice).post("/api/v1/users/", {"username": "newbie", "password": PASSWORD, "role": "visitor",
                                                      **dates}, format="json")
    else:
        response = api(alice).patch(f"/api/v1/users/{bob.pk}/", dates, format="json")
    assert_field_errors(response, "left_on")
    bob.refresh_from_db()
    assert bob.left_on is None and not User.objects.filter(username="newbie").exists()


def test_leaving_is_checked_against_the_stored_joining_date(api, alice, bob):
    bob.joined_on = datetime(2024, 5, 1).date()
    bob.save()
    assert_field_errors(api(alice).patch(f"/api/v1/users/{bob.pk}/", {"left_on": "2024-01-01"}, format="json"),
                        "left_on")
    assert api(alice).patch(f"/api/v1/users/{bob.pk}/", {"left_on": "2024-06-01"}, format="json").status_code == 200


def test_names_follow_the_same_text_rules_as_reports(api, alice, root):
    spoof = "Central\u202eeton"
    assert api(root).post("/api/v1/schemes/", {"name": spoof}, format="json").status_code == 400
    response = api(alice).post("/api/v1/users/", {"username": "newbie", "password": "correct-horse-battery",
                                                  "role": "visitor", "first_name": spoof}, format="json")
    assert response.status_code == 400 and "first_name" in response.json()


def test_a_second_scheme_with_the_same_name_is_a_400_on_name(api, root):
    assert api(root).post("/api/v1/schemes/", {"name": "Westshire"}, format="json").status_code == 201
    response = api(root).post("/api/v1/schemes/", {"name": "Westshire"}, format="json")
    assert response.status_code == 400 and "name" in response.json()
