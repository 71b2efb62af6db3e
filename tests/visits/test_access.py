"""The access policy (visits.access) on its own, and the one rule it changed: custody staff read
the reports of the sites they answer for, not every report of their scheme."""

from datetime import UTC, datetime

import pytest

from tests.factories import SiteFactory, UserFactory, custody_visit
from visits import access, selectors
from visits.models import Role

VISITS = "/api/v1/visits/"
ARRIVED = datetime(2024, 2, 6, 21, 40, tzinfo=UTC)


def test_each_resource_names_who_reads_and_writes_it():
    assert set(access.roles("reports")) == {Role.MANAGER, Role.VISITOR, Role.CUSTODY}
    assert set(access.roles("reports", access.WRITE)) == {Role.MANAGER, Role.VISITOR}
    assert access.roles("kpis") == (Role.MANAGER, Role.ANALYST)
    assert access.roles("notifications", access.WRITE) == ()


def test_a_secret_resource_is_hidden_from_roles_without_a_grant(carol, dave, alice, bob, root):
    assert access.is_hidden_from(carol, "coverage") and access.is_hidden_from(dave, "coverage")
    assert not access.is_hidden_from(alice, "coverage") and not access.is_hidden_from(bob, "coverage")
    assert not access.is_hidden_from(root, "coverage")
    assert not access.is_hidden_from(carol, "kpis")  # not secret: refused (403), not hidden


@pytest.fixture
def two_suites_visited(scheme, suite, bob, bella):
    northgate = SiteFactory(scheme=scheme, name="Northgate")
    return {site.name: custody_visit(site=site, sender=bob, visitors=[bob, bella], arrived_at=ARRIVED)
            for site in (suite, northgate)}


def test_a_sergeant_reads_only_the_reports_of_their_own_suite(api, scheme, two_suites_visited):
    sergeant = UserFactory(username="sergeant", role=Role.CUSTODY, scheme=scheme)
    sergeant.sites.set([two_suites_visited["Central"].site])
    listed = api(sergeant).get(VISITS).json()["results"]
    assert [r["id"] for r in listed] == [two_suites_visited["Central"].pk]
    assert api(sergeant).get(f"{VISITS}{two_suites_visited['Northgate'].pk}/").status_code == 404
    assert list(selectors.custody_visits_visible(sergeant)) == [two_suites_visited["Central"]]


def test_custody_staff_answering_for_every_suite_read_every_submitted_report(api, carol, two_suites_visited):
    listed = api(carol).get(VISITS).json()["results"]
    assert sorted(r["id"] for r in listed) == sorted(v.pk for v in two_suites_visited.values())


def test_the_manager_still_reads_every_report_of_the_scheme(api, alice, two_suites_visited):
    assert len(api(alice).get(VISITS).json()["results"]) == 2
