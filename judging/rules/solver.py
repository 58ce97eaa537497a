"""Judge assignment as a min-cost flow (OR-Tools SimpleMinCostFlow), on plain data.

source → entry (capacity: judges still needed) → judge (capacity 1, no arc for a conflict)
→ sink through unit arcs of rising cost, so loads come out balanced; a judge's minimum load is
a demand on its node. Costs carry a small seeded jitter so that the result is reproducible
from the seed and not biased by input order."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ortools.graph.python import min_cost_flow

BALANCE_COST = 1000  # per unit of load: dominates the jitter (0..99)
FULL_GRAPH_LIMIT = 2_000_000  # entry × judge arcs; above it each entry gets a candidate sample


class Infeasible(ValueError):
    """No assignment meets the constraints. `reason` says which one (a code) and `params`
    fill its explanation; the services put it in words (judging/services/assigning.py)."""

    REASONS = (
        "panel_too_small",
        "over_capacity",
        "under_minimum",
        "entry_conflicts",
        "entry_overfull",
        "judge_overloaded",
        "no_solution",
    )

    def __init__(self, reason: str, **params: int) -> None:
        assert reason in self.REASONS, reason
        self.reason, self.params = reason, params
        super().__init__(f"{reason} {params}")


@dataclass(frozen=True)
class JudgeSlot:
    judge_id: int
    min_load: int
    max_load: int


def check_feasible(need: int, k: int, judges: list[JudgeSlot], eligible: Mapping[int, int]) -> None:
    """Σmin ≤ lượt chấm cần ≤ Σmax, k ≤ number of judges, every entry has k eligible judges.

    `need` is the number of (entry, judge) pairs still to make; `eligible` maps an entry to
    how many judges could take it, counting the ones it already has."""
    low = sum(j.min_load for j in judges)
    high = sum(j.max_load for j in judges)
    if k > len(judges):
        raise Infeasible("panel_too_small", k=k, judges=len(judges))
    if need > high:
        raise Infeasible("over_capacity", need=need, k=k, high=high)
    if need < low:
        raise Infeasible("under_minimum", need=need, k=k, low=low)
    for entry_id, count in eligible.items():
        if count < k:
            raise Infeasible("entry_conflicts", entry=entry_id, eligible=count, k=k)


def assign(
    entry_ids: list[int],
    judges: list[JudgeSlot],
    k: int,
    conflicts: Iterable[tuple[int, int]] = (),
    existing: Mapping[int, Iterable[int]] | None = None,
    seed: int = 0,
    candidates_per_entry: int | None = None,
) -> dict[int, list[int]]:
    """New judges for each entry, so that every entry has k distinct judges in all.

    `conflicts` are (entry, judge) pairs never to join; `existing` are judges an entry already
    has (their scores are kept), which count against k and against the judges' loads.
    Returns entry → list of newly assigned judge ids."""
    rng = random.Random(seed)
    existing = {e: set(js) for e, js in (existing or {}).items()}
    blocked = set(conflicts)
    load_now = {j.judge_id: 0 for j in judges}
    for judged in existing.values():
        for judge_id in judged:
            if judge_id in load_now:
                load_now[judge_id] += 1
    need = {e: k - len(existing.get(e, ())) for e in entry_ids}
    if any(n < 0 for n in need.values()):
        raise Infeasible("entry_overfull")
    slots = [
        JudgeSlot(
            j.judge_id, max(0, j.min_load - load_now[j.judge_id]), j.max_load - load_now[j.judge_id]
        )
        for j in judges
    ]
    if any(s.max_load < 0 for s in slots):
        raise Infeasible("judge_overloaded")
    judge_ids = [s.judge_id for s in slots]
    eligible = {
        e: len(existing.get(e, ()))
        + sum(1 for j in judge_ids if (e, j) not in blocked and j not in existing.get(e, ()))
        for e in entry_ids
        if need[e] > 0
    }
    total_need = sum(need.values())
    check_feasible(total_need, k, slots, eligible)
    if total_need == 0:
        return {e: [] for e in entry_ids}
    sample = candidates_per_entry
    if sample is None and len(entry_ids) * len(judge_ids) > FULL_GRAPH_LIMIT:
        sample = max(12 * k, 40)
    result = _solve(entry_ids, slots, need, blocked, existing, rng, sample)
    if result is None and sample is not None:
        result = _solve(entry_ids, slots, need, blocked, existing, rng, None)
    if result is None:
        raise Infeasible("no_solution")
    return result


def _solve(entry_ids, slots, need, blocked, existing, rng, sample) -> dict[int, list[int]] | None:
    """One min-cost-flow solve; None when no flow meets every demand."""
    n_entries = len(entry_ids)
    source, sink = 0, 1
    entry_node = {e: 2 + i for i, e in enumerate(entry_ids)}
    judge_node = {s.judge_id: 2 + n_entries + i for i, s in enumerate(slots)}
    judge_ids = list(judge_node)
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []
    pairs: list[tuple[int, int, int]] = []  # (arc index, entry, judge)

    def arc(tail: int, head: int, cap: int, cost: int) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(cap)
        costs.append(cost)

    for e in entry_ids:
        if need[e] <= 0:
            continue
        arc(source, entry_node[e], need[e], 0)
        pool = judge_ids
        if sample is not None and sample < len(judge_ids):
            pool = rng.sample(judge_ids, sample)
        for j in pool:
            if (e, j) in blocked or j in existing.get(e, ()):
                continue
            pairs.append((len(tails), e, j))
            arc(entry_node[e], judge_node[j], 1, rng.randrange(100))
    for s in slots:
        # Load above the minimum goes through unit arcs of rising cost: balanced loads.
        for unit in range(s.max_load - s.min_load):
            arc(judge_node[s.judge_id], sink, 1, BALANCE_COST * (s.min_load + unit))
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    total_need = sum(n for n in need.values() if n > 0)
    flow.set_node_supply(source, total_need)
    flow.set_node_supply(sink, -(total_need - sum(s.min_load for s in slots)))
    for s in slots:
        flow.set_node_supply(judge_node[s.judge_id], -s.min_load)
    if flow.solve() != flow.OPTIMAL:
        return None
    result: dict[int, list[int]] = {e: [] for e in entry_ids}
    for index, e, j in pairs:
        if flow.flow(index) > 0:
            result[e].append(j)
    return result
