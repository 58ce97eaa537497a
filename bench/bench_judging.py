"""Benchmarks for the pure judging modules: assignment at scale, aggregation and reliability.

Run: `.venv/bin/python -m bench.bench_judging`. Prints wall time and peak memory of each step;
the figures go into bench/README.md by hand, with the machine and the date."""

from __future__ import annotations

import random
import resource
import time

from judging.rules import aggregation, reliability
from judging.rules.solver import JudgeSlot, assign


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_assignment(n_entries=20_000, n_judges=500, k=3, conflict_share=0.01, seed=1) -> None:
    rng = random.Random(seed)
    judges = [JudgeSlot(j, 0, 150) for j in range(n_judges)]
    conflicts = (
        {(e, j) for e in range(n_entries) for j in range(n_judges) if rng.random() < conflict_share}
        if n_entries * n_judges <= 200_000
        else {
            (rng.randrange(n_entries), rng.randrange(n_judges))
            for _ in range(int(n_entries * n_judges * conflict_share))
        }
    )
    start = time.perf_counter()
    result = assign(list(range(n_entries)), judges, k, conflicts, seed=seed)
    elapsed = time.perf_counter() - start
    loads = [0] * n_judges
    for js in result.values():
        for j in js:
            loads[j] += 1
    assert all(len(set(js)) == k for js in result.values())
    assert not any((e, j) in conflicts for e, js in result.items() for j in js)
    print(
        f"assignment {n_entries} entries × {n_judges} judges, k={k}, "
        f"{len(conflicts)} conflicts: {elapsed:.2f} s, peak RSS {peak_mb():.0f} MB, "
        f"loads {min(loads)}–{max(loads)}"
    )


def bench_aggregation(n_entries=20_000, n_judges=500, k=3, seed=2) -> None:
    rng = random.Random(seed)
    scores = []
    for e in range(n_entries):
        quality = rng.uniform(50, 95)
        for j in rng.sample(range(n_judges), k):
            scores.append((e, j, round(quality + rng.gauss(0, 6), 2)))
    start = time.perf_counter()
    by_entry: dict[int, list[float]] = {}
    for e, _j, t in scores:
        by_entry.setdefault(e, []).append(t)
    decisions = {e: aggregation.decide(v) for e, v in by_entry.items()}
    calibrated = aggregation.calibrate(scores)
    ranked = [
        aggregation.Ranked(e, d.score if d.score is not None else 0.0) for e, d in decisions.items()
    ]
    aggregation.allocate(
        ranked,
        [
            aggregation.Level(1, 1, 80),
            aggregation.Level(2, 2, 75),
            aggregation.Level(3, 3, 70),
            aggregation.Level(4, 10, 60),
        ],
    )
    middle = time.perf_counter()
    figures = reliability.reliability(scores)
    end = time.perf_counter()
    print(
        f"aggregation of {len(scores)} scores (rule, calibration, prizes): "
        f"{middle - start:.2f} s; reliability (α, ICC, severity, pairs): {end - middle:.2f} s; "
        f"total {end - start:.2f} s; α={figures.alpha:.3f}; {len(calibrated)} calibrated"
    )


if __name__ == "__main__":
    bench_aggregation()
    bench_assignment()
