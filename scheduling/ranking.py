"""Pure rules of the recommender: the ranking of the cells to visit next (the plan is drawn, in draw.py).

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
