"""Writes: recommendations and their schedules."""

import secrets
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from kombu.exceptions import OperationalError as KombuOperationalError

from visits.kinds import kind_for_site
from visits.models import Scheme, Site, User
from visits.periods import month_end, next_month
from visits.services import QueueUnavailable, enqueue, enqueue_on_commit

from . import draw, selectors
from .models import Recommendation
from .ranking import CellStat, rank_cells
from .signals import plans_drawn

WEEKLY_TASK_NAME = "Weekly recommendations"
WEEK_TURNS_AT = time(4, 30)
FLUSH_TASK_NAME = "Send unsent notifications"
OVERDUE_TASK_NAME = "Overdue issues: digest and reminders"
ROTA_SWEEP_TASK_NAME = "Rota: visits made and missed, refills, reminders"
# The volunteer register's (volunteers.tasks, named here as data: this layer may not import it).
REGISTER_REMINDERS_TASK_NAME = "Volunteer register: the managers' weekly reminder"
ANONYMISE_TASK_NAME = "Volunteer register: anonymise leavers past the keeping time"


def plan_period(*, site: Site, today: date) -> tuple[date, date]:
    """What the plan covers: next Monday to Sunday for a custody suite, next calendar month for
    an animal unit. Always after today, so no planned slot has already passed."""
    if kind_for_site(site.kind).planned_monthly:
        start = next_month(today)
        return start, month_end(start)
    start = today + timedelta(days=7 - today.weekday())
    return start, start + timedelta(days=6)


def _plan_date(*, site: Site, cell: CellStat, plan_from: date, plan_to: date) -> date:
    """A custody cell's date is its weekday in the planned week; an animal cell's is a date of
    its day group drawn at random in the planned month, so the date says nothing in advance."""
    if not kind_for_site(site.kind).planned_monthly:
        return plan_from + timedelta(days=cell.day)
    dates = (plan_from + timedelta(days=n) for n in range((plan_to - plan_from).days + 1))
    return secrets.choice([d for d in dates if min(d.weekday(), 5) == cell.day])


def _recommendation_compute(*, site: Site, coverage: selectors.Coverage, pending: dict[tuple[int, int], date],
                            today: date) -> dict:
    """Rank every cell of the site's grid over the window, and draw the plan of the coming period
    from the probabilities of scheduling.draw (an inactive site gets no plan)."""
    scheme = site.scheme
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
        monthly = kind_for_site(site.kind).planned_monthly
        wanted = 1 if monthly else max(scheme.weekly_target, 1)
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
                                           monthly=monthly),
        )
        # Kept with each cell, so a plan redrawn without a cell (nobody to go) draws from the same chances.
        chance = {tuple(grid.label(d, b).values()): p for (d, b), p in zip(cell_keys, probabilities)}
        for cell_entry in cells:
            cell_entry["probability"] = round(chance[(cell_entry["day"], cell_entry["band"])], 4)
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


def _pending_plans(*, sites: list[Site], today: date) -> dict[int, dict[tuple[int, int], date]]:
    """The visits still to come of the plan in force today (the latest one whose period holds
    today), by site and cell: plans are made a period ahead, so the next draw counts them as made."""
    current = {}
    for recommendation in (Recommendation.objects.filter(site__in=sites, plan_from__lte=today, plan_to__gte=today)
                           .order_by("-generated_at", "-id").only("site_id", "plan")):
        current.setdefault(recommendation.site_id, recommendation)
    pending = {}
    for site in sites:
        grid, cells = site.grid, {}
        for entry in current[site.pk].plan if site.pk in current else []:
            planned = date.fromisoformat(entry["date"])
            if planned >= today and entry["day"] in grid.days and entry["band"] in grid.bands:
                cells[(grid.days.index(entry["day"]), grid.bands.index(entry["band"]))] = planned
        pending[site.pk] = cells
    return pending


def recommendations_refresh(*, sites: list[Site], date_from: date, date_to: date, request_keys: dict[int, str],
                            today: date, requested_by: User | None = None) -> dict[int, Recommendation]:
    """Store one recommendation per request key for each site (by id), in a fixed number of queries
    however many sites: the keys already stored, one coverage aggregate, the plans in force, one
    insert, one read back. A batch run twice, or two at once, finds the first one's rows."""
    keys = [request_keys[site.pk] for site in sites]
    done = set(Recommendation.objects.filter(request_key__in=keys).values_list("request_key", flat=True))
    due = [site for site in sites if request_keys[site.pk] not in done]
    if due:
        coverages = selectors.coverage_for_sites(sites=due, date_from=date_from, date_to=date_to)
        pending = _pending_plans(sites=due, today=today)
        now = timezone.now()
        Recommendation.objects.bulk_create([
            Recommendation(site=site, request_key=request_keys[site.pk], window_from=date_from, window_to=date_to,
                           requested_by=requested_by, generated_at=now,
                           **_recommendation_compute(site=site, coverage=coverages[site.pk], pending=pending[site.pk],
                                                     today=today))
            for site in due
        ], ignore_conflicts=True)  # the unique request key: another run stored it first
    by_key = {recommendation.request_key: recommendation
              for recommendation in Recommendation.objects.filter(request_key__in=keys).select_related("site")}
    drawn = [by_key[request_keys[site.pk]].pk for site in due if by_key[request_keys[site.pk]].plan]
    if drawn:
        transaction.on_commit(lambda: plans_drawn.send(sender=Recommendation, recommendation_ids=drawn))
    return {site.pk: by_key[request_keys[site.pk]] for site in sites}


