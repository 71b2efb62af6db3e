"""The recommender's ranking rules, on generated grids."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from scheduling.ranking import CellStat, rank_cells

START = datetime(2024, 4, 1, tzinfo=UTC)


@st.composite
def grids(draw):
    """A grid of 1-35 cells, each with a visit count and (when visited) a last visit time."""
    size = draw(st.integers(min_value=1, max_value=35))
    counts = draw(st.lists(st.integers(min_value=0, max_value=6), min_size=size, max_size=size))
    # Few distinct hours, so equal counts often share a last visit and the random draw matters.
    hours = draw(st.lists(st.integers(min_value=0, max_value=4), min_size=size, max_size=size))
    handovers = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    return [
        CellStat(day=i // 5, band=i % 5, visits=n, last_visit_at=START + timedelta(hours=h) if n else None,
                 handover=handover)
        for i, (n, h, handover) in enumerate(zip(counts, hours, handovers))
    ]


def pairs(ranked):
    return ((ranked[i], ranked[j]) for i in range(len(ranked)) for j in range(i + 1, len(ranked)))


@given(grids())
def test_it_ranks_every_cell_once(stats):
    ranked = rank_cells(stats)
    assert sorted(ranked, key=lambda c: (c.day, c.band)) == sorted(stats, key=lambda c: (c.day, c.band))


@given(grids())
def test_it_never_ranks_a_visited_cell_ahead_of_an_unvisited_one(stats):
    ranked = rank_cells(stats)
    for ahead, behind in pairs(ranked):
        assert not (ahead.visits > 0 and behind.visits == 0)


@given(grids())
def test_it_ranks_fewer_visits_first(stats):
    for ahead, behind in pairs(rank_cells(stats)):
        assert ahead.visits <= behind.visits


@given(grids())
def test_it_ranks_the_least_recently_visited_first_among_equal_counts(stats):
    for ahead, behind in pairs(rank_cells(stats)):
        if ahead.visits == behind.visits and ahead.visits:
            assert ahead.last_visit_at <= behind.last_visit_at
