"""How readable is the weekly plan to an informed observer, and does it still cover every cell?

    .venv/bin/python benchmarks/plan_unpredictability.py [--years 1000]

Plays simulated years of one custody suite offline, through the same pure functions the
service uses to make its plans (scheduling.draw, and scheduling.ranking for the old rule), for the
rule the service had before the plan became a draw ("today's rule": the best-ranked cell, handover
cells skipped in 3 plans out of 4, as of commit 597923d) and for the draw. No database is needed. Each year has 52 weekly visits. Each plan is made on the Monday of
the week before it (as the weekly refresh does), from the visits made until then; volunteers
follow it 70 % of the time and otherwise go on a weekday evening, hardly ever at night.

The observer knows the rules, the settings and every visit so far, but not the draw: their best
chance of naming a week's planned cell is the largest probability of that week's distribution.
For today's rule that distribution is worked out from its ranking key (ties are broken at
random); for the draw it is the distribution the service draws from.

Prints the figures of issue 13 and writes them to benchmarks/results/plan_unpredictability.json.
The draws come from `secrets`, so figures move a little from run to run.
"""

import argparse
import json
import os
import random
import statistics
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.test_settings")

import django  # noqa: E402

django.setup()

from rota.pairs import Candidate, draw_pair  # noqa: E402
from scheduling import draw  # noqa: E402
from scheduling.ranking import CellStat, rank_cells  # noqa: E402
from scheduling.selectors import unpredictability  # noqa: E402
from visits.grids import DEFAULT_CUSTODY_BANDS, DEFAULT_HANDOVER_WINDOWS, overlaps  # noqa: E402
from visits.models import Scheme  # noqa: E402

WEEKS = 52
DAYS, BANDS = 7, len(DEFAULT_CUSTODY_BANDS)
CELLS = [(d, b) for d in range(DAYS) for b in range(BANDS)]
HANDOVER = [any(overlaps(band, w) for w in DEFAULT_HANDOVER_WINDOWS) for band in DEFAULT_CUSTODY_BANDS]
FOLLOW_PLAN = 0.7
# Off the plan: a weekday evening most of the time, hardly ever at night.
OFF_PLAN_DAYS = [0.17, 0.17, 0.17, 0.17, 0.17, 0.08, 0.07]
OFF_PLAN_BANDS = [0.02, 0.06, 0.07, 0.45, 0.40]
BAND_START_HOURS = [int(label[:2]) for label in DEFAULT_CUSTODY_BANDS]
YEAR_START = date(2024, 4, 1)  # a Monday
HORIZON_END = YEAR_START + timedelta(days=7 * WEEKS - 1)
TODAYS_HANDOVER_RATE = 0.25

TARGETS = {"coverage_pct": 95.0, "entropy": 0.97, "worst_four_weeks": 0.45, "whole_year": 0.11}
# Issue 24: with a rota, visits go where they are given, so the bar is higher.
ROTA_TARGETS = {"coverage_pct": 99.0, "entropy": 0.97, "worst_four_weeks": 0.30, "whole_year": 0.10}
VISITORS = 16
ACCEPTS = 0.85
MONTHLY_CAP = 4
# Who can usually go when, as schemes describe their volunteers: (how many of the 16, days, bands).
# Most never at night; the retired in the day; those at work in the evenings and at weekends; three shift
# workers any time. Each visitor's own cells are then thinned at random, so no two are alike.
PROFILES = [
    (5, range(0, 5), (3, 4)),         # weekday evenings
    (1, range(5, 7), (1, 2, 3)),      # weekend days
    (4, range(0, 7), (1, 2, 3)),      # retired: any day, in the day
    (3, range(0, 7), (1, 2, 3, 4)),   # any time but night
    (3, range(0, 7), (0, 1, 2, 3, 4)),  # shift workers: any time, nights too
]
ANY_TIME = 5  # the profile whose people keep every cell: "any time" is what they say
KEEP_CELL = 0.8


