"""Pure rules of the plan: the chance each cell has of being drawn for the coming period, and the draw.

The plan is drawn, not derived: an observer who knows these rules, the scheme's settings and
every visit so far can work out the probabilities below, but not the draw, which comes from the
operating system's secure random source (`secrets`). The largest probability of a period's
distribution is that observer's best chance of naming the planned cell.

Nothing here touches the database, so the service and the benchmark call the same functions.
"""

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# A visited cell's weight halves with each visit, so once every cell has a visit the plan spreads
# the next ones evenly, and a cell's third visit waits until the others have their second.
VISIT_DECAY = 2.0
# Days after which a visited cell has regained half of its weight: a cell visited last week is
# less likely to be planned again at once.
RECOVERY_DAYS = 7
# Share of every distribution spread evenly over the grid, so that every cell keeps a real chance
# (at least this share of an even one) however urgent the gaps.
EVEN_SHARE = 0.02

_random = secrets.SystemRandom()


@dataclass(frozen=True)
class DrawCell:
    visits: int
    days_since_visit: int | None  # None: not visited in the window
    handover: bool = False


def draw_inputs(*, visits: Sequence[int], last_visits: Sequence[date | None], handover: Sequence[bool],
                pending: Sequence[date | None], plan_from: date) -> list[DrawCell]:
    """The cells as the draw sees them on the day the plan starts.

    `pending` is the date of a visit already planned (by the plan in force when this one is made)
    but not yet due, for each cell: it counts as a visit, since plans are made a period ahead and
    volunteers mostly follow them; otherwise the next plan would chase the same gap again.
    """
    cells = []
    for count, last, is_handover, planned in zip(visits, last_visits, handover, pending):
        if planned is not None:
            count, last = count + 1, max(last or planned, planned)
        cells.append(DrawCell(visits=count, days_since_visit=None if last is None else (plan_from - last).days,
                              handover=is_handover))
    return cells


def horizon_bounds(day: date, *, months: int) -> tuple[date, date]:
    """The horizon period holding the day: `months` long (3, 6 or 12), the first starting on 1 April."""
    since_april = (day.month - 4) % 12
    first = since_april - since_april % months
    start = date(day.year - (day.month < 4), 4, 1)
    start = date(start.year + (3 + first) // 12, (3 + first) % 12 + 1, 1)
    end_month = (start.month - 1 + months) % 12 + 1
    end_year = start.year + (start.month - 1 + months) // 12
    return start, date(end_year, end_month, 1) - timedelta(days=1)


def periods_left(*, plan_from: date, horizon_end: date, monthly: bool) -> int:
    """Plan periods (weeks, or calendar months) from the one starting on plan_from to the end of
    the horizon, counting that one."""
    if monthly:
        return max(1, (horizon_end.year - plan_from.year) * 12 + horizon_end.month - plan_from.month + 1)
    return max(1, math.ceil(((horizon_end - plan_from).days + 1) / 7))


def gap_probability(*, gaps: int, cells: int, periods_left: int, gap_strength: float) -> float:
    """The chance each cell not yet visited has of being planned: gap_strength ÷ the periods
    left, but never less than an even share of the grid, nor more than an even share of the gaps.

    Early in the horizon that is an even share of the gaps (all the probability goes to them);
    as the gaps get few it stops at gap_strength ÷ periods left, so the last gaps are spread over
    the periods remaining instead of each being next in turn; it rises as those periods run out.
    """
    if gaps == 0:
        return 0.0
    return min(1 / gaps, max(1 / cells, gap_strength / periods_left))


def cell_probabilities(cells: Sequence[DrawCell], *, periods_left: int, gap_strength: float,
                       handover_weight: float) -> list[float]:
    """The chance of each cell being the period's planned visit; they sum to one.

    Each gap (a cell with no visit in the window) has gap_probability(). What is left goes to the
    visited cells in proportion to their weights: halving with each visit, smaller when the last
    visit is recent, times handover_weight (above 0) for a cell that overlaps a staff handover,
    and never more than a gap has (the excess goes to the gaps).

    Gaps overlapping a handover are not held back: each needs its one visit within the horizon
    anyway, and leaving them for last would make the end of the horizon readable. Repeat visits
    are where the handover rule bites.
    """
    if not cells:
        return []
    gap = gap_probability(gaps=sum(1 for cell in cells if cell.visits == 0), cells=len(cells),
                          periods_left=periods_left, gap_strength=gap_strength)
    fixed = [gap if cell.visits == 0 else 0.0 for cell in cells]
    weights = [_visit_weight(cell) * (handover_weight if cell.handover else 1.0) if cell.visits else 0.0
               for cell in cells]
    if not any(weights):
        shares = [0.0] * len(cells)
        fixed = [p / sum(fixed) for p in fixed]
    else:
        rest, total_weight = 1.0 - sum(fixed), sum(weights)
        shares = [rest * w / total_weight for w in weights]
        if gap:
            shares = [min(share, gap) for share in shares]
            fixed = [p * (1.0 - sum(shares)) / sum(fixed) for p in fixed]
    return [(1 - EVEN_SHARE) * (p + share) + EVEN_SHARE / len(cells) for p, share in zip(fixed, shares)]


def _visit_weight(cell: DrawCell) -> float:
    days = max(cell.days_since_visit or 0, 0)
    return VISIT_DECAY ** -cell.visits * (days + 1) / (days + 1 + RECOVERY_DAYS)


def draw_cells(probabilities: Sequence[float], *, count: int) -> list[int]:
    """Indexes of `count` different cells drawn from the distribution, one after another, each
    draw leaving out the cells already drawn."""
    remaining = dict(enumerate(probabilities))
    drawn = []
    for _ in range(min(count, len(remaining))):
        indexes = list(remaining)
        index = _random.choices(indexes, weights=[remaining[i] for i in indexes])[0]
        drawn.append(index)
        del remaining[index]
    return drawn
