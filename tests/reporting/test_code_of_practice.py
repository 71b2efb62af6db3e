"""What each outcome, rank, TACT visit and concern does to the coverage grid, the KPIs and the annual report.

A week of January 2024 (GMT, so local time is UTC) at Central, one report a day:
Mon 8th 09:00  completed, admitted after 20 min on a sergeant's say-so, 5 present (1 child, 2 vulnerable),
               3 records examined, one issue resolved at the visit
Tue 9th 20:00  remote (video), 4 spoken to, one issue left open
Wed 10th 13:00 access refused
Thu 11th 17:00 abandoned, admitted after 10 min with no rank given (a version 1 phone), TACT, a concern
Fri 12th 09:00 completed, admitted after 8 min on an inspector's say-so, a concern since handled
"""

from datetime import date

import pytest

from reporting.selectors import annual_report, scheme_kpis
from scheduling.selectors import coverage_for_site
from tests.factories import UserFactory, animal_visit, custody_visit
from tests.helpers import utc
from visits import services
from visits.models import Role
from visits.periods import Period

JANUARY = Period(date(2024, 1, 1), date(2024, 1, 31))
CONCERN = {"raised": True, "details": "Bruising on a detainee's wrists; he said the handcuffs were too tight."}


def counts(n):
    return {"detainees_present": n, "detainees_offered": n, "detainees_seen": n}


@pytest.fixture
def week(scheme, suite, animal_unit, alice, bob, bella):
    tess = UserFactory(username="tess", role=Role.VISITOR, scheme=scheme, tact_trained=True)
    pair = {"sender": bob, "visitors": [bob, bella], "site": suite}
    custody_visit(**pair, arrived_at=utc(2024, 1, 8, 9, 0), minutes_to_admission=20, delay_authorised_by_rank="sergeant",
                  **counts(5), juveniles_present=1, vulnerable_present=2, custody_records_examined=3,
                  issues=[{"category": "hygiene", "description": "No soap.", "resolved_during_visit": True}])
    custody_visit(**pair, arrived_at=utc(2024, 1, 9, 20, 0), admitted_at=None, outcome="remote",
                  outcome_reason="Suite in lockdown: spoke to detainees by video", **counts(4),
                  issues=[{"category": "food-and-drink", "description": "Cold meals.", "resolved_during_visit": False}])
    custody_visit(**pair, arrived_at=utc(2024, 1, 10, 13, 0), admitted_at=None, outcome="access_refused",
                  outcome_reason="Turned away at the door: suite full")
    custody_visit(sender=bob, visitors=[bob, tess], site=suite, arrived_at=utc(2024, 1, 11, 17, 0),
                  minutes_to_admission=10, outcome="abandoned", outcome_reason="Fire alarm: suite evacuated",
                  tact=True, concern=CONCERN)
    handled = custody_visit(**pair, arrived_at=utc(2024, 1, 12, 9, 0), minutes_to_admission=8,
                            delay_authorised_by_rank="inspector", concern=CONCERN)
    services.concern_mark_handled(visit=handled, by=alice, note="Raised with the custody inspector the same day.")
    animal_visit(sender=bob, visitors=[bob, bella], site=animal_unit, arrived_at=utc(2024, 1, 15, 10, 0))
    animal_visit(sender=bob, visitors=[bob, bella], site=animal_unit, arrived_at=utc(2024, 1, 22, 10, 0),
                 outcome="access_refused", outcome_reason="Unit on a training day away")


def test_every_outcome_is_a_visit_to_its_cell_of_the_grid(suite, week):
    coverage = coverage_for_site(site=suite, date_from=JANUARY.date_from, date_to=JANUARY.date_to)
    # Monday and Friday 08:00-11:59, Tuesday 20:00-23:59, Wednesday 12:00-15:59, Thursday 16:00-19:59.
    filled = {(d, b): n for d, row in enumerate(coverage.counts) for b, n in enumerate(row) if n}
    assert filled == {(0, 1): 1, (1, 4): 1, (2, 2): 1, (3, 3): 1, (4, 1): 1}
    assert coverage.total == 5


