"""Assignment properties (hypothesis): k distinct judges, loads within bounds, no conflicts,
infeasibility reported; and reproducibility from the seed."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judging.rules.solver import Infeasible, JudgeSlot, assign


@st.composite
def planted(draw):
    """An instance built around a valid assignment, so that a solution is known to exist:
    loads bounds enclose the planted loads and conflicts avoid the planted pairs."""
    n_judges = draw(st.integers(1, 9))
    k = draw(st.integers(1, min(3, n_judges)))
    entries = list(range(draw(st.integers(1, 25))))
    judge_ids = [100 + j for j in range(n_judges)]
    plan = {e: draw(st.permutations(judge_ids))[:k] for e in entries}
    load = Counter(j for js in plan.values() for j in js)
    judges = [
        JudgeSlot(j, max(0, load[j] - draw(st.integers(0, 3))), load[j] + draw(st.integers(0, 3)))
        for j in judge_ids
    ]
    free = [(e, j) for e in entries for j in judge_ids if j not in plan[e]]
    conflicts = set(draw(st.lists(st.sampled_from(free), max_size=len(entries)))) if free else set()
    return entries, judges, k, conflicts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted(), st.integers(0, 5))
def test_assignment_meets_every_constraint_when_a_solution_exists(instance, seed):
    entries, judges, k, conflicts = instance
    result = assign(entries, judges, k, conflicts, seed=seed)
    load = Counter(j for js in result.values() for j in js)
    for e in entries:
        assert len(result[e]) == k and len(set(result[e])) == k
        assert not any((e, j) in conflicts for j in result[e])
    for judge in judges:
        assert judge.min_load <= load[judge.judge_id] <= judge.max_load


@settings(max_examples=100, deadline=None)
@given(planted(), st.sampled_from(["capacity", "minimum", "conflicts", "panel"]))
def test_infeasibility_is_reported_with_a_reason(instance, breakage):
    entries, judges, k, conflicts = instance
    if breakage == "capacity":
        judges = [JudgeSlot(j.judge_id, 0, 0) for j in judges[:-1]] + [
            JudgeSlot(judges[-1].judge_id, 0, len(entries) * k - 1)
        ]
    elif breakage == "minimum":
        judges = [JudgeSlot(j.judge_id, len(entries) * k + 1, len(entries) * k + 1) for j in judges]
    elif breakage == "conflicts":
        conflicts = conflicts | {(entries[0], j.judge_id) for j in judges}
    else:
        k = len(judges) + 1
    with pytest.raises(Infeasible) as caught:
        assign(entries, judges, k, conflicts)
    expected = {
        "capacity": "over_capacity",
        "minimum": "under_minimum",
        "conflicts": "entry_conflicts",
        "panel": "panel_too_small",
    }
    assert caught.value.reason == expected[breakage]


def test_infeasible_when_capacity_is_short():
    with pytest.raises(Infeasible) as caught:
        assign(list(range(10)), [JudgeSlot(1, 0, 5), JudgeSlot(2, 0, 5)], 2)
    assert caught.value.reason == "over_capacity" and caught.value.params["high"] == 10


def test_infeasible_when_minimums_cannot_be_met():
    with pytest.raises(Infeasible) as caught:
        assign([1, 2], [JudgeSlot(1, 3, 5), JudgeSlot(2, 3, 5)], 2)
    assert caught.value.reason == "under_minimum" and caught.value.params["low"] == 6


def test_infeasible_names_the_entry_short_of_judges():
    with pytest.raises(Infeasible) as caught:
        assign([7], [JudgeSlot(1, 0, 5), JudgeSlot(2, 0, 5)], 2, conflicts={(7, 1)})
    assert caught.value.reason == "entry_conflicts" and caught.value.params["entry"] == 7


def test_loads_are_balanced_and_reproducible():
    judges = [JudgeSlot(j, 0, 100) for j in range(6)]
    first = assign(list(range(60)), judges, 2, seed=42)
    assert first == assign(list(range(60)), judges, 2, seed=42)
    assert set(Counter(j for js in first.values() for j in js).values()) == {20}
    assert first != assign(list(range(60)), judges, 2, seed=43)


def test_existing_judges_are_kept_and_counted():
    judges = [JudgeSlot(j, 0, 3) for j in range(4)]
    result = assign([1, 2], judges, 3, existing={1: {0, 1}, 2: {0}})
    assert len(result[1]) == 1 and 0 not in result[1] and 1 not in result[1]
    assert len(result[2]) == 2 and 0 not in result[2]


def test_candidate_sampling_still_meets_constraints():
    judges = [JudgeSlot(j, 0, 30) for j in range(60)]
    result = assign(list(range(400)), judges, 3, seed=1, candidates_per_entry=10)
    load = Counter(j for js in result.values() for j in js)
    assert all(len(set(js)) == 3 for js in result.values()) and max(load.values()) <= 30
