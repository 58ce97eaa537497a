"""Reliability figures against a small example worked by hand."""

from __future__ import annotations

import pytest

from judging.rules.reliability import icc_oneway, krippendorff_alpha_interval, reliability, severity

# Three entries, two judges each:  A: 8, 6   B: 5, 5   C: 2, 4
SCORES = [(1, 10, 8), (1, 11, 6), (2, 10, 5), (2, 12, 5), (3, 11, 2), (3, 12, 4)]


def test_krippendorff_alpha_by_hand():
    # Within-entry squared differences: (8-6)²·2 + 0 + (2-4)²·2 = 16, over n=6 → D_o = 16/6.
    # All 6 values (8,6,5,5,2,4): Σ over ordered pairs of (vi-vj)² = 2(6·170 - 30²) = 240,
    # D_e = 240 / (6·5) = 8.  α = 1 − (16/6)/8 = 2/3.
    assert krippendorff_alpha_interval(SCORES) == pytest.approx(2 / 3)


def test_icc_by_hand():
    # Group means 7, 5, 3; grand mean 5. SSB = 2·(4+0+4) = 16, MSB = 8.
    # SSW = (1+1) + 0 + (1+1) = 4, MSW = 4/3.  ICC(1,1) = (8 − 4/3)/(8 + 4/3) = 5/7.
    # ICC(1,k) = (8 − 4/3)/8 = 5/6.
    icc1, icck = icc_oneway(SCORES)
    assert icc1 == pytest.approx(5 / 7) and icck == pytest.approx(5 / 6)


def test_severity_and_share_within_a_gap():
    # Judge 10: A +1, B 0 → +0.5; judge 11: A −1, C −1 → −1; judge 12: B 0, C +1 → +0.5.
    assert severity(SCORES) == {10: 0.5, 11: -1.0, 12: 0.5}
    figures = reliability(SCORES, gap=1.5)
    assert figures.within_share == pytest.approx(1 / 3) and figures.pairs == 3


def test_perfect_agreement_gives_alpha_one():
    scores = [(e, j, float(e)) for e in range(5) for j in range(2)]
    assert krippendorff_alpha_interval(scores) == pytest.approx(1.0)
