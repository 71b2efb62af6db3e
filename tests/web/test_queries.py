"""Each desk page asks the database a fixed number of queries, the same for 10 reports as for 1,000
(the coverage overview asks one aggregate for all its sites)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from visits import services
from visits.models import AccessBand, CustodyVisit, IssueCategory, ReportStatus, VisitIssue
from visits.rollup import rollup_rebuild

PAGES = {
    "/": 3, "/coverage/": 6, "/coverage/?grid=animal": 6, "/coverage/{suite}/": 6, "/recommendations/": 7,
    "/reports/": 8, "/reports/?has_issues=yes&text=soap": 8, "/reports/custody/{report}/": 9,
    "/reports/custody/{report}/correct/": 9, "/issues/": 7, "/kpis/": 13, "/volunteers/": 8, "/rota/": 9,
}
# /volunteers/: two more for what falls due on the register (the people, then the training lapsing).
# /kpis/ and /returns/: one more for the issue categories' names (the figures name them by slug), one more for
# the hours at team meetings, which count in the volunteer hours; /kpis/ one more again for whether the scheme
# has a rota (its figures then take three more, whatever its size).
FORCE_PAGES = {"/force/": 8}
ANALYST_PAGES = {"/returns/": 12}


def many_reports(*, site, visitors, n: int) -> CustodyVisit:
    """n submitted custody visits over the last months, one in ten with an issue, built in bulk."""
    now = timezone.now()
    reports = []
    for i in range(n):
        arrived = now - timedelta(hours=7 * i + 30)
        report = CustodyVisit(scheme=site.scheme, site=site, created_by=visitors[0], status=ReportStatus.SUBMITTED,
                              arrived_at=arrived, admitted_at=arrived + timedelta(minutes=i % 20),
                              left_at=arrived + timedelta(minutes=90), submitted_at=arrived + timedelta(minutes=95),
                              comments="Soap was short" if i % 7 == 0 else "", visitor_count=len(visitors))
        report.set_cell()
        report.set_access()
        reports.append(report)
    reports = CustodyVisit.objects.bulk_create(reports)
    through = CustodyVisit.visitors.through
    through.objects.bulk_create([through(custodyvisit_id=r.pk, user_id=v.pk) for r in reports for v in visitors])
    category = IssueCategory.objects.get(scheme=site.scheme, slug="hygiene")
    VisitIssue.objects.bulk_create([
        VisitIssue(scheme=site.scheme, site=site, raised_on=r.local_date, custody_visit=r, category=category,
                   description="No soap",
                   resolved_during_visit=i % 20 == 0) for i, r in enumerate(reports) if i % 10 == 0
    ])
    assert AccessBand.IMMEDIATE in {r.access_band for r in reports}
    rollup_rebuild(scheme=site.scheme)  # as after any bulk load
    return reports[0]


@pytest.fixture(params=[10, 1000], ids=["10 reports", "1000 reports"])
def world(request, desk, suite, bob, bella, alice, root):
    report = many_reports(site=suite, visitors=[bob, bella], n=request.param)
    for minutes in (10, 20, 30):  # a history of corrections, by two managers, read in one query
        services.report_update(report=report, editor=alice if minutes != 20 else root, reason="Travel left out",
                               changes={"travel_minutes": minutes})
    return {"suite": suite.pk, "report": report.pk}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("url", "queries"), PAGES.items())
def test_a_manager_page_asks_a_fixed_number_of_queries(world, alice, django_assert_num_queries, url, queries):
    client = signed_in(alice)
    with django_assert_num_queries(queries):
        assert client.get(url.format(**world), follow=False).status_code in (200, 302)


@pytest.mark.parametrize(("url", "queries"), FORCE_PAGES.items())
def test_the_force_page_asks_a_fixed_number_of_queries(world, carol, django_assert_num_queries, url, queries):
    client = signed_in(carol)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("url", "queries"), ANALYST_PAGES.items())
def test_the_analyst_page_asks_a_fixed_number_of_queries(world, dave, django_assert_num_queries, url, queries):
    client = signed_in(dave)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