def _field_default(name):
    return Scheme._meta.get_field(name).default


SETTINGS = {
    "gap_strength": _field_default("plan_gap_strength"),
    "handover_weight": _field_default("handover_proposal_rate"),
}


class Year:
    """One suite's visits so far: counts and the day of the last visit per cell."""

    def __init__(self):
        self.counts = [0] * len(CELLS)
        self.last_day = [None] * len(CELLS)  # days since YEAR_START
        self.arrivals = [None] * len(CELLS)  # the last arrival, as the service stores it

    def visit(self, cell: int, day: int, rng: random.Random):
        self.counts[cell] += 1
        self.last_day[cell] = day
        _, band = CELLS[cell]
        at = datetime.combine(YEAR_START + timedelta(days=day), time(BAND_START_HOURS[band]), UTC)
        self.arrivals[cell] = at + timedelta(minutes=rng.randrange(0, 230))

    def snapshot(self):
        copy = Year()
        copy.counts, copy.last_day, copy.arrivals = list(self.counts), list(self.last_day), list(self.arrivals)
        return copy


def todays_plan(state: Year, plan_day: int, pending: int | None) -> tuple[list[float], int]:
    """The rule before the draw: the best-ranked cell that avoids a handover, or in a quarter
    of plans the best-ranked handover cell. Its distribution: each kind's share split evenly
    over that kind's cells tied at the top of the ranking (the ties are the only chance in it)."""
    stats = [CellStat(day=d, band=b, visits=state.counts[i], last_visit_at=state.arrivals[i], handover=HANDOVER[b])
             for i, (d, b) in enumerate(CELLS)]

    def key(stat):
        return (stat.visits > 0, stat.visits, stat.last_visit_at or datetime.min.replace(tzinfo=UTC))

    probabilities = [0.0] * len(CELLS)
    kinds = [[s for s in stats if s.handover], [s for s in stats if not s.handover]]
    shares = [TODAYS_HANDOVER_RATE, 1 - TODAYS_HANDOVER_RATE]
    for kind, share in zip(kinds, shares):
        best = min(map(key, kind))
        tied = [s for s in kind if key(s) == best]
        for s in tied:
            probabilities[CELLS.index((s.day, s.band))] += share / len(tied)
    include_handover = draw.secrets.randbelow(1_000_000) < TODAYS_HANDOVER_RATE * 1_000_000
    ranked = rank_cells(stats)
    pick = next(s for s in ranked if s.handover == include_handover)
    return probabilities, CELLS.index((pick.day, pick.band))


def drawn_plan(state: Year, plan_day: int, pending: int | None) -> tuple[list[float], int]:
    """The service's draw (scheduling.draw), with the scheme's default settings; `pending` is the
    cell of the plan in force when this one is made, whose visit is still to come."""
    plan_from = YEAR_START + timedelta(days=plan_day)
    cells = draw.draw_inputs(
        visits=state.counts,
        last_visits=[None if day is None else YEAR_START + timedelta(days=day) for day in state.last_day],
        handover=[HANDOVER[b] for _, b in CELLS],
        pending=[plan_from - timedelta(days=7 - CELLS[i][0]) if i == pending else None for i in range(len(CELLS))],
        plan_from=plan_from,
    )
    left = draw.periods_left(plan_from=plan_from, horizon_end=HORIZON_END, monthly=False)
    probabilities = draw.cell_probabilities(cells, periods_left=left, **SETTINGS)
    [pick] = draw.draw_cells(probabilities, count=1)
    return probabilities, pick


