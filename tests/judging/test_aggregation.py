"""The discrepancy rule, calibration, prizes and ties (with hypothesis where it helps)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from judging.rules.aggregation import (
    DiscrepancyRule,
    Level,
    Ranked,
    advance,
    allocate,
    calibrate,
    decide,
    judge_total,
)


@pytest.mark.parametrize(
    "totals, state, score, rule",
    [
        ([80, 90], "agreed", 85.0, "two_agree"),  # gap 10: mean
        ([80, 90.5], "needs_head", 85.25, "two_head"),  # gap 10.5: head judge
        ([80, 95], "needs_head", 87.5, "two_head"),  # gap 15: head judge
        ([80, 95.5], "needs_third", None, "two_third"),  # gap 15.5: third judge
        ([70, 90, 90], "agreed", 90.0, "three_equal"),  # two equal: that score
        ([70, 80, 95], "agreed", 81.67, "three_mean"),  # widest 25: mean of three
        ([70, 80, 95.5], "needs_head", 81.83, "three_head"),  # widest 25.5: head judge
    ],
)
def test_discrepancy_rule_on_100_points(totals, state, score, rule):
    decision = decide(totals)
    assert (decision.state, decision.score, decision.rule) == (state, score, rule)


@given(st.floats(0, 100, allow_nan=False), st.floats(0, 100, allow_nan=False))
def test_two_scores_never_agree_beyond_the_agree_gap(a, b):
    decision = decide([a, b])
    gap = round(abs(a - b), 2)  # the rule reads totals to the hundredth, as they are shown
    if decision.state == "agreed":
        assert gap <= 10 + 1e-9 and decision.score == round((a + b) / 2, 2)
    elif decision.state == "needs_head":
        assert 10 < gap <= 15 + 1e-9
    else:
        assert gap > 15 and decision.score is None


def test_rule_is_configurable():
    assert decide([50, 60], DiscrepancyRule(agree_gap=5, head_gap=8)).state == "needs_third"


def test_judge_total_is_the_weighted_sum():
    assert judge_total([27.5, 25, 18, 15.5], [1, 1, 1, 1]) == 86.0
    assert judge_total([8, 6], [2, 1]) == 22.0


def test_calibration_removes_a_judges_severity():
    # Judge 2 is 10 points harsher on the same entries: after calibration they agree.
    scores = [(e, 1, 70 + e * 5) for e in range(4)] + [(e, 2, 60 + e * 5) for e in range(4)]
    cal = calibrate(scores)
    for e in range(4):
        assert cal[(e, 1)] == pytest.approx(cal[(e, 2)])


LADDER = [Level(1, 1, 80), Level(2, 2, 75), Level(3, 3, 70), Level(4, 10, 60)]


def test_prizes_follow_the_ladder_and_empty_prizes_do_not_pass_down():
    entries = [Ranked(1, 78), Ranked(2, 77), Ranked(3, 76), Ranked(4, 65)]
    result = allocate(entries, LADDER)
    assert result.prizes == {1: [], 2: [1, 2], 3: [3], 4: [4]}
    assert not result.ties


def test_tie_broken_by_the_heaviest_criterion_first():
    entries = [Ranked(1, 85, (25, 20)), Ranked(2, 85, (27, 15)), Ranked(3, 70)]
    result = allocate(entries, [Level(1, 1, 0), Level(2, 5, 0)])
    assert result.prizes[1] == [2] and result.ranks == {2: 1, 1: 2, 3: 3}


def test_unbroken_tie_at_a_boundary_is_reported_not_broken():
    entries = [Ranked(1, 90), Ranked(2, 85, (25,)), Ranked(3, 85, (25,)), Ranked(4, 80)]
    result = allocate(entries, [Level(1, 2, 0), Level(2, 5, 0)])
    assert result.prizes[1] == [1] and result.ties == {1: [2, 3]} and result.tie_seats == {1: 1}
    assert result.ranks[2] == result.ranks[3] == 2
    shared = allocate(entries, [Level(1, 2, 0), Level(2, 5, 0)], {1: ("share", [])})
    assert shared.prizes[1] == [1, 2, 3] and not shared.ties and shared.prizes[2] == [4]
    chosen = allocate(entries, [Level(1, 2, 0), Level(2, 5, 0)], {1: ("choose", [3])})
    assert chosen.prizes[1] == [1, 3] and chosen.prizes[2] == [2, 4]


@given(st.lists(st.integers(50, 100), min_size=1, max_size=40))
def test_allocation_respects_quotas_and_minimums_without_silent_ties(scores):
    entries = [Ranked(i, s) for i, s in enumerate(scores)]
    result = allocate(entries, LADDER)
    given_out = [e for ids in result.prizes.values() for e in ids]
    assert len(given_out) == len(set(given_out))
    for level in LADDER:
        assert len(result.prizes[level.level_id]) <= level.quota
        assert all(scores[e] >= level.min_score for e in result.prizes[level.level_id])
    # Nobody below a winner of the same level was skipped, and equal scores were treated alike.
    for level_id, ids in result.prizes.items():
        for e in ids:
            for other, s in enumerate(scores):
                if s == scores[e] and other not in given_out:
                    assert level_id in result.ties or any(other in t for t in result.ties.values())


def test_advance_keeps_ties_at_the_cut():
    entries = [Ranked(1, 90), Ranked(2, 80), Ranked(3, 80), Ranked(4, 70)]
    assert advance(entries, 2, None) == [1, 2, 3]
    assert advance(entries, None, 80) == [1, 2, 3]
    assert advance(entries, 1, 75) == [1]
