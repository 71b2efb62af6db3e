"""Northshire's financial year 2023/24 with small counts in it: one custody visit a quarter at
Central, its detainee counts and issues chosen so that some counts are 1 or 2 in a quarter and in the year.

Quarter by quarter (present = offered + not offered + unavailable + observed; offered = seen + refused):
Q1: 10 = 6 + 2 + 1 + 1, 6 = 5 + 1; one food-and-drink issue.
Q2:  8 = 4 + 0 + 4 + 0, 4 = 4 + 0; three hygiene issues.
Q3: 12 = 7 + 3 + 2 + 0, 7 = 5 + 2; two food-and-drink issues.
Q4:  9 = 5 + 4 + 0 + 0, 5 = 5 + 0.
The year: 39 = 22 + 9 + 7 + 1, 22 = 19 + 3; issues: food and drink 3, hygiene 3."""

import pytest

from tests.factories import custody_visit
from tests.helpers import utc

QUARTERS = {
    1: (utc(2023, 5, 10, 21), dict(detainees_present=10, detainees_offered=6, detainees_seen=5, detainees_refused=1,
                                   detainees_not_offered=2, detainees_unavailable=1, detainees_observed=1),
        ["food-and-drink"]),
    2: (utc(2023, 8, 10, 21), dict(detainees_present=8, detainees_offered=4, detainees_seen=4, detainees_refused=0,
                                   detainees_not_offered=0, detainees_unavailable=4, detainees_observed=0),
        ["hygiene"] * 3),
    3: (utc(2023, 11, 10, 21), dict(detainees_present=12, detainees_offered=7, detainees_seen=5, detainees_refused=2,
                                    detainees_not_offered=3, detainees_unavailable=2, detainees_observed=0),
        ["food-and-drink"] * 2),
    4: (utc(2024, 2, 10, 21), dict(detainees_present=9, detainees_offered=5, detainees_seen=5, detainees_refused=0,
                                   detainees_not_offered=4, detainees_unavailable=0, detainees_observed=0), []),
}


def visit(suite, pair, arrived, counts, issues):
    return custody_visit(site=suite, sender=pair[0], visitors=pair, arrived_at=arrived, **counts, issues=[
        {"category": slug, "description": "Noted.", "resolved_during_visit": False} for slug in issues])


@pytest.fixture
def year(scheme, suite, bob, bella, tasks_in_process):
    return {q: visit(suite, [bob, bella], *spec) for q, spec in QUARTERS.items()}
