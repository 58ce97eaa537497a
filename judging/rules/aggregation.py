"""Scores to results, on plain data: totals, the discrepancy rule, calibration, prizes, ties.

Nothing here touches the database: these functions are what the property tests and the
benchmarks hit."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise


def judge_total(points: Sequence[float], weights: Sequence[float]) -> float:
    """A judge's total: the weighted sum of the criteria."""
    return round(sum(p * w for p, w in zip(points, weights, strict=True)), 2)


def on_step(value: float, step: float) -> bool:
    return math.isclose(value / step, round(value / step), abs_tol=1e-9)


@dataclass(frozen=True)
class DiscrepancyRule:
    """Defaults on a 100-point total: ≤10 mean; ≤15 head judge; >15 third judge;
    with three: two equal → that score; widest gap ≤25 → mean of three; else head judge."""

    agree_gap: float = 10.0
    head_gap: float = 15.0
    three_mean_gap: float = 25.0


@dataclass(frozen=True)
class Decision:
    """What the rule says: the result's state, the official score if any, and which branch of
    the rule applied (`rule`, a code) with the numbers that explain it (`params`)."""

    state: str  # agreed | needs_head | needs_third
    score: float | None
    rule: str  # two_agree | two_head | two_third | three_equal | three_mean | three_head
    params: dict[str, float] = field(default_factory=dict)


def mean2(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 2)


def decide(totals: Sequence[float], rule: DiscrepancyRule = DiscrepancyRule()) -> Decision:
    """Apply the discrepancy rule to the submitted totals of one entry (two or three)."""
    if len(totals) < 2:
        raise ValueError("at least two totals are needed")
    if len(totals) == 2:
        gap = round(abs(totals[0] - totals[1]), 2)
        if gap <= rule.agree_gap:
            return Decision(
                "agreed", mean2(totals), "two_agree", {"gap": gap, "agree": rule.agree_gap}
            )
        if gap <= rule.head_gap:
            return Decision(
                "needs_head",
                mean2(totals),
                "two_head",
                {"gap": gap, "agree": rule.agree_gap, "head": rule.head_gap},
            )
        return Decision("needs_third", None, "two_third", {"gap": gap, "head": rule.head_gap})
    ordered = sorted(totals)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if math.isclose(a, b, abs_tol=1e-9):
            return Decision("agreed", round(a, 2), "three_equal", {"score": a})
    widest = round(ordered[-1] - ordered[0], 2)
    params = {"gap": widest, "three": rule.three_mean_gap}
    if widest <= rule.three_mean_gap:
        return Decision("agreed", mean2(totals), "three_mean", params)
    return Decision("needs_head", mean2(totals), "three_head", params)


def calibrate(scores: Sequence[tuple[int, int, float]]) -> dict[tuple[int, int], float]:
    """Per-judge z-scores rescaled to the raw scale: (entry, judge, total) → calibrated total.

    Advisory only. A judge with fewer than two scores, or no spread, keeps an offset-only
    correction (their mean moved to the overall mean)."""
    if not scores:
        return {}
    values = [t for _, _, t in scores]
    grand_mean = sum(values) / len(values)
    grand_sd = _sd(values)
    by_judge: dict[int, list[float]] = defaultdict(list)
    for _, judge, total in scores:
        by_judge[judge].append(total)
    stats = {j: (sum(v) / len(v), _sd(v)) for j, v in by_judge.items()}
    calibrated = {}
    for entry, judge, total in scores:
        mean, sd = stats[judge]
        if sd > 0 and grand_sd > 0 and len(by_judge[judge]) > 1:
            calibrated[(entry, judge)] = grand_mean + grand_sd * (total - mean) / sd
        else:
            calibrated[(entry, judge)] = total - mean + grand_mean
    return calibrated


