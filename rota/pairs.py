"""Pure rules of the pair: who may go with whom, and the draw (`secrets`). No database, so the
service and the benchmark call the same functions."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

_random = secrets.SystemRandom()


@dataclass(frozen=True)
class Candidate:
    id: int
    probationer: bool
    visits: int  # given to them this availability period so far
    # Their partners on the visits given to them just before and just after this one, if any.
    neighbours: frozenset[int] = frozenset()


def weight(candidate: Candidate) -> float:
    """Fewer visits this period, more likely: each visit given lowers the next chance."""
    return 1.0 / (1 + candidate.visits)


def may_pair(a: Candidate, b: Candidate) -> bool:
    """Two different visitors, at most one on probation (who then goes with an experienced one)."""
    return a.id != b.id and not (a.probationer and b.probationer)


def repeats(a: Candidate, b: Candidate) -> bool:
    """They went together on the visit either has before this one (or after it, when that was given first)."""
    return b.id in a.neighbours or a.id in b.neighbours


def pair_weight(a: Candidate, b: Candidate, *, repeat_pair_weight: float) -> float:
    return weight(a) * weight(b) * (repeat_pair_weight if repeats(a, b) else 1.0)


def draw_pair(candidates: Sequence[Candidate], *, repeat_pair_weight: float,
              keep: Candidate | None = None) -> tuple[Candidate, Candidate] | None:
    """A pair drawn among the candidates (with `keep` in it, when one of the pair stays), or None
    when no two may go together. Last time's pair is drawn only when no other pair can go, or with
    `repeat_pair_weight` of another's chance."""
    if keep is not None:
        pairs = [(keep, other) for other in candidates if may_pair(keep, other)]
    else:
        pairs = [(a, b) for i, a in enumerate(candidates) for b in candidates[i + 1:] if may_pair(a, b)]
    if not pairs:
        return None
    weights = [pair_weight(a, b, repeat_pair_weight=repeat_pair_weight) for a, b in pairs]
    if not any(weights):
        weights = [1.0] * len(pairs)  # only last time's pairs can go: better than no visit
    return _random.choices(pairs, weights=weights)[0]
