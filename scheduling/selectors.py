"""Reads: coverage of sites' timeslot grids over a period, from one aggregate query per kind of report."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Max, QuerySet

from visits import access
from visits.db import selected_once, stand_in
from visits.grids import Grid, overlaps
from visits.models import ReportStatus, Scheme, Site, User
from visits.periods import window_problem
from visits.selectors import scoped

from .models import Recommendation


@dataclass(frozen=True)
class Coverage:
    """Submitted visits to one site per cell of its grid, between two local dates (inclusive).

    `total` counts the visits inside the grid; `outside` those in no cell of it (an animal
    visit outside the bands, or a visit recorded in a band the scheme has removed since).
    """

    site: Site
    grid: Grid
    date_from: date
    date_to: date
    days: tuple[str, ...]
    bands: tuple[str, ...]
    counts: list[list[int]]
    last_visits: list[list[datetime | None]]
    day_totals: list[int]
    band_totals: list[int]
    total: int
    outside: int
    unvisited: list[dict]
    covered_share: float
    unpredictability: float


def sites_schedulable(user: User) -> QuerySet[Site]:
    """Sites whose coverage the user may see: their own scheme's for managers and visitors."""
    return scoped(Site.objects.select_related("scheme"), user, "coverage")


def coverage_window(*, scheme: Scheme, date_from: date | None, date_to: date | None,
                    today: date | None = None) -> tuple[date, date]:
    """The window asked for, with the financial year to date filling what is missing."""
    default_from, default_to = scheme.financial_year_to_date(today)
    date_from, date_to = date_from or default_from, date_to or default_to
    if problem := window_problem(date_from, date_to):
        raise ValidationError({"to": [problem]})
    return date_from, date_to


def unpredictability(counts: list[int]) -> float:
    """Normalised Shannon entropy of visits over the cells: 1.0 when every cell has the same
    number, 0.0 when all are in one cell. With 0 or 1 visit there is no spread: 0.0.
    It is divided by log(number of cells), so n visits can reach at most log(n)/log(cells)."""
    total = sum(counts)
    if total <= 1 or len(counts) <= 1:
        return 0.0
    entropy = -sum((n / total) * math.log(n / total) for n in counts if n)
    return round(entropy / math.log(len(counts)), 3)


def handover_bands(*, grid: Grid, windows: list[str]) -> list[bool]:
    """For each band of the grid, whether a staff handover window overlaps it."""
    return [any(overlaps(band, window) for window in windows) for band in grid.bands]


def coverage_for_site(*, site: Site, date_from: date, date_to: date) -> Coverage:
    return coverage_for_sites(sites=[site], date_from=date_from, date_to=date_to)[site.pk]


def _cells(model, sites: int) -> QuerySet:
    """Submitted visits per cell of each site: the shape of coverage's read, the window and the sites stand-ins."""
    return (model.objects.filter(site_id__in=[stand_in(n) for n in range(2, sites + 2)], status=ReportStatus.SUBMITTED,
                                 local_date__gte=stand_in(0, date), local_date__lte=stand_in(1, date))
            .values("site_id", "slot_day", "slot_band").annotate(visits=Count("id"), last=Max("arrived_at")).order_by())


# Read with every coverage answer: compiling it took about as long as the database took to answer.
_cells_read = selected_once(_cells)


def site_schedulable(user: User, pk: int) -> Site | None:
    """The site of `sites_schedulable(user)` with that id, if any, read as compiled once for callers
    of the user's kind (the coverage policy's scope is the caller's scheme, or every site)."""
    found = access.grant(user, "coverage")
    if not (user.is_superuser or (found is not None and found.scope == access.Scope.SCHEME)):
        return sites_schedulable(user).filter(pk=pk).first()
    [site] = _schedulable_read(user.is_superuser, user.role, user.scheme_id is None,
                               values=[pk, user.scheme_id or 0]) or [None]
    return site


def _schedulable(is_superuser: bool, role: str, schemeless: bool) -> QuerySet[Site]:
    caller = User(is_superuser=is_superuser, role=role, scheme_id=None if schemeless else stand_in(1))
    return sites_schedulable(caller).filter(pk=stand_in(0)).order_by()


_schedulable_read = selected_once(_schedulable)


def coverage_for_sites(*, sites: list[Site], date_from: date, date_to: date) -> dict[int, Coverage]:
    """Coverage of each site, by its id: one aggregate query per kind of report, however many sites."""
    rows = defaultdict(list)
    by_model = defaultdict(list)
    for site in sites:
        by_model[site.report_model].append(site.pk)
    for model, site_ids in by_model.items():
        for row in _cells_read(model, len(site_ids), values=[date_from, date_to, *site_ids]):
            rows[row["site_id"]].append(row)
    return {site.pk: _coverage(site=site, rows=rows[site.pk], date_from=date_from, date_to=date_to) for site in sites}


def _coverage(*, site: Site, rows: list[dict], date_from: date, date_to: date) -> Coverage:
    grid = site.grid
    n_days, n_bands = len(grid.days), len(grid.bands)
    counts = [[0] * n_bands for _ in range(n_days)]
    last_visits: list[list[datetime | None]] = [[None] * n_bands for _ in range(n_days)]
    outside = 0
    for row in rows:
        day, band = row["slot_day"], row["slot_band"]
        if band is None or band >= n_bands or day >= n_days:
            outside += row["visits"]
            continue
        counts[day][band] = row["visits"]
        last_visits[day][band] = row["last"]
    flat = [n for row in counts for n in row]
    covered = sum(1 for n in flat if n)
    return Coverage(
        site=site,
        grid=grid,
        date_from=date_from,
        date_to=date_to,
        days=grid.days,
        bands=grid.bands,
        counts=counts,
        last_visits=last_visits,
        day_totals=[sum(row) for row in counts],
        band_totals=[sum(row[b] for row in counts) for b in range(n_bands)],
        total=sum(flat),
        outside=outside,
        unvisited=[grid.label(d, b) for d, b in grid.cells() if not counts[d][b]],
        covered_share=round(covered / len(flat), 3) if flat else 0.0,
        unpredictability=unpredictability(flat),
    )


def recommendation_latest(*, site: Site) -> Recommendation | None:
    return Recommendation.objects.filter(site=site).select_related("site").order_by("-generated_at", "-id").first()