def recommendation_refresh(*, site: Site, date_from: date, date_to: date, request_key: str,
                           requested_by: User | None = None, today: date | None = None) -> Recommendation:
    """Store one recommendation per request key: a task run twice finds the first one."""
    return recommendations_refresh(
        sites=[site], date_from=date_from, date_to=date_to, request_keys={site.pk: request_key},
        today=today or site.scheme.local_today(), requested_by=requested_by,
    )[site.pk]


def recommendation_request(*, site: Site, date_from: date | None, date_to: date | None,
                           requested_by: User) -> tuple[date, date]:
    """Queue a refresh for the site over the window (the financial year to date by default)."""
    date_from, date_to = selectors.coverage_window(scheme=site.scheme, date_from=date_from, date_to=date_to)
    args = (site.pk, date_from.isoformat(), date_to.isoformat(), f"request:{uuid.uuid4()}", requested_by.pk)
    try:
        # Outside a transaction this runs at once, so a broker that is down is known before answering.
        enqueue_on_commit("scheduling.refresh_site", *args)
    except KombuOperationalError as exc:
        raise QueueUnavailable() from exc
    return date_from, date_to


def week_turned_at(*, scheme: Scheme, now: datetime) -> datetime:
    """The latest turn of the scheme's local week at or before `now`: Monday 04:30 in its zone,
    the quiet hour after the weekend."""
    local = now.astimezone(scheme.zone)
    monday = local.date() - timedelta(days=local.weekday())
    turn = datetime.combine(monday, WEEK_TURNS_AT, tzinfo=scheme.zone)
    return turn if turn <= local else turn - timedelta(days=7)


def recommendations_refresh_week_turned(*, now: datetime | None = None) -> int:
    """Queue a refresh of every active site whose local week has turned since its last weekly
    recommendation, one batch per scheme. Each is keyed by the turn, so a site is refreshed once a
    week however often this runs, and a refresh lost on the way is queued again on the next run;
    returns how many sites."""
    now = now or timezone.now()
    keys = {}
    for site in Site.objects.filter(active=True).select_related("scheme"):
        keys[f"weekly:{site.pk}:{week_turned_at(scheme=site.scheme, now=now).date()}"] = site
    done = set(Recommendation.objects.filter(request_key__in=keys).values_list("request_key", flat=True))
    batches = defaultdict(list)
    for key, site in keys.items():
        if key not in done:
            batches[site.scheme].append((site.pk, key))
    for scheme, due in batches.items():
        date_to = now.astimezone(scheme.zone).date()
        # Counted over the scheme's horizon to date, the period by whose end every cell should have a visit.
        date_from, _ = draw.horizon_bounds(date_to, months=scheme.plan_horizon_months)
        enqueue("scheduling.refresh_sites", scheme.pk, due, date_from.isoformat(), date_to.isoformat())
    return sum(len(due) for due in batches.values())


@transaction.atomic
def schedules_setup() -> list[str]:
    """The periodic tasks, as data: the weekly refresh of the sites whose local week has turned
    (looked for every 15 minutes, so each scheme's Monday comes in its own zone), the
    notification sweeper every 5 minutes, and the overdue issues' digest and reminders daily at
    07:00 in England and Wales; the volunteer register's reminder to the managers on Mondays at 07:00
    and its anonymisation of leavers nightly; the rota's sweep (made, missed, refills, reminders) every 5
    minutes, named here as data like the others (its rota migration makes the row too). Run again, it
    repairs the task but keeps a schedule an administrator has changed in the admin. A scheme's settings
    never touch these rows."""
    every_15, _ = IntervalSchedule.objects.get_or_create(every=15, period=IntervalSchedule.MINUTES)
    every_5, _ = IntervalSchedule.objects.get_or_create(every=5, period=IntervalSchedule.MINUTES)
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London",
    )
    monday_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="1", day_of_month="*", month_of_year="*", timezone="Europe/London",
    )
    night, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London",
    )
    tasks = ((WEEKLY_TASK_NAME, "scheduling.refresh_week_turned", {"interval": every_15}),
             (FLUSH_TASK_NAME, "visits.notifications_flush", {"interval": every_5}),
             (OVERDUE_TASK_NAME, "visits.issues_overdue_notify", {"crontab": morning}),
             (REGISTER_REMINDERS_TASK_NAME, "volunteers.reminders_notify", {"crontab": monday_morning}),
             (ANONYMISE_TASK_NAME, "volunteers.leavers_anonymise", {"crontab": night}),
             (ROTA_SWEEP_TASK_NAME, "rota.sweep", {"interval": every_5}))
    for name, task, when in tasks:
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": task},
                                              create_defaults={"task": task, **when})
    return [name for name, _task, _when in tasks]
