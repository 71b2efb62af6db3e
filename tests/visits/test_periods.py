"""The calendar module: months, years of service across 29 February, financial years, windows."""

from datetime import date

import pytest

from visits.periods import Period, fy_of, fy_period, month_end, next_month, window_problem, years_later


@pytest.mark.parametrize("day, first, last", [
    (date(2024, 1, 31), date(2024, 2, 1), date(2024, 1, 31)),
    (date(2024, 2, 10), date(2024, 3, 1), date(2024, 2, 29)),
    (date(2023, 2, 10), date(2023, 3, 1), date(2023, 2, 28)),
    (date(2024, 12, 1), date(2025, 1, 1), date(2024, 12, 31)),
])
def test_months(day, first, last):
    assert (next_month(day), month_end(day)) == (first, last)


def test_years_of_service_from_29_february():
    assert years_later(date(2020, 2, 29), 3) == date(2023, 2, 28)
    assert years_later(date(2020, 2, 29), 4) == date(2024, 2, 29)
    assert years_later(date(2024, 2, 29), -5) == date(2019, 2, 28)
    assert years_later(date(2024, 3, 1), -1) == date(2023, 3, 1)


def test_financial_years_and_quarters():
    assert fy_of(date(2024, 3, 31)) == 2023 and fy_of(date(2024, 4, 1)) == 2024
    assert fy_period(2023, 4) == Period(date(2024, 1, 1), date(2024, 3, 31))
    assert fy_period(2023) == Period(date(2023, 4, 1), date(2024, 3, 31))


def test_a_window_that_ends_before_it_starts_is_named():
    assert window_problem(date(2024, 2, 2), date(2024, 2, 1)) == "The last day cannot be before the first."
    assert window_problem(date(2024, 2, 1), date(2024, 2, 1)) is None
    assert window_problem(None, date(2024, 2, 1)) is None
