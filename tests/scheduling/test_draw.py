"""The plan's draw (scheduling.draw), on generated histories."""

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduling.draw import DrawCell, cell_probabilities, draw_cells, draw_inputs, horizon_bounds, periods_left

settings = st.fixed_dictionaries({
    "periods_left": st.integers(min_value=1, max_value=60),
    "gap_strength": st.floats(min_value=0, max_value=20),
    "handover_weight": st.floats(min_value=0.01, max_value=1),
})


@st.composite
def histories(draw):
    """A grid of 1-35 cells, each with a visit count, days since its last visit and a handover flag."""
    size = draw(st.integers(min_value=1, max_value=35))
    cells = []
    for _ in range(size):
        visits = draw(st.integers(min_value=0, max_value=8))
        days = None if visits == 0 else draw(st.integers(min_value=0, max_value=400))
        cells.append(DrawCell(visits=visits, days_since_visit=days, handover=draw(st.booleans())))
    return cells


@given(histories(), settings)
def test_the_probabilities_sum_to_one_for_any_history(cells, options):
    assert sum(cell_probabilities(cells, **options)) == pytest.approx(1.0)


@given(histories(), settings)
def test_every_cell_has_a_chance(cells, options):
    assert all(p > 0 for p in cell_probabilities(cells, **options))


@given(histories(), settings, st.data())
def test_a_cell_with_fewer_visits_never_has_a_lower_chance_all_else_equal(cells, options, data):
    index = data.draw(st.integers(min_value=0, max_value=len(cells) - 1))
    fewer, more = cells[index], replace(cells[index], visits=cells[index].visits + data.draw(st.integers(1, 5)))
    if fewer.visits == 0:
        more = replace(more, days_since_visit=data.draw(st.integers(min_value=0, max_value=400)))
    # Two cells alike but for their visits, in the same history and the same distribution.
    chances = cell_probabilities([*cells, fewer, more], **options)
    assert chances[-2] >= chances[-1] - 1e-12


def test_early_in_the_year_every_gap_is_as_likely_as_any_other_and_nothing_is_likely():
    cells = [DrawCell(visits=0, days_since_visit=None, handover=i % 5 in (0, 3)) for i in range(35)]
    probabilities = cell_probabilities(cells, periods_left=52, gap_strength=3, handover_weight=0.5)
    assert max(probabilities) == pytest.approx(min(probabilities)) == pytest.approx(1 / 35)


def test_the_last_gap_gains_weight_as_the_weeks_run_out_but_is_not_certain_early():
    cells = [DrawCell(visits=0, days_since_visit=None)] + [DrawCell(visits=1, days_since_visit=30)] * 34
    chances = [cell_probabilities(cells, periods_left=left, gap_strength=3, handover_weight=0.5)[0]
               for left in (30, 10, 4, 2)]
    assert chances == sorted(chances)
    assert chances[0] == pytest.approx(0.1, abs=0.003)   # 3 / 30: the gap is spread over the weeks left
    assert chances[-1] > 0.97  # two weeks left, one gap: it is all but certain


def test_a_visited_handover_cell_is_less_likely_than_one_without_a_handover():
    cells = ([DrawCell(visits=0, days_since_visit=None)] + [DrawCell(visits=1, days_since_visit=20)] * 10
             + [DrawCell(visits=1, days_since_visit=20, handover=True)])
    chances = cell_probabilities(cells, periods_left=5, gap_strength=3, handover_weight=0.5)
    plain, handover, even = chances[1], chances[-1], 0.02 / len(cells)
    assert handover - even == pytest.approx((plain - even) / 2)


def test_a_visit_still_to_come_counts_as_made():
    [cell] = draw_inputs(visits=[0], last_visits=[None], handover=[False], pending=[date(2024, 6, 6)],
                         plan_from=date(2024, 6, 10))
    assert (cell.visits, cell.days_since_visit) == (1, 4)


def test_the_draw_follows_the_probabilities_and_never_repeats_a_cell():
    drawn = Counter(draw_cells([0.7, 0.2, 0.1], count=1)[0] for _ in range(3000))
    assert 0.64 < drawn[0] / 3000 < 0.76 and drawn[2] > 0
    assert sorted(draw_cells([0.7, 0.2, 0.1], count=5)) == [0, 1, 2]


@pytest.mark.parametrize(("day", "months", "bounds"), [
    (date(2024, 6, 10), 12, (date(2024, 4, 1), date(2025, 3, 31))),
    (date(2025, 2, 3), 12, (date(2024, 4, 1), date(2025, 3, 31))),
    (date(2025, 2, 3), 3, (date(2025, 1, 1), date(2025, 3, 31))),
    (date(2024, 12, 31), 6, (date(2024, 10, 1), date(2025, 3, 31))),
])
def test_the_horizon_is_counted_from_1_april(day, months, bounds):
    assert horizon_bounds(day, months=months) == bounds


def test_the_periods_left_count_the_one_being_planned():
    assert periods_left(plan_from=date(2024, 4, 1), horizon_end=date(2025, 3, 31), monthly=False) == 53
    assert periods_left(plan_from=date(2025, 3, 24), horizon_end=date(2025, 3, 31), monthly=False) == 2
    assert periods_left(plan_from=date(2025, 3, 1), horizon_end=date(2025, 3, 31), monthly=True) == 1
    assert periods_left(plan_from=date(2024, 7, 1), horizon_end=date(2025, 3, 31), monthly=True) == 9
