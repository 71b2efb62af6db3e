"""Reporting periods: inclusive ranges of local dates, and the UK financial year (1 April - 31 March)."""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date


def fy_period(fy: int, quarter: int | None = None) -> Period:
    """Financial year `fy` runs from 1 April fy to 31 March fy+1; Q1 is April-June ... Q4 January-March."""
    if quarter is None:
        return Period(date(fy, 4, 1), date(fy + 1, 3, 31))
    first_month = 4 + 3 * (quarter - 1)
    year = fy + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    start = date(year, month, 1)
    return Period(start, _next_month(_next_month(_next_month(start))) - timedelta(days=1))


def fy_of(day: date) -> int:
    """The financial year a day falls in: 31 March 2024 is in 2023/24, 1 April 2024 in 2024/25."""
    return day.year if day.month >= 4 else day.year - 1


def fy_label(fy: int) -> str:
    """How a financial year is written: 2023 is "2023/24"."""
    return f"{fy}/{str(fy + 1)[-2:]}"


def complete_months(period: Period) -> list[tuple[date, date]]:
    """The calendar months lying wholly inside the period, as (first day, last day)."""
    months: list[tuple[date, date]] = []
    first = period.date_from if period.date_from.day == 1 else _next_month(period.date_from)
    while True:
        last = _next_month(first) - timedelta(days=1)
        if last > period.date_to:
            return months
        months.append((first, last))
        first = last + timedelta(days=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def to_date(period: Period, *, today: date) -> tuple[Period, bool] | None:
    """The part of the period up to today, and whether it is still running (then its figures are
    "to date", its targets those of the days so far). None when the period has not begun."""
    if period.date_from > today:
        return None
    if period.date_to > today:
        return Period(period.date_from, today), True
    return period, False


def quarters_begun(fy: int, *, today: date) -> list[tuple[int, Period, bool]]:
    """The quarters of the financial year that have begun: (quarter, period to date, still running)."""
    begun = []
    for quarter in (1, 2, 3, 4):
        clipped = to_date(fy_period(fy, quarter), today=today)
        if clipped is not None:
            begun.append((quarter, *clipped))
    return begun
