"""Disclosure control of published counts, as plain functions over cells.

A cell is any key (here: release column, measure, item) with a whole-number count. Counts of people
from 1 to `threshold - 1` are *small*: shown only as "fewer than <threshold>". Hiding them is not
enough where counts are added up: a hidden count in a sum whose total and other parts are shown is
that total minus the others. So `suppress` hides further cells (*secondary* suppression, the
next-smallest shown count of a sum holding an exposed one) until no small count can be worked out
by anyone who reads every shown cell, knows every sum (`groups`), and knows what the markers mean
(a small cell is 1 to threshold - 1; a secondary one, "not shown", may be any count, and where the
"fewer than" markers of a sum's cells alone would give them away, as 1 + 1 = 2, one of them is
shown as "not shown" instead). `exposure` is that reader: bounds tightened over the sums until
nothing changes, then each hidden cell probed value by value.
"""

import math
from collections.abc import Hashable, Iterable

SHOWN, SMALL, SECONDARY, UNPUBLISHED = "shown", "small", "secondary", "unpublished"
HIDDEN = (SMALL, SECONDARY, UNPUBLISHED)

Key = Hashable
Group = tuple[Key, list[Key]]  # a total and the parts it is the sum of


def is_small(value: int, threshold: int) -> bool:
    return 1 <= value < threshold


def bounds_known(state: str, threshold: int) -> tuple[float, float]:
    """What a reader knows of a hidden cell from its marker alone."""
    if state == SMALL:
        return 1, threshold - 1
    return 0, math.inf


def tighten(groups: Iterable[Group], known: dict[Key, tuple[float, float]]) -> dict[Key, tuple[float, float]] | None:
    """Bounds of every cell implied by the sums, to a fixed point; None when they contradict each other."""
    groups = list(groups)
    bounds = dict(known)
    for _ in range(200):
        changed = False
        for total, parts in groups:
            lows = [bounds[p][0] for p in parts]
            highs = [bounds[p][1] for p in parts]
            new = {total: (max(bounds[total][0], sum(lows)), min(bounds[total][1], sum(highs)))}
            t_lo, t_hi = bounds[total]
            for index, part in enumerate(parts):
                # Summed without the part, not subtracted: infinity minus infinity is no number.
                others_lo = sum(v for j, v in enumerate(lows) if j != index)
                others_hi = sum(v for j, v in enumerate(highs) if j != index)
                lo = t_lo - others_hi if others_hi != math.inf else -math.inf
                hi = t_hi - others_lo if t_hi != math.inf else math.inf
                new[part] = (max(bounds[part][0], lo), min(bounds[part][1], hi))
            for key, (lo, hi) in new.items():
                if lo > hi:
                    return None
                if (lo, hi) != bounds[key]:
                    bounds[key], changed = (lo, hi), True
        if not changed:
            break
    return bounds


def exposure(groups: list[Group], states: dict[Key, str], values: dict[Key, int], threshold: int,
             probe: bool = False) -> dict[Key, int]:
    """The hidden cells whose count a reader of the shown ones can work out exactly, with that count.
    `values` is read only for the shown cells. With `probe`, each hidden cell's every possible value
    is tried in turn and kept only if the sums still hold (slower; the tests' attacker)."""
    known = {key: ((values[key],) * 2 if state == SHOWN else bounds_known(state, threshold))
             for key, state in states.items()}
    bounds = tighten(groups, known)
    if bounds is None:
        return {}
    found = {}
    for key, state in states.items():
        if state == SHOWN:
            continue
        lo, hi = bounds[key]
        if lo == hi:
            found[key] = int(lo)
        elif probe and hi != math.inf and hi - lo <= 50:
            possible = [v for v in range(int(lo), int(hi) + 1) if tighten(groups, {**bounds, key: (v, v)}) is not None]
            if len(possible) == 1:
                found[key] = possible[0]
    return found


def suppress(*, values: dict[Key, int], groups: list[Group], threshold: int, states: dict[Key, str],
             free: Iterable[Key], hidden: Iterable[Key] = ()) -> dict[Key, str]:
    """Each cell's state: SHOWN, SMALL or SECONDARY. `states` holds cells already decided (published
    earlier, or UNPUBLISHED: not public at all); only `free` cells, the release being made, are decided
    here. A small count is protected whether it is hidden in this release, an earlier one, or belongs
    to a period not published (then it must not be the difference of published figures either).
    `hidden` cells (free ones an earlier version of the same release hid) stay hidden, small or not."""
    states = dict(states)
    free = list(free)
    for key in free:
        states[key] = SMALL if is_small(values[key], threshold) else SHOWN
    for key in hidden:  # hidden before (an earlier version's): hidden still, small or not
        if states.get(key) == SHOWN:
            states[key] = SECONDARY
    membership: dict[Key, list[Group]] = {}
    for group in groups:
        for key in (group[0], *group[1]):
            membership.setdefault(key, []).append(group)
    free_set, stuck = set(free), set()

    def protected(key: Key) -> bool:
        state = states[key]
        return state == SMALL or (state == UNPUBLISHED and is_small(values[key], threshold))

    while True:
        found = exposure(groups, states, values, threshold)
        exposed = [key for key in found if protected(key) and key not in stuck]
        if not exposed:
            return states
        key = exposed[0]
        # The sums holding it first, then those holding any other hidden cell that can be worked out
        # (a hidden total known exactly gives its parts away in another sum).
        near = [cell for group in membership.get(key, []) for cell in (group[0], *group[1])]
        beyond = [cell for other in found for group in membership.get(other, []) for cell in (group[0], *group[1])]
        chosen = _secondary(states, values, free_set, key, near) or _secondary(states, values, free_set, key, beyond)
        if chosen is None:
            stuck.add(key)  # exposed by releases already frozen alone: nothing this release can change
        else:
            states[chosen] = SECONDARY


def _secondary(states, values, free, key, cells) -> Key | None:
    """The cell to hide beside an exposed one: the next-smallest shown count (the least withheld); else
    a small one marked "not shown", so that the markers no longer add up to the answer; else a zero."""
    beside = [cell for cell in cells if cell in free and cell != key]
    for candidates in ([c for c in beside if states[c] == SHOWN and values[c] > 0],
                       [c for c in beside if states[c] == SMALL],
                       [c for c in beside if states[c] == SHOWN]):
        if candidates:
            return min(candidates, key=lambda cell: (values[cell], str(cell)))
    return None
