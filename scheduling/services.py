"""Writes: recommendations, their schedules, and recomputing the cells of stored reports."""

import calendar
import json
import secrets
import uuid
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from kombu.exceptions import OperationalError as KombuOperationalError

from visits.models import AnimalVisit, CustodyVisit, Scheme, Site, SiteKind, User

from . import draw, selectors
from .grids import Grid
from .models import Recommendation
from .ranking import CellStat, rank_cells


class QueueUnavailable(Exception):
    """The broker did not take the task."""


WEEKLY_TASK_NAME = "Weekly recommendations ({zone})"
FLUSH_TASK_NAME = "Send unsent notifications"


def plan_period(*, site: Site, today: date) -> tuple[date, date]:
    """What the plan covers: next Monday to Sunday for a custody suite, next calendar month for
    an animal unit. Always after today, so no planned slot has already passed."""
    if site.kind == SiteKind.ANIMAL_UNIT:
        start = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])
    start = today + timedelta(days=7 - today.weekday())
    return start, start + timedelta(days=6)


def _plan_date(*, site: Site, cell: CellStat, plan_from: date, plan_to: date) -> date:
    """A custody cell's date is its weekday in the planned week; an animal cell's is a date of
    its day group drawn at random in the planned month, so the date says nothing in advance."""
    if site.kind != SiteKind.ANIMAL_UNIT:
        return plan_from + timedelta(days=cell.day)
    dates = (plan_from + timedelta(days=n) for n in range((plan_to - plan_from).days + 1))
    return secrets.choice([d for d in dates if min(d.weekday(), 5) == cell.day])


def recommendation_compute(*, site: Site, date_from: date, date_to: date, today: date) -> dict:
    """Rank every cell of the site's grid over the window, and draw the plan of the coming period
    from the probabilities of scheduling.draw (an inactive site gets no plan)."""
    scheme = site.scheme
    coverage = selectors.coverage_for_site(site=site, date_from=date_from, date_to=date_to)
    grid = coverage.grid
    handover = selectors.handover_bands(grid=grid, windows=scheme.handover_windows)
    ranked = rank_cells([
        CellStat(day=d, band=b, visits=coverage.counts[d][b], last_visit_at=coverage.last_visits[d][b],
                 handover=handover[b])
        for d, b in grid.cells()
    ])
    rank_of = {(cell.day, cell.band): rank for rank, cell in enumerate(ranked, start=1)}
    cells = [
        {**grid.label(cell.day, cell.band), "visits_in_window": cell.visits, "rank": rank_of[(cell.day, cell.band)],
         "last_visit_at": cell.last_visit_at.isoformat() if cell.last_visit_at else None,
         "handover": cell.handover}
        for cell in ranked
    ]
    plan_from, plan_to = plan_period(site=site, today=today)
    plan, drawn_probability, largest_probability = [], None, None
    if site.active:
        wanted = 1 if site.kind == SiteKind.ANIMAL_UNIT else max(scheme.weekly_target, 1)
        pending = _pending_plan(site=site, grid=grid, today=today)
        zone = scheme.zone
        cell_keys = grid.cells()
        inputs = draw.draw_inputs(
            visits=[coverage.counts[d][b] for d, b in cell_keys],
            last_visits=[last.astimezone(zone).date() if (last := coverage.last_visits[d][b]) else None
                         for d, b in cell_keys],
            handover=[handover[b] for _, b in cell_keys], pending=[pending.get(key) for key in cell_keys],
            plan_from=plan_from,
        )
        _, horizon_end = draw.horizon_bounds(plan_from, months=scheme.plan_horizon_months)
        probabilities = draw.cell_probabilities(
            inputs, gap_strength=scheme.plan_gap_strength, handover_weight=scheme.handover_proposal_rate,
            periods_left=draw.periods_left(plan_from=plan_from, horizon_end=horizon_end,
                                           monthly=site.kind == SiteKind.ANIMAL_UNIT),
        )
        by_key = {(cell.day, cell.band): cell for cell in ranked}
        entries = []
        for index in draw.draw_cells(probabilities, count=wanted):
            cell = by_key[cell_keys[index]]
            entries.append({
                "date": _plan_date(site=site, cell=cell, plan_from=plan_from, plan_to=plan_to).isoformat(),
                **grid.label(cell.day, cell.band), "rank": rank_of[(cell.day, cell.band)],
                "handover": cell.handover, "probability": round(probabilities[index], 4),
            })
        plan = sorted(entries, key=lambda entry: (entry["date"], entry["band"]))
        drawn_probability = max((entry["probability"] for entry in plan), default=None)
        largest_probability = round(max(probabilities), 4)
    return {"cells": cells, "plan": plan, "plan_from": plan_from, "plan_to": plan_to,
            "drawn_probability": drawn_probability, "largest_probability": largest_probability}


def _pending_plan(*, site: Site, grid: Grid, today: date) -> dict[tuple[int, int], date]:
    """The visits still to come of the plan in force today (the latest one whose period holds
    today), by cell: plans are made a period ahead, so the next draw counts them as made."""
    current = (Recommendation.objects.filter(site=site, plan_from__lte=today, plan_to__gte=today)
               .order_by("-generated_at", "-id").only("plan").first())
    pending = {}
    for entry in current.plan if current else []:
        planned = date.fromisoformat(entry["date"])
        if planned >= today and entry["day"] in grid.days and entry["band"] in grid.bands:
            pending[(grid.days.index(entry["day"]), grid.bands.index(entry["band"]))] = planned
    return pending


