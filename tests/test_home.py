"""The home page answers each role's first question, and shows custody staff nothing of visits to come."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from scheduling.services import recommendation_refresh
from tests.factories import PASSWORD, custody_visit


@pytest.fixture
def world(suite, bob, bella, alice, carol, dave):
    arrived = timezone.now() - timedelta(days=1)
    custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=arrived,
                  issues=[{"category": "hygiene", "description": "No soap at the basin"}])
    today = timezone.localdate()
    recommendation_refresh(site=suite, date_from=today - timedelta(days=30), date_to=today, request_key="home",
                           requested_by=alice)


def page(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(db):
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_manager_sees_the_heatmap_the_plan_open_issues_and_annual_reports(world, alice, suite):
    html = page(alice)
    assert "Where have we not been?" in html and "<svg" in html and "Planned" in html
    assert "No soap at the basin" in html
    assert f"/reports/annual/{suite.scheme_id}/" in html


def test_a_visitor_sees_coverage_and_the_plan_but_not_the_forces_issue_list(world, bob):
    html = page(bob)
    assert "<svg" in html and "Planned" in html
    assert "Issues awaiting" not in html and "Annual reports" not in html


def test_custody_staff_see_their_issues_and_nothing_of_coverage_or_plans(world, carol):
    html = page(carol)
    assert "No soap at the basin" in html
    assert "<svg" not in html and "Planned" not in html and "Where have we not been" not in html


def test_an_analyst_sees_only_annual_reports_of_granted_schemes(world, dave, other_scheme, suite):
    html = page(dave)
    assert f"/reports/annual/{suite.scheme_id}/" in html
    assert f"/reports/annual/{other_scheme.pk}/" not in html
    assert "<svg" not in html and "No soap" not in html


def test_a_concern_shows_on_the_managers_page_until_handled_and_never_to_custody_staff(world, suite, bob, bella,
                                                                                     alice, carol):
    from visits import services

    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=timezone.now() - timedelta(hours=5),
                          concern={"raised": True, "details": "Detainee said he was kicked in the van."})
    assert "kicked in the van" in page(alice)
    assert "kicked in the van" not in page(carol) and "Concerns of ill-treatment" not in page(carol)
    services.concern_mark_handled(visit=visit, by=alice, note="Referred to Professional Standards.")
    assert "kicked in the van" not in page(alice)
