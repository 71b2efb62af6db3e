"""The calendar, once: periods as inclusive ranges of local dates, calendar months, the UK financial
year (1 April - 31 March) and its quarters, years of service (29 February included), and the
from/to window every report, page and export asks for."""

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
    return Period(start, next_month(next_month(next_month(start))) - timedelta(days=1))


def fy_of(day: date) -> int:
    """The financial year a day falls in: 31 March 2024 is in 2023/24, 1 April 2024 in 2024/25."""
    return day.year if day.month >= 4 else day.year - 1


def fy_label(fy: int) -> str:
    """How a financial year is written: 2023 is "2023/24"."""
    return f"{fy}/{str(fy + 1)[-2:]}"


def complete_months(period: Period) -> list[tuple[date, date]]:
    """The calendar months lying wholly inside the period, as (first day, last day)."""
    months: list[tuple[date, date]] = []
    first = period.date_from if period.date_from.day == 1 else next_month(period.date_from)
    while True:
        last = next_month(first) - timedelta(days=1)
        if last > period.date_to:
            return months
        months.append((first, last))
        first = last + timedelta(days=1)


def next_month(day: date) -> date:
    """The first day of the month after the day's."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_end(day: date) -> date:
    """The last day of the day's month."""
    return next_month(day) - timedelta(days=1)


def years_later(day: date, years: int) -> date:
    """The same day `years` later (or earlier, if negative); 29 February becomes the 28th in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def months_later(day: date, months: int) -> date:
    """The same day `months` later; a day the month lacks becomes its last (31 January + 1: 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    first = date(index // 12, index % 12 + 1, 1)
    return min(first + timedelta(days=day.day - 1), month_end(first))


def window_problem(date_from: date | None, date_to: date | None) -> str | None:
    """What is wrong with a from/to window as asked, in words; None when nothing is."""
    if date_from is not None and date_to is not None and date_to < date_from:
        return "The last day cannot be before the first."
    return None


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
