"""Pure rules of the recommender: which cells to visit next, and which go in a plan.

Nothing here touches the database, so the rules can be tested on generated data.
"""

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CellStat:
    day: int
    band: int
    visits: int
    last_visit_at: datetime | None
    handover: bool = False


def fresh_draw() -> int:
    return secrets.randbits(64)


def rank_cells(stats: Sequence[CellStat], *, draw: Callable[[], int] = fresh_draw) -> list[CellStat]:
    """Best cell first: unvisited before visited, then fewer visits, then the least recent last
    visit; a fresh random draw per cell breaks the remaining ties, so the order of equals can
    neither be derived from the data nor repeated by the next refresh."""

    def key(stat: CellStat):
        last = stat.last_visit_at.timestamp() if stat.last_visit_at else float("-inf")
        return (stat.visits > 0, stat.visits, last, draw())

    return sorted(stats, key=key)


def pick_plan(ranked: Sequence[CellStat], *, visits: int, include_handover: bool) -> list[CellStat]:
    """The `visits` best cells for a plan, kept in rank order.

    Cells overlapping a staff handover are skipped, unless `include_handover` (drawn at the
    scheme's handover proposal rate): then the best handover cell takes one of the places.
    When there are too few cells of the wanted kind, the rest are filled in rank order.
    """
    visits = min(visits, len(ranked))
    if visits <= 0:
        return []
    handover = [cell for cell in ranked if cell.handover]
    plain = [cell for cell in ranked if not cell.handover]
    picks = handover[:1] + plain[: visits - 1] if include_handover and handover else plain[:visits]
    chosen = {(cell.day, cell.band) for cell in picks}
    picks += [cell for cell in ranked if (cell.day, cell.band) not in chosen][: visits - len(picks)]
    order = {(cell.day, cell.band): index for index, cell in enumerate(ranked)}
    return sorted(picks, key=lambda cell: order[(cell.day, cell.band)])
