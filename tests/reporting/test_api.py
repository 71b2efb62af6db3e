import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from reporting.selectors import active_days, pct, scheme_kpis, suite_target
from reporting.serializers import KpiSerializer
from visits.models import CustodyVisit, IssueCategory, SeenProfileCount, SiteActivityChange, VisitIssue
from visits.periods import Period, complete_months, fy_period
from visits.rollup import rollup_rebuild

URL = "/api/v1/kpis/"


# --- periods and targets ------------------------------------------------------------------------


@pytest.mark.parametrize(("quarter", "start", "end"), [
    (None, date(2023, 4, 1), date(2024, 3, 31)),
    (1, date(2023, 4, 1), date(2023, 6, 30)),
    (2, date(2023, 7, 1), date(2023, 9, 30)),
    (3, date(2023, 10, 1), date(2023, 12, 31)),
    (4, date(2024, 1, 1), date(2024, 3, 31)),
])
def test_it_turns_a_financial_year_and_quarter_into_dates(quarter, start, end):
    assert fy_period(2023, quarter) == Period(start, end)



def test_it_counts_only_whole_calendar_months_for_the_animal_target():
    assert len(complete_months(fy_period(2023))) == 12
    assert complete_months(Period(date(2023, 4, 15), date(2023, 6, 30))) == [
        (date(2023, 5, 1), date(2023, 5, 31)), (date(2023, 6, 1), date(2023, 6, 30)),
    ]


def test_it_counts_the_weeks_a_suite_was_active_from_its_history(suite):
    may = Period(date(2023, 5, 1), date(2023, 5, 31))
    assert suite_target(site=suite, changes=[], period=may, weekly_target=2) == 4 * 2  # 31 days: 4 weeks
    # Opened on 10 May: before its first change it was closed, so active 10-31 May, 22 days: 3 weeks.
    opened = [SiteActivityChange(site=suite, active=True, effective_on=date(2023, 5, 10))]
    assert active_days(site=suite, changes=opened, period=may) == 22
    assert suite_target(site=suite, changes=opened, period=may, weekly_target=1) == 3
    # Closed on 8 May and reopened on 20 May: 7 + 12 = 19 days, 2 weeks.
    gap = [SiteActivityChange(site=suite, active=False, effective_on=date(2023, 5, 8)),
           SiteActivityChange(site=suite, active=True, effective_on=date(2023, 5, 20))]
    assert active_days(site=suite, changes=gap, period=may) == 19
    assert suite_target(site=suite, changes=gap, period=may, weekly_target=1) == 2
    # A change long before the period decides its state throughout; one after it does not count.
    assert active_days(site=suite, changes=[SiteActivityChange(active=False, effective_on=date(2020, 1, 1))],
                       period=may) == 0
    assert active_days(site=suite, changes=[SiteActivityChange(active=False, effective_on=date(2024, 1, 1))],
                       period=may) == 31


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (1, 8, 12.5), (1, 16, 6.3),   # 6.25 rounds half away from zero (round() would give 6.2)
    (1, 3, 33.3), (2, 3, 66.7), (3, 3, 100.0), (0, 5, 0.0), (0, 0, None), (4, 0, None),
])
def test_it_rounds_percentages_half_up_and_gives_null_for_nothing(part, whole, expected):
    assert pct(part, whole) == expected


# --- the endpoint: periods and errors --------------------------------------------------------------


def test_it_answers_a_quarter_as_its_dates(api, alice, year):
    answer = api(alice).get(URL, {"fy": 2023, "quarter": 3}).json()
    assert (answer["from"], answer["to"]) == ("2023-10-01", "2023-12-31")
    # 92 days: 13 weeks for each of the two suites (Harbour reopened on 9 September).
    assert (answer["visits"], answer["target"], answer["target_pct"]) == (1, 26, 3.8)
    answer = api(alice).get(URL, {"fy": 2023, "quarter": 4}).json()
    assert (answer["from"], answer["to"]) == ("2024-01-01", "2024-03-31")