def _sd(values: Sequence[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


@dataclass(frozen=True)
class Ranked:
    """One entry's place: score, then the tie-break keys (criteria by weight, heaviest first)."""

    entry_id: int
    score: float
    tiebreak: tuple[float, ...] = ()

    @cached_property
    def key(self) -> tuple[float, ...]:
        return (round(self.score, 2), *(round(t, 2) for t in self.tiebreak))


@dataclass(frozen=True)
class Level:
    level_id: int
    quota: int
    min_score: float


@dataclass
class Allocation:
    """Prizes by level; ranks (equal keys share a rank); unbroken ties at boundaries."""

    prizes: dict[int, list[int]] = field(default_factory=dict)
    ranks: dict[int, int] = field(default_factory=dict)
    ties: dict[int, list[int]] = field(default_factory=dict)  # level → tied entries
    tie_seats: dict[int, int] = field(default_factory=dict)  # level → seats left for the tie


def rank(entries: Sequence[Ranked]) -> list[Ranked]:
    return sorted(entries, key=lambda r: (tuple(-x for x in r.key), r.entry_id))


@dataclass(frozen=True)
class BrokenTie:
    """Two neighbours in the ranking with the same score, set apart by a tie-break key."""

    above: int
    below: int
    score: float
    key_index: int  # which tie-break key decided: 0 is the heaviest criterion
    above_value: float
    below_value: float


def broken_ties(entries: Sequence[Ranked]) -> list[BrokenTie]:
    """Every pair of neighbours in the ranking whose scores are equal and whose tie-break keys
    are not: which key put one above the other, with both values. Pairs equal on every key
    share a rank and are not listed (a prize boundary between them is a tie to decide)."""
    ordered = rank(entries)
    parted = []
    for above, below in pairwise(ordered):
        if above.key[0] != below.key[0] or above.key == below.key:
            continue
        index = next(i for i in range(1, len(above.key)) if above.key[i] != below.key[i])
        parted.append(
            BrokenTie(
                above.entry_id,
                below.entry_id,
                above.key[0],
                index - 1,
                above.key[index],
                below.key[index],
            )
        )
    return parted


def allocate(
    entries: Sequence[Ranked],
    levels: Sequence[Level],
    decisions: Mapping[int, tuple[str, Sequence[int]]] | None = None,
) -> Allocation:
    """Give prizes top-down within quotas and minimum scores, never breaking a tie silently.

    A prize nobody reaches stays empty and its seats do not pass down. When a group of equal
    keys straddles a level's last seats, the group is reported in `ties` unless `decisions`
    holds the organiser's choice for that level: ("share", []) gives the prize to the whole
    group; ("choose", ids) gives it to the chosen ones and the rest continue below."""
    decisions = decisions or {}
    ordered = rank(entries)
    keys = {r.entry_id: r.key for r in ordered}
    allocation = Allocation()
    previous_key, current_rank = None, 0
    for position, item in enumerate(ordered, start=1):
        if keys[item.entry_id] != previous_key:
            current_rank, previous_key = position, keys[item.entry_id]
        allocation.ranks[item.entry_id] = current_rank
    remaining = list(ordered)
    for level in levels:
        seats = level.quota
        candidates = [r for r in remaining if r.score >= level.min_score - 1e-9]
        taken: list[int] = []
        index = 0
        while seats > 0 and index < len(candidates):
            end = index
            while (
                end < len(candidates)
                and keys[candidates[end].entry_id] == keys[candidates[index].entry_id]
            ):
                end += 1
            ids = [r.entry_id for r in candidates[index:end]]
            if len(ids) <= seats:
                taken.extend(ids)
                seats -= len(ids)
                index = end
                continue
            decision = decisions.get(level.level_id)
            if decision is None:
                allocation.ties[level.level_id] = ids
                allocation.tie_seats[level.level_id] = seats
            elif decision[0] == "share":
                taken.extend(ids)
            else:
                taken.extend(i for i in decision[1] if i in ids)
            break
        allocation.prizes[level.level_id] = taken
        given = set(taken)
        remaining = [r for r in remaining if r.entry_id not in given]
    return allocation


def advance(entries: Sequence[Ranked], top_n: int | None, min_score: float | None) -> list[int]:
    """Who goes on to the next stage: the top N (ties at the cut all go on) or those above a
    score, or both conditions together."""
    ordered = rank(entries)
    chosen = [r for r in ordered if min_score is None or r.score >= min_score - 1e-9]
    if top_n is not None and len(chosen) > top_n:
        cut = chosen[top_n - 1].key
        chosen = [r for r in chosen[:top_n]] + [r for r in chosen[top_n:] if r.key == cut]
    return [r.entry_id for r in chosen]
