import json
from datetime import date

import pytest

from scheduling.selectors import coverage_for_site, unpredictability
from scheduling.serializers import CoverageSerializer, coverage_answer
from tests.factories import SiteFactory
from tests.helpers import utc
from visits.models import CustodyVisit

MONDAY, TUESDAY, SATURDAY, SUNDAY = 0, 1, 5, 6
NIGHT, MORNING, EVENING, LATE = 0, 1, 3, 4


def cells(coverage) -> dict:
    """{(day, band): count} of the non-empty cells."""
    return {(d, b): n for d, row in enumerate(coverage.counts) for b, n in enumerate(row) if n}


def test_it_counts_each_visit_in_the_cell_of_its_local_arrival(suite, visit):
    visit(suite, utc(2024, 1, 8, 9, 0))    # Monday 09:00 GMT
    visit(suite, utc(2024, 1, 8, 10, 0))   # Monday 10:00 GMT
    visit(suite, utc(2024, 1, 9, 20, 0))   # Tuesday 20:00 GMT

    coverage = coverage_for_site(site=suite, date_from=date(2024, 1, 1), date_to=date(2024, 1, 31))

    assert cells(coverage) == {(MONDAY, MORNING): 2, (TUESDAY, LATE): 1}
    assert coverage.grid.name == "custody-weekly"
    assert coverage.day_totals == [2, 1, 0, 0, 0, 0, 0]
    assert coverage.band_totals == [0, 2, 0, 0, 1]
    assert coverage.total == 3
    assert coverage.outside == 0
    assert len(coverage.unvisited) == 33
    assert {"day": "monday", "band": "08:00-11:59"} not in coverage.unvisited
    assert coverage.covered_share == round(2 / 35, 3)


def test_it_moves_a_summer_night_visit_at_2330_utc_to_the_next_local_day(suite, visit):
    visit(suite, utc(2024, 3, 30, 23, 30))  # still GMT: Saturday 23:30
    visit(suite, utc(2024, 3, 31, 23, 30))  # BST since 01:00 UTC: Monday 1 April 00:30

    march = coverage_for_site(site=suite, date_from=date(2024, 3, 30), date_to=date(2024, 3, 31))
    april = coverage_for_site(site=suite, date_from=date(2024, 4, 1), date_to=date(2024, 4, 1))

    assert cells(march) == {(SATURDAY, LATE): 1}
    assert cells(april) == {(MONDAY, NIGHT): 1}


def test_it_counts_both_passes_of_the_ambiguous_autumn_hour_on_the_same_local_day(suite, visit):
    visit(suite, utc(2024, 10, 26, 23, 30))  # Sunday 27 October 00:30 BST
    visit(suite, utc(2024, 10, 27, 0, 30))   # 01:30 BST, the first 01:30
    visit(suite, utc(2024, 10, 27, 1, 30))   # 01:30 GMT, the second 01:30
    visit(suite, utc(2024, 10, 27, 23, 30))  # Sunday 23:30 GMT

    sunday = coverage_for_site(site=suite, date_from=date(2024, 10, 27), date_to=date(2024, 10, 27))

    assert cells(sunday) == {(SUNDAY, NIGHT): 3, (SUNDAY, LATE): 1}
    assert set(CustodyVisit.objects.values_list("local_date", flat=True)) == {date(2024, 10, 27)}


def test_it_includes_both_boundary_dates_in_local_time(suite, visit):
    visit(suite, utc(2024, 6, 30, 23, 30))  # 1 July 00:30 BST: inside a window starting 1 July
    visit(suite, utc(2024, 7, 31, 22, 59))  # 31 July 23:59 BST: inside a window ending 31 July
    visit(suite, utc(2024, 7, 31, 23, 0))   # 1 August 00:00 BST: outside
    visit(suite, utc(2024, 6, 30, 22, 59))  # 30 June 23:59 BST: outside

    july = coverage_for_site(site=suite, date_from=date(2024, 7, 1), date_to=date(2024, 7, 31))

    assert july.total == 2


def test_it_leaves_drafts_out(suite, visit):
    visit(suite, utc(2024, 5, 6, 9, 0))
    visit(suite, utc(2024, 5, 7, 9, 0), status="draft")

    coverage = coverage_for_site(site=suite, date_from=date(2024, 5, 1), date_to=date(2024, 5, 31))

    assert coverage.total == 1


def test_it_still_counts_the_visits_of_an_inactive_suite(scheme, visit):
    closed = SiteFactory(scheme=scheme, name="Old town")
    visit(closed, utc(2024, 5, 6, 9, 0))
    closed.active = False
    closed.save()

    coverage = coverage_for_site(site=closed, date_from=date(2024, 4, 1), date_to=date(2024, 5, 31))

    assert coverage.total == 1
    assert coverage.site.active is False


def test_it_counts_animal_visits_outside_the_bands_apart(animal_unit, visit):
    visit(animal_unit, utc(2024, 5, 4, 9, 0))    # Saturday 10:00 BST: weekend, morning band
    visit(animal_unit, utc(2024, 5, 5, 15, 0))   # Sunday 16:00 BST: weekend, afternoon band
    visit(animal_unit, utc(2024, 5, 8, 13, 0))   # Wednesday 14:00 BST: between the bands

    coverage = coverage_for_site(site=animal_unit, date_from=date(2024, 5, 1), date_to=date(2024, 5, 31))

    assert coverage.grid.name == "animal-monthly"
    assert coverage.days == ("monday", "tuesday", "wednesday", "thursday", "friday", "weekend")
    assert coverage.bands == ("07:00-12:59", "15:00-19:59")
    assert coverage.counts[5] == [1, 1]
    assert coverage.total == 2
    assert coverage.outside == 1
    assert len(coverage.unvisited) == 10


def test_it_scores_unpredictability_by_the_spread_of_visits():
    assert unpredictability([0] * 35) == 0.0
    assert unpredictability([1] + [0] * 34) == 0.0
    assert unpredictability([9] + [0] * 34) == 0.0
    assert unpredictability([2] * 35) == 1.0
    assert 0 < unpredictability([5, 1] + [0] * 33) < unpredictability([3, 3] + [0] * 33) < 1


@pytest.mark.parametrize(("today", "expected"), [
    (date(2024, 3, 31), (date(2023, 4, 1), date(2024, 3, 31))),
    (date(2024, 4, 1), (date(2024, 4, 1), date(2024, 4, 1))),
    (date(2025, 1, 15), (date(2024, 4, 1), date(2025, 1, 15))),
])
def test_it_takes_the_financial_year_to_date_from_1_april(scheme, today, expected):
    assert scheme.financial_year_to_date(today) == expected


def test_the_answer_built_directly_is_the_serializers(suite, animal_unit, visit):
    """scheduling.serializers.coverage_answer stands in for CoverageSerializer on the hot path; the
    serializer stays for the schema. The same answer, for a suite and for an animal unit's grid."""
    visit(suite, utc(2024, 1, 8, 9, 0))
    visit(animal_unit, utc(2024, 5, 4, 9, 0))
    visit(animal_unit, utc(2024, 5, 8, 13, 0))  # between the bands: outside
    for site, window in ((suite, (date(2024, 1, 1), date(2024, 1, 31))), (animal_unit, (date(2024, 5, 1), date(2024, 5, 31)))):
        coverage = coverage_for_site(site=site, date_from=window[0], date_to=window[1])
        answer = coverage_answer(coverage)
        assert answer == json.loads(json.dumps(CoverageSerializer(coverage).data))
        assert list(answer) == list(CoverageSerializer(coverage).data)  # and in the same order