def test_it_answers_a_range_of_dates(api, alice, scheme, year):
    answer = api(alice).get(URL, {"from": "2023-04-01", "to": "2024-03-31"}).json()
    assert answer["scheme"] == scheme.pk and answer["visits"] == 3 and answer["target"] == 91
    assert [s["name"] for s in answer["sites"]] == ["Central", "Harbour", "Dog unit"]


@pytest.mark.parametrize(("params", "field"), [
    ({"to": "2023-04-01"}, "from"),
    ({"from": "2023-04-01"}, "to"),
    ({"from": "2023-13-01", "to": "2023-12-31"}, "from"),
    ({"from": "2023-05-01", "to": "2023-04-30"}, "to"),
    ({"quarter": 3}, "fy"),
    ({"fy": 2023, "quarter": 5}, "quarter"),
    ({"fy": "twenty"}, "fy"),
    ({"fy": 2023, "from": "2023-04-01", "to": "2023-04-30"}, "fy"),
    ({"from": "2010-01-01", "to": "2023-12-31"}, "to"),
])
def test_it_refuses_a_missing_or_invalid_period_with_field_messages(api, alice, params, field):
    response = api(alice).get(URL, params)
    assert response.status_code == 400
    assert isinstance(response.json()[field], list) and response.json()[field]


def test_with_no_period_it_answers_the_financial_year_to_date(api, alice, scheme):
    from datetime import date

    from django.utils import timezone

    today = timezone.now().astimezone(scheme.zone).date()
    first = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    answer = api(alice).get(URL).json()
    assert (answer["from"], answer["to"]) == (first.isoformat(), today.isoformat())


# --- roles ---------------------------------------------------------------------------------------


def test_a_manager_reads_their_own_scheme_by_default(api, alice, scheme):
    response = api(alice).get(URL, {"fy": 2023})
    assert response.status_code == 200 and response.json()["scheme"] == scheme.pk


def test_another_schemes_manager_gets_404(api, charlie, alice, scheme, other_scheme):
    assert api(charlie).get(URL, {"fy": 2023, "scheme": scheme.pk}).status_code == 404
    assert api(alice).get(URL, {"fy": 2023, "scheme": other_scheme.pk}).status_code == 404


def test_an_analyst_reads_a_granted_scheme_only_and_must_name_it(api, dave, scheme, other_scheme, year):
    response = api(dave).get(URL, {"fy": 2023, "scheme": scheme.pk})
    assert response.status_code == 200 and response.json()["visits"] == 3
    assert api(dave).get(URL, {"fy": 2023, "scheme": other_scheme.pk}).status_code == 404
    assert api(dave).get(URL, {"fy": 2023, "scheme": 999999}).status_code == 404
    missing = api(dave).get(URL, {"fy": 2023})
    assert missing.status_code == 400 and "scheme" in missing.json()


def test_an_analyst_sees_no_personal_data_of_volunteers(api, dave, scheme, year, bob, bella):
    body = api(dave).get(URL, {"fy": 2023, "scheme": scheme.pk}).content.decode()
    for person in (bob, bella):
        for value in (person.username, person.first_name, person.last_name, person.email):
            assert value not in body


def test_a_superuser_names_the_scheme(api, root, scheme):
    assert api(root).get(URL, {"fy": 2023}).status_code == 400
    assert api(root).get(URL, {"fy": 2023, "scheme": scheme.pk}).status_code == 200


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_visitors_and_custody_staff_are_refused(api, request, persona):
    assert api(request.getfixturevalue(persona)).get(URL, {"fy": 2023}).status_code == 403


def test_an_anonymous_caller_must_sign_in(api, scheme):
    assert api(None).get(URL, {"fy": 2023}).status_code == 401


# --- queries -------------------------------------------------------------------------------------