def recommendation_refresh(*, site: Site, date_from: date, date_to: date, request_key: str,
                           requested_by: User | None = None, today: date | None = None) -> Recommendation:
    """Store one recommendation per request key: a task run twice finds the first one."""
    existing = Recommendation.objects.filter(request_key=request_key).first()
    if existing is not None:
        return existing
    today = today or selectors.local_today(site.scheme)
    result = recommendation_compute(site=site, date_from=date_from, date_to=date_to, today=today)
    try:
        with transaction.atomic():
            return Recommendation.objects.create(
                site=site, request_key=request_key, window_from=date_from, window_to=date_to,
                requested_by=requested_by, generated_at=timezone.now(), **result,
            )
    except IntegrityError:
        return Recommendation.objects.get(request_key=request_key)


def recommendation_request(*, site: Site, date_from: date | None, date_to: date | None,
                           requested_by: User) -> tuple[date, date]:
    """Queue a refresh for the site over the window (the financial year to date by default)."""
    from .tasks import refresh_site

    date_from, date_to = selectors.coverage_window(scheme=site.scheme, date_from=date_from, date_to=date_to)
    args = (site.pk, date_from.isoformat(), date_to.isoformat(), f"request:{uuid.uuid4()}", requested_by.pk)
    try:
        # Outside a transaction this runs at once, so a broker that is down is known before answering.
        transaction.on_commit(lambda: refresh_site.delay(*args))
    except KombuOperationalError as exc:
        raise QueueUnavailable() from exc
    return date_from, date_to


def recommendations_refresh_weekly(*, zone: str | None = None) -> int:
    """Queue a refresh of every active site (of the schemes in this time zone, if given), each
    keyed by its local date so the beat firing twice on a day makes one recommendation."""
    from .tasks import refresh_site

    schemes = Scheme.objects.all() if zone is None else Scheme.objects.filter(timezone=zone)
    sites = list(Site.objects.filter(scheme__in=schemes, active=True).select_related("scheme"))
    for site in sites:
        date_to = selectors.local_today(site.scheme)
        # Counted over the scheme's horizon to date, the period by whose end every cell should have a visit.
        date_from, _ = draw.horizon_bounds(date_to, months=site.scheme.plan_horizon_months)
        refresh_site.delay(site.pk, date_from.isoformat(), date_to.isoformat(), f"weekly:{site.pk}:{date_to}")
    return len(sites)


@transaction.atomic
def timeslots_recompute(*, scheme: Scheme) -> int:
    """Put every report of the scheme back in the cell its arrival falls in under the scheme's
    current zone and bands; returns how many reports moved."""
    sites = {site.pk: site for site in Site.objects.filter(scheme=scheme)}
    for site in sites.values():
        site.scheme = scheme
    moved = 0
    for model in (CustodyVisit, AnimalVisit):
        stale = []
        reports = model.objects.filter(scheme=scheme).only(
            "id", "arrived_at", "site_id", "local_date", "slot_day", "slot_band"
        )
        for report in reports.iterator(chunk_size=2000):
            before = (report.local_date, report.slot_day, report.slot_band)
            report.scheme, report.site = scheme, sites[report.site_id]
            report.set_cell()
            if (report.local_date, report.slot_day, report.slot_band) != before:
                stale.append(report)
        model.objects.bulk_update(stale, ["local_date", "slot_day", "slot_band"], batch_size=500)
        moved += len(stale)
    return moved


@transaction.atomic
def schedules_setup() -> list[str]:
    """The periodic tasks, as data: a weekly refresh at 04:30 on Monday in each scheme time zone,
    and the notification sweeper every 5 minutes. Run again, it repairs the task and its
    arguments but keeps a time an administrator has changed in the admin."""
    names = []
    for zone in sorted(set(Scheme.objects.values_list("timezone", flat=True))):
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="30", hour="4", day_of_week="1", day_of_month="*", month_of_year="*", timezone=zone,
        )
        fields = {"task": "scheduling.refresh_all", "kwargs": json.dumps({"zone": zone})}
        name = WEEKLY_TASK_NAME.format(zone=zone)
        PeriodicTask.objects.update_or_create(name=name, defaults=fields, create_defaults={**fields, "crontab": crontab})
        names.append(name)
    # A zone no scheme uses any more keeps no weekly task.
    PeriodicTask.objects.filter(task="scheduling.refresh_all", name__startswith="Weekly recommendations (").exclude(
        name__in=names
    ).delete()
    every_5, _ = IntervalSchedule.objects.get_or_create(every=5, period=IntervalSchedule.MINUTES)
    fields = {"task": "visits.notifications_flush"}
    PeriodicTask.objects.update_or_create(name=FLUSH_TASK_NAME, defaults=fields,
                                          create_defaults={**fields, "interval": every_5})
    return [*names, FLUSH_TASK_NAME]
