"""Inter-judge reliability on plain data: Krippendorff's α (interval), ICC(1,1), ICC(1,k),
judge severity and the share of pairs within a gap. Suits "different judges per entry"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Reliability:
    alpha: float | None
    icc1: float | None
    icck: float | None
    severity: dict[int, float]
    within_share: float | None
    pairs: int


def _by_entry(scores: Sequence[tuple[int, int, float]]) -> dict[int, list[float]]:
    units: dict[int, list[float]] = defaultdict(list)
    for entry, _judge, value in scores:
        units[entry].append(value)
    return units


def krippendorff_alpha_interval(
    scores: Sequence[tuple[int, int, float]], _units: dict[int, list[float]] | None = None
) -> float | None:
    """α = 1 − D_o / D_e with the squared-difference metric, over entries with ≥ 2 scores."""
    units = [v for v in (_units or _by_entry(scores)).values() if len(v) >= 2]
    n = sum(len(v) for v in units)
    if n < 2:
        return None
    observed = 0.0
    for values in units:
        m, s, s2 = len(values), sum(values), sum(x * x for x in values)
        observed += 2 * (m * s2 - s * s) / (m - 1)
    observed /= n
    everything = [x for v in units for x in v]
    s, s2 = sum(everything), sum(x * x for x in everything)
    expected = 2 * (n * s2 - s * s) / (n * (n - 1))
    if expected == 0:
        return None
    return 1 - observed / expected


def icc_oneway(
    scores: Sequence[tuple[int, int, float]], _units: dict[int, list[float]] | None = None
) -> tuple[float | None, float | None]:
    """ICC(1,1) and ICC(1,k) from a one-way random-effects ANOVA; unequal group sizes use k₀."""
    units = list((_units or _by_entry(scores)).values())
    n_groups = len(units)
    total_n = sum(len(v) for v in units)
    if n_groups < 2 or total_n <= n_groups:
        return None, None
    grand = sum(sum(v) for v in units) / total_n
    means = [sum(v) / len(v) for v in units]
    ss_between = sum(len(v) * (m - grand) ** 2 for v, m in zip(units, means, strict=True))
    ss_within = sum(sum((x - m) ** 2 for x in v) for v, m in zip(units, means, strict=True))
    ms_between = ss_between / (n_groups - 1)
    ms_within = ss_within / (total_n - n_groups)
    k0 = (total_n - sum(len(v) ** 2 for v in units) / total_n) / (n_groups - 1)
    denominator = ms_between + (k0 - 1) * ms_within
    icc1 = (ms_between - ms_within) / denominator if denominator else None
    icck = (ms_between - ms_within) / ms_between if ms_between else None
    return icc1, icck


def severity(
    scores: Sequence[tuple[int, int, float]], _units: dict[int, list[float]] | None = None
) -> dict[int, float]:
    """Each judge's mean offset from the entry means of the entries they scored (− = strict)."""
    entry_mean = {e: sum(v) / len(v) for e, v in (_units or _by_entry(scores)).items()}
    offsets: dict[int, list[float]] = defaultdict(list)
    for entry, judge, value in scores:
        offsets[judge].append(value - entry_mean[entry])
    return {j: round(sum(v) / len(v), 2) for j, v in offsets.items()}


def within_share(
    scores: Sequence[tuple[int, int, float]],
    gap: float,
    _units: dict[int, list[float]] | None = None,
) -> tuple[float | None, int]:
    """The share of judge pairs on the same entry whose totals differ by at most `gap`."""
    within = pairs = 0
    for values in (_units or _by_entry(scores)).values():
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                pairs += 1
                within += abs(values[i] - values[j]) <= gap + 1e-9
    return (within / pairs if pairs else None), pairs


def reliability(scores: Sequence[tuple[int, int, float]], gap: float = 10.0) -> Reliability:
    units = _by_entry(scores)  # grouped once for all four figures
    icc1, icck = icc_oneway(scores, units)
    share, pairs = within_share(scores, gap, units)
    return Reliability(
        krippendorff_alpha_interval(scores, units),
        icc1,
        icck,
        severity(scores, units),
        share,
        pairs,
    )