def bulk_visits(*, site, visitors, n, first: datetime) -> None:
    """n submitted visits written straight to the tables, with their computed columns set as the service would,
    then the roll-up rebuilt from them, as after a bulk load."""
    category = IssueCategory.objects.get(scheme=site.scheme, slug="food-and-drink")
    visits = []
    for i in range(n):
        arrived = first + timedelta(hours=7 * i)
        visit = CustodyVisit(
            scheme=site.scheme, site=site, client_uuid=uuid.uuid4(), content_hash="bulk", created_by=visitors[0],
            status="submitted", arrived_at=arrived, admitted_at=arrived + timedelta(minutes=i % 25),
            left_at=arrived + timedelta(minutes=60), travel_minutes=10, detainees_present=3, detainees_offered=2,
            detainees_seen=1, detainees_refused=1, detainees_observed=1, visitor_count=len(visitors),
        )
        visit.set_cell()
        visit.set_access()
        visits.append(visit)
    CustodyVisit.objects.bulk_create(visits)
    through = CustodyVisit.visitors.through
    through.objects.bulk_create(through(custodyvisit=v, user=u) for v in visits for u in visitors)
    SeenProfileCount.objects.bulk_create(SeenProfileCount(visit=v, dimension="gender", value="female", count=1)
                                         for v in visits)
    VisitIssue.objects.bulk_create(VisitIssue(scheme=site.scheme, custody_visit=v, site=site, raised_on=v.local_date,
                                              category=category, description="Cold") for v in visits[::3])
    rollup_rebuild(scheme=site.scheme)


def kpi_queries(api, user, django_assert_num_queries, expected) -> dict:
    client = api(user)
    with django_assert_num_queries(expected):
        response = client.get(URL, {"fy": 2023})
    assert response.status_code == 200
    return response.json()


# Sites, activity history, and from the roll-up the sums per site, the profile, the categories
# and the issues; then the volunteers and the hours at team meetings. A manager's scheme is the one
# read with them.
KPI_QUERIES = 8


def test_it_answers_with_the_same_queries_for_10_and_1000_visits(api, alice, suite, animal_unit, bob, bella,
                                                                  django_assert_num_queries):
    first = datetime(2023, 4, 3, 9, 0, tzinfo=UTC)
    bulk_visits(site=suite, visitors=[bob, bella], n=10, first=first)
    assert kpi_queries(api, alice, django_assert_num_queries, KPI_QUERIES)["visits"] == 10
    bulk_visits(site=suite, visitors=[bob, bella], n=990, first=first + timedelta(hours=3))
    answer = kpi_queries(api, alice, django_assert_num_queries, KPI_QUERIES)
    assert answer["visits"] == 1000
    # 1,000 visits × 2 visitors × 1 hour + 1,000 × 10 minutes' travel = 2,166.67 hours.
    assert answer["volunteer_hours"] == 2166.7
    assert answer["seen_profile"] == {"gender": {"female": 1000}}
    assert answer["issues_by_category"]["food-and-drink"] == 334  # visits 0, 3, ..., 999
    assert sum(answer["access"][band] for band in ("immediate", "6-15", "over-15")) == 1000



@pytest.mark.parametrize("period", [Period(date(2023, 4, 1), date(2024, 3, 31)), Period(date(2023, 6, 5), date(2023, 6, 9))],
                         ids=["a year", "five days"])
def test_the_kpis_are_sent_exactly_as_their_schema_describes_them(scheme, year, period):
    """The KPI view sends the selector's answer without passing it through KpiSerializer (for speed):
    the serializer, which the OpenAPI schema is made from, must render it unchanged, every site's
    kind included."""
    kpis = json.loads(json.dumps(scheme_kpis(scheme=scheme, period=period)))
    assert {row["kind"] for row in kpis["sites"]} == {"custody_suite", "animal_unit"}
    assert json.loads(json.dumps(KpiSerializer(kpis).data)) == kpis