def test_visits_made_leave_out_access_refused_and_the_target_is_measured_on_them(scheme, week):
    kpis = scheme_kpis(scheme=scheme, period=JANUARY)
    assert (kpis["visits"], kpis["visits_attempted"]) == (4, 5)
    assert kpis["visits_by_outcome"] == {"completed": 2, "remote": 1, "access_refused": 1, "abandoned": 1}
    assert (kpis["target"], kpis["target_pct"]) == (4, 100.0)  # 31 days // 7 = 4 weeks x 1; 4 / 4
    assert (kpis["animal_visits"], kpis["animal_visits_attempted"]) == (1, 2)


def test_delays_are_counted_by_who_authorised_them(scheme, week):
    # Only the three admitted visits have an access band: 20 min (over 15), 10 and 8 min (6-15).
    assert scheme_kpis(scheme=scheme, period=JANUARY)["access"] == {
        "immediate": 0, "6-15": 2, "over-15": 1, "immediate_pct": 0.0,
        "delays_authorised_below_inspector": 1,  # Monday's sergeant
        "delays_without_rank": 1,  # Thursday's version 1 report, stored as not_given
    }


def test_children_vulnerable_detainees_records_tact_and_concerns_are_counted(scheme, suite, week):
    kpis = scheme_kpis(scheme=scheme, period=JANUARY)
    figures = {name: kpis[name] for name in ("juveniles_present", "vulnerable_present", "custody_records_examined",
                                             "tact_visits", "concerns_raised", "concerns_open",
                                             "issues_resolved_during_visit_pct")}
    assert figures == {"juveniles_present": 1, "vulnerable_present": 2, "custody_records_examined": 3,
                       "tact_visits": 1, "concerns_raised": 2, "concerns_open": 1,
                       "issues_resolved_during_visit_pct": 50.0}  # 1 resolved of 2 raised
    [central] = [row for row in kpis["sites"] if row["site"] == suite.pk]
    assert (central["visits_attempted"], central["concerns_open"], central["tact_visits"]) == (5, 1, 1)


def test_a_year_of_completed_visits_keeps_its_figures(scheme, suite, bob, bella):
    for day in (8, 15):
        custody_visit(sender=bob, visitors=[bob, bella], site=suite, arrived_at=utc(2024, 1, day, 9, 0))
    kpis = scheme_kpis(scheme=scheme, period=JANUARY)
    assert (kpis["visits"], kpis["visits_attempted"], kpis["target_pct"]) == (2, 2, 50.0)
    assert kpis["visits_by_outcome"] == {"completed": 2, "remote": 0, "access_refused": 0, "abandoned": 0}
    assert (kpis["concerns_raised"], kpis["tact_visits"], kpis["issues_resolved_during_visit_pct"]) == (0, 0, None)


def test_the_kpi_answer_carries_the_new_figures(api, alice, scheme, week):
    response = api(alice).get("/api/v1/kpis/", {"scheme": scheme.pk, "from": "2024-01-01", "to": "2024-01-31"})
    assert response.status_code == 200
    answer = response.json()
    assert (answer["visits_attempted"], answer["concerns_open"], answer["access"]["delays_without_rank"]) == (5, 1, 1)


def test_the_quarterly_return_has_a_column_for_each_outcome(api, alice, scheme, week):
    response = api(alice).get("/api/v1/kpis/export/", {"scheme": scheme.pk, "fy": 2023, "quarter": 4,
                                                      "format": "json"})
    assert response.status_code == 200
    [row] = response.json()
    assert {name: row[name] for name in ("visits_by_outcome_remote", "visits_by_outcome_access_refused",
                                         "access_delays_authorised_below_inspector", "concerns_raised")} == {
        "visits_by_outcome_remote": 1, "visits_by_outcome_access_refused": 1,
        "access_delays_authorised_below_inspector": 1, "concerns_raised": 2,
    }


def test_the_annual_report_shows_outcomes_children_and_concerns_as_counts(client, alice, scheme, week):
    client.force_login(alice)
    response = client.get(f"/reports/annual/{scheme.pk}/2023/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Outcomes of visits" in page and "Access refused" in page
    assert "Children and vulnerable detainees" in page
    assert "Concerns of ill-treatment" in page
    assert "handcuffs" not in page  # counts only
    report = annual_report(scheme=scheme, period=Period(date(2023, 4, 1), date(2024, 3, 31)))
    assert report["kpis"]["concerns_raised"] == 2