def play_year(plan, rng: random.Random) -> dict:
    year = Year()
    states = [year.snapshot()]  # the state on each Monday, before that week's visit
    chances, planned = [], None
    for week in range(WEEKS):
        # The plan for this week was made on the Monday of the week before, from the visits until
        # then, while last week's plan was still to be carried out.
        state = states[max(week - 1, 0)]
        probabilities, planned = plan(state, 7 * week, planned if week else None)
        chances.append(max(probabilities))
        if rng.random() < FOLLOW_PLAN:
            cell = planned
        else:
            day = rng.choices(range(DAYS), weights=OFF_PLAN_DAYS)[0]
            band = rng.choices(range(BANDS), weights=OFF_PLAN_BANDS)[0]
            cell = CELLS.index((day, band))
        year.visit(cell, 7 * week + CELLS[cell][0], rng)
        states.append(year.snapshot())
    worst = max(statistics.fmean(chances[i:i + 4]) for i in range(WEEKS - 3))
    return {"covered": all(year.counts), "entropy": unpredictability(year.counts),
            "worst_four_weeks": worst, "whole_year": statistics.fmean(chances)}


def availability(rng: random.Random) -> list[set[int]]:
    """The cells each of the 16 visitors can usually do, for a year."""
    people = []
    for count, days, bands in PROFILES:
        keep = 1.0 if len(bands) == ANY_TIME else KEEP_CELL
        for _ in range(count):
            people.append({CELLS.index((d, b)) for d in days for b in bands if rng.random() < keep})
    return people


def rota_pair(able: list[int], visits: list[int], last: dict[int, int]):
    """The service's pair draw (rota.pairs) among the visitors able to go."""
    candidates = [Candidate(id=v, probationer=False, visits=visits[v], neighbours=frozenset({last[v]}) if v in last
                            else frozenset()) for v in able]
    return draw_pair(candidates, repeat_pair_weight=0.1)


def _cell_with_pair(probabilities: list[float], pick: int, feasible: list[bool]) -> int:
    """The planned cell, or one drawn again from the same chances until a pair can go (rota.services)."""
    tried = {pick}
    while not feasible[pick]:
        options = [c for c in range(len(CELLS)) if c not in tried]
        if not options:
            break
        pick = options[draw.draw_cells([probabilities[c] for c in options], count=1)[0]]
        tried.add(pick)
    return pick


def _answers(pair, able: list[int], rng: random.Random) -> list[int] | None:
    """Each accepts 85 % of the time; a decline is refilled once among the others who can go."""
    going = [c.id for c in pair]
    for i in range(len(going)):
        if rng.random() >= ACCEPTS:
            others = [v for v in able if v not in going]
            going[i] = rng.choice(others) if others and rng.random() < ACCEPTS else None
    return None if None in going else going


def rota_week(state: Year, week: int, planned_before: int | None, people, visits, month_visits, last, rng):
    """A week with a rota: the draw, then a pair among those available (a cell with no pair redrawn from
    the same chances); returns (the observer's chance, the cell planned, whether a pair goes)."""
    probabilities, pick = drawn_plan(state, 7 * week, planned_before)
    month = (7 * week) // 30

    def able(cell):
        return [v for v, cells in enumerate(people) if cell in cells and month_visits[(v, month)] < MONTHLY_CAP]

    feasible = [len(able(cell)) >= 2 for cell in range(len(CELLS))]
    pick = _cell_with_pair(probabilities, pick, feasible)
    # The observer knows the rules and the visits, not the availability: they name the likeliest cell of
    # the distribution, which is planned only if a pair can go to it, with its share of the cells that can.
    guess = max(range(len(CELLS)), key=probabilities.__getitem__)
    reachable = sum(p for p, ok in zip(probabilities, feasible) if ok)
    chance = probabilities[guess] / reachable if feasible[guess] and reachable else 0.0
    going = _answers(rota_pair(able(pick), visits, last), able(pick), rng) if feasible[pick] else None
    if going is None:
        return chance, pick, False
    for person in going:
        visits[person] += 1
        month_visits[(person, month)] += 1
    last[going[0]], last[going[1]] = going[1], going[0]
    return chance, pick, True


