"""Reads: a scheme's rota rules and periods, who can go where and when, and the rota as each role sees it."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from visits import access, eligibility
from visits.grids import CUSTODY_DAYS, overlaps
from visits.kinds import kind_for_site
from visits.models import Scheme, Site, User
from visits.periods import Period, fy_of, fy_period, month_end, quarters_begun
from visits.selectors import with_training

from .models import Assignment, Availability, AvailabilityPeriod, RotaSettings, Seat, State
from .pairs import Candidate


def settings_for(scheme: Scheme) -> RotaSettings:
    """The scheme's rota rules: its row, or the defaults when it has none."""
    found = RotaSettings.objects.filter(scheme=scheme).first()
    return found or RotaSettings(scheme=scheme)


def period_bounds(rules: RotaSettings, day: date) -> tuple[date, date]:
    """The availability period holding the day: its calendar month, or its financial quarter."""
    if rules.availability_period == AvailabilityPeriod.MONTH:
        return day.replace(day=1), month_end(day)
    period = fy_period(fy_of(day), (day.month - 4) % 12 // 3 + 1)
    return period.date_from, period.date_to


def visit_window(site: Site, day: date) -> tuple[date, date]:
    """When a report makes the planned visit: its week (Monday to Sunday), or its month for an animal unit."""
    if kind_for_site(site.kind).planned_monthly:
        return day.replace(day=1), month_end(day)
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def availability_collected(scheme: Scheme, day: date) -> bool:
    """Whether the scheme collects availability for the period holding the day: anyone has given it."""
    return Availability.objects.filter(scheme=scheme, period_from__lte=day, period_to__gte=day).exists()


def can_do(availability: Availability, *, day: date, band: str, animal: bool) -> bool:
    """Whether they can usually go then: not on leave, and the cell marked (an animal unit's band is
    covered by any custody band of that weekday that overlaps it)."""
    if day.isoformat() in availability.leave:
        return False
    marked = [cell["band"] for cell in availability.cells if cell["day"] == CUSTODY_DAYS[day.weekday()]]
    return any(overlaps(band, mark) for mark in marked) if animal else band in marked


class Pool:
    """Who may be drawn for the planned visits of one scheme over some dates, read once: eligibility,
    availability and leave, training, the monthly cap, visits this period and last time's partners.
    `take` records a pair given, so later draws of the same run count it."""

    def __init__(self, scheme: Scheme, *, date_from: date, date_to: date):
        self.scheme, self.rules = scheme, settings_for(scheme)
        first, _ = period_bounds(self.rules, date_from)
        _, last = period_bounds(self.rules, date_to)
        self.availability = {(row.visitor_id, row.period_from): row for row in Availability.objects.filter(
            scheme=scheme, period_from__gte=first, period_to__lte=last)}
        self.eligible: dict[date, list[User]] = {}
        self.per_month: Counter = Counter()
        self.per_period: Counter = Counter()
        self.busy: set[tuple[int, date]] = set()
        seats = (Seat.objects.filter(assignment__scheme=scheme, assignment__date__gte=first.replace(day=1),
                                     assignment__date__lte=month_end(last))
                 .exclude(assignment__state=State.CANCELLED).values_list("visitor_id", "assignment__date"))
        for visitor_id, day in seats:
            self._count(visitor_id, day)
        self.history = partner_history(scheme, since=date_from - timedelta(days=400))

    def _count(self, visitor_id: int, day: date) -> None:
        self.per_month[(visitor_id, day.year, day.month)] += 1
        self.per_period[(visitor_id, period_bounds(self.rules, day)[0])] += 1
        self.busy.add((visitor_id, day))

    def candidates(self, site: Site, day: date, band: str, *, exclude=()) -> list[Candidate]:
        if day not in self.eligible:
            self.eligible[day] = list(with_training(eligibility.eligible_visitors(self.scheme, day)).order_by("pk"))
        animal = kind_for_site(site.kind).planned_monthly
        start, _ = period_bounds(self.rules, day)
        found = []
        for visitor in self.eligible[day]:
            given = self.availability.get((visitor.pk, start))
            if (visitor.pk in exclude or given is None or (visitor.pk, day) in self.busy
                    or not can_do(given, day=day, band=band, animal=animal)
                    or self.per_month[(visitor.pk, day.year, day.month)] >= self.rules.monthly_cap
                    or (animal and not eligibility.is_trained(visitor, "animal_welfare", day))):
                continue
            found.append(Candidate(id=visitor.pk, probationer=eligibility.on_probation(visitor, day),
                                   visits=self.per_period[(visitor.pk, start)],
                                   neighbours=neighbours(self.history, visitor.pk, day)))
        return found

    def candidate(self, visitor: User, day: date) -> Candidate:
        """One who is on the visit already, as a candidate for a partner: their rules were kept when they were drawn."""
        return Candidate(id=visitor.pk, probationer=eligibility.on_probation(visitor, day),
                         visits=self.per_period[(visitor.pk, period_bounds(self.rules, day)[0])],
                         neighbours=neighbours(self.history, visitor.pk, day))

    def take(self, day: date, visitor_ids: list[int]) -> None:
        for visitor_id in visitor_ids:
            self._count(visitor_id, day)

    def pair(self, day: date, a: int, b: int) -> None:
        self.history[a].append((day, b))
        self.history[b].append((day, a))


def partner_history(scheme: Scheme, *, since: date) -> dict[int, list[tuple[date, int]]]:
    """Each visitor's partners by date, on the visits given from the day on (made or not, never cancelled)."""
    seats = (Seat.objects.filter(assignment__scheme=scheme, assignment__date__gte=since)
             .exclude(assignment__state=State.CANCELLED)
             .values_list("assignment_id", "assignment__date", "visitor_id"))
    by_assignment = defaultdict(list)
    for assignment_id, day, visitor_id in seats:
        by_assignment[(assignment_id, day)].append(visitor_id)
    history: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for (_, day), pair in by_assignment.items():
        if len(pair) == 2:
            history[pair[0]].append((day, pair[1]))
            history[pair[1]].append((day, pair[0]))
    return history


def neighbours(history: dict[int, list[tuple[date, int]]], visitor_id: int, day: date) -> frozenset[int]:
    """Their partners on their latest visit before the day and their first after it."""
    entries = history.get(visitor_id, ())
    before = max((entry for entry in entries if entry[0] <= day), default=None)
    after = min((entry for entry in entries if entry[0] > day), default=None)
    return frozenset(entry[1] for entry in (before, after) if entry is not None)


def cells_without_pair(sites: list[Site], *, day: date) -> dict[int, list[dict]]:
    """For each site (by id), the cells of its grid that no two visitors may go to together in the
    availability period holding the day, from what they said they can usually do (leave and the cap
    aside); none when the scheme has not collected availability. Three queries however many sites."""
    if not sites:
        return {}
    scheme = sites[0].scheme
    start, _ = period_bounds(settings_for(scheme), day)
    given = list(Availability.objects.filter(scheme=scheme, period_from=start))
    if not given:
        return {site.pk: [] for site in sites}
    visitors = {v.pk: v for v in with_training(eligibility.eligible_visitors(scheme, max(day, start)))}
    given = [row for row in given if row.visitor_id in visitors]
    return {site.pk: _site_cells_without_pair(site, given, visitors, day) for site in sites}


def _site_cells_without_pair(site: Site, given: list[Availability], visitors: dict, day: date) -> list[dict]:
    animal = kind_for_site(site.kind).planned_monthly
    grid = site.grid
    missing = []
    for d, b in grid.cells():
        band = grid.bands[b]
        weekdays = range(5, 7) if d == 5 and animal else [d]
        able = {row.visitor_id for row in given for w in weekdays
                if _marks(row, weekday=w, band=band, animal=animal)
                and (not animal or eligibility.is_trained(visitors[row.visitor_id], "animal_welfare", day))}
        if len(able) < 2 or all(eligibility.on_probation(visitors[v], day) for v in able):
            missing.append(grid.label(d, b))
    return missing


def _marks(row: Availability, *, weekday: int, band: str, animal: bool) -> bool:
    marked = [cell["band"] for cell in row.cells if cell["day"] == CUSTODY_DAYS[weekday]]
    return any(overlaps(band, mark) for mark in marked) if animal else band in marked


# --- the rota as each role sees it ---


def assignments_for(user: User) -> QuerySet[Assignment]:
    """The assignments the user may see: a manager their scheme's, a visitor those they are on."""
    qs = Assignment.objects.select_related("site").prefetch_related("seats__visitor").order_by("date", "band", "id")
    if user.is_superuser:
        return qs
    found = access.grant(user, "rota")
    if found is None or user.scheme_id is None:
        return qs.none()
    qs = qs.filter(scheme_id=user.scheme_id)
    if found.scope == access.Scope.SELF:
        qs = qs.filter(seats__visitor=user)
    return qs


def availability_for(user: User) -> QuerySet[Availability]:
    qs = Availability.objects.select_related("visitor").order_by("period_from", "visitor_id")
    if user.is_superuser:
        return qs
    found = access.grant(user, "availability")
    if found is None or user.scheme_id is None:
        return qs.none()
    qs = qs.filter(scheme_id=user.scheme_id)
    return qs.filter(visitor=user) if found.scope == access.Scope.SELF else qs


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def unfilled_first(assignments) -> list[Assignment]:
    """The manager's order: what needs them (declined without a pair) first, then by day and time."""
    order = {State.DECLINED: 0, State.PROPOSED: 1, State.ACCEPTED: 2, State.MISSED: 3, State.MADE: 4,
             State.CANCELLED: 5}
    return sorted(assignments, key=lambda a: (order[a.state], a.date, a.band, a.pk))


# --- figures ---


@dataclass(frozen=True)
class RotaFigures:
    quarter: int
    period: Period
    assigned: int
    accepted: int
    made: int
    missed: int
    declined: int
    visits_per_visitor: dict  # {"lowest", "median", "highest"}


def figures(scheme: Scheme, fy: int, *, today: date) -> list[RotaFigures]:
    """Per quarter begun: planned visits given a pair (not cancelled), accepted by both, made, missed, still
    declined; and how evenly the visits were shared among the visitors who gave availability (lowest,
    median, highest). One query when the scheme has no rota, four when it has."""
    if not Assignment.objects.filter(scheme=scheme).exists():
        return []
    year = fy_period(fy)
    rows = list(Assignment.objects.filter(scheme=scheme, date__range=(year.date_from, year.date_to))
                .annotate(answered=Count("seats", filter=Q(seats__accepted_at__isnull=False)))
                .values_list("date", "state", "answered"))
    seats = list(Seat.objects.filter(assignment__scheme=scheme, assignment__date__range=(year.date_from, year.date_to))
                 .exclude(assignment__state=State.CANCELLED).values_list("visitor_id", "assignment__date"))
    given = list(Availability.objects.filter(scheme=scheme, period_from__lte=year.date_to,
                                             period_to__gte=year.date_from)
                 .values_list("visitor_id", "period_from", "period_to"))
    found = []
    for quarter, period, _ in quarters_begun(fy, today=today):
        def inside(day: date, period=period) -> bool:
            return period.date_from <= day <= period.date_to

        states = Counter(state for day, state, _ in rows if inside(day))
        per_visitor = Counter(visitor for visitor, day in seats if inside(day))
        for visitor, start, end in given:
            if start <= period.date_to and end >= period.date_from:
                per_visitor.setdefault(visitor, 0)
        counts = sorted(per_visitor.values())
        found.append(RotaFigures(
            quarter=quarter, period=period, assigned=sum(n for s, n in states.items() if s != State.CANCELLED),
            accepted=sum(1 for day, _, answered in rows if inside(day) and answered == 2),
            made=states[State.MADE], missed=states[State.MISSED], declined=states[State.DECLINED],
            visits_per_visitor={"lowest": counts[0] if counts else 0, "highest": counts[-1] if counts else 0,
                                "median": statistics.median(counts) if counts else 0},
        ))
    return found