def play_rota_year(rng: random.Random) -> dict:
    from collections import Counter

    people = availability(rng)
    visits, month_visits, last = [0] * VISITORS, Counter(), {}
    year = Year()
    states = [year.snapshot()]
    chances, planned = [], None
    for week in range(WEEKS):
        state = states[max(week - 1, 0)]
        chance, planned, goes = rota_week(state, week, planned if week else None, people, visits, month_visits, last,
                                          rng)
        chances.append(chance)
        if goes:
            cell = planned
        else:  # nobody given it goes: someone goes when they can, as before the rota
            day = rng.choices(range(DAYS), weights=OFF_PLAN_DAYS)[0]
            band = rng.choices(range(BANDS), weights=OFF_PLAN_BANDS)[0]
            cell = CELLS.index((day, band))
        year.visit(cell, 7 * week + CELLS[cell][0], rng)
        states.append(year.snapshot())
    worst = max(statistics.fmean(chances[i:i + 4]) for i in range(WEEKS - 3))
    return {"covered": all(year.counts), "entropy": unpredictability(year.counts),
            "worst_four_weeks": worst, "whole_year": statistics.fmean(chances),
            "visits_per_visitor": sorted(visits)}


def summarise(years: list[dict]) -> dict:
    return {
        "years": len(years),
        "coverage_pct": round(100 * sum(y["covered"] for y in years) / len(years), 1),
        "entropy": round(statistics.median(y["entropy"] for y in years), 3),
        "worst_four_weeks": round(statistics.median(y["worst_four_weeks"] for y in years), 3),
        "whole_year": round(statistics.median(y["whole_year"] for y in years), 3),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, default=1000, help="simulated years per rule (at least 200)")
    args = parser.parse_args()
    rng = random.Random()
    results = {name: summarise([play_year(plan, rng) for _ in range(args.years)])
               for name, plan in (("today", todays_plan), ("draw", drawn_plan))}
    rota_years = [play_rota_year(rng) for _ in range(args.years)]
    results["rota"] = summarise(rota_years)
    shares = [y["visits_per_visitor"] for y in rota_years]
    results["rota"]["visits_per_visitor_median_year"] = {
        "lowest": statistics.median(s[0] for s in shares), "median": statistics.median(statistics.median(s) for s in shares),
        "highest": statistics.median(s[-1] for s in shares)}
    rows = [
        ("all 35 cells covered within 52 visits, % of years", "coverage_pct", ">="),
        ("median normalised entropy of the year's visits", "entropy", ">="),
        ("observer's chance, worst four weeks (median year)", "worst_four_weeks", "<="),
        ("observer's chance, whole year (median year)", "whole_year", "<="),
    ]
    print(f"{args.years} simulated years per rule; volunteers follow the plan {FOLLOW_PLAN:.0%} of the time.")
    print(f"Draw settings: {SETTINGS}")
    print(f"Rota: {VISITORS} visitors of uneven availability, each accepting {ACCEPTS:.0%} of visits given.")
    print(f"{'figure':<52} {'today':>8} {'draw':>8} {'target':>8}  met {'rota':>8} {'target':>8}  met")
    for label, key, sense in rows:
        cells = []
        for column, targets in (("draw", TARGETS), ("rota", ROTA_TARGETS)):
            value, target = results[column][key], targets[key]
            met = value >= target if sense == ">=" else value <= target
            cells.append(f"{value:>8} {sense}{target:>6}  {'yes' if met else 'NO ':<3}")
        print(f"{label:<52} {results['today'][key]:>8} {cells[0]} {cells[1]}")
    print(f"Visits per visitor in the median year (lowest, median, highest): "
          f"{results['rota']['visits_per_visitor_median_year']}")
    out = ROOT / "benchmarks" / "results" / "plan_unpredictability.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"settings": SETTINGS, "follow_plan": FOLLOW_PLAN, "targets": TARGETS,
                               "rota_targets": ROTA_TARGETS, "rota_visitors": VISITORS, "rota_accepts": ACCEPTS,
                               **results}, indent=2) + "\n")
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
