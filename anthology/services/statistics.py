"""The organisers' statistics, as plain data for the page's charts and tables: entries over
time per unit (the last days before the closing date are where the work piles up), the
categories of section III that no essay or profile covers yet (the gap the propaganda plan
must fill), and each judging stage's agreement and its judges' severity."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from anthology.services.summary import SENT, coverage, uncovered
from contest.models import Contest, Entry, Unit
from contest.platform.i18n import local_day
from judging.models import Stage
from judging.rules.reliability import reliability
from judging.services.reports import judge_names, score_triples

TOP_UNITS = 6
LAST_DAYS = 7


@dataclass(frozen=True)
class StageFigures:
    scope: str  # "Cấp tỉnh" or the unit's name
    name: str
    alpha: float | None
    within_gap: float | None
    pairs: int
    severity: list[tuple[str, float]]  # judge, mean offset from the panel (− = strict)


@dataclass
class Statistics:
    first: date
    last: date
    closes: date
    timeline: dict[str, list[tuple[date, int]]] = field(default_factory=dict)
    units: list[tuple[str, int, int]] = field(default_factory=list)  # unit, all, last days
    categories: list[tuple[str, str, int, int]] = field(default_factory=list)
    gaps: list[tuple[str, str]] = field(default_factory=list)
    stages: list[StageFigures] = field(default_factory=list)


def _top_unit(unit: Unit, by_id: dict[int, Unit]) -> Unit:
    """The unit directly under the province that `unit` sits in (itself if it is one)."""
    node = unit
    while node.parent_id is not None and by_id[node.parent_id].parent_id is not None:
        node = by_id[node.parent_id]
    return node


def statistics(session: Session, contest: Contest, province_label: str) -> Statistics:
    rows = session.execute(
        select(Entry.author_unit_id, Entry.submitted_at).where(
            Entry.contest_id == contest.id,
            Entry.state.in_(SENT),
            Entry.submitted_at.is_not(None),
        )
    ).all()
    by_id = {u.id: u for u in session.scalars(select(Unit))}
    closes = local_day(contest.closes_at)
    days = [local_day(submitted) for _unit, submitted in rows]
    found = Statistics(
        first=min([*days, local_day(contest.opens_at)]),
        last=max([*days, min(closes, local_day(contest.opens_at) + timedelta(days=1))]),
        closes=closes,
    )
    per_unit: dict[str, Counter[date]] = {}
    for unit_id, submitted in rows:
        name = _top_unit(by_id[unit_id], by_id).name
        per_unit.setdefault(name, Counter())[local_day(submitted)] += 1
    ranked = sorted(per_unit.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    found.timeline = {province_label: sorted(Counter(days).items())}
    for name, counts in ranked[:TOP_UNITS]:
        found.timeline[name] = sorted(counts.items())
    since = closes - timedelta(days=LAST_DAYS - 1)
    found.units = [
        (name, sum(counts.values()), sum(n for d, n in counts.items() if since <= d <= closes))
        for name, counts in ranked
    ]
    found.categories = coverage(session, contest)
    found.gaps = uncovered(found.categories)
    found.stages = [_stage(session, stage, province_label) for stage in _stages(session, contest)]
    return found


def _stages(session: Session, contest: Contest) -> list[Stage]:
    return list(
        session.scalars(
            select(Stage)
            .where(Stage.contest_id == contest.id)
            .order_by(Stage.round_id.is_not(None), Stage.round_id, Stage.position)
        )
    )


def _stage(session: Session, stage: Stage, province_label: str) -> StageFigures:
    triples = score_triples(session, stage)
    result = reliability(triples, stage.agree_gap)
    names = judge_names(session, stage)
    return StageFigures(
        scope=stage.round.unit.name if stage.round_id else province_label,
        name=stage.name,
        alpha=result.alpha,
        within_gap=result.within_share,
        pairs=result.pairs,
        severity=sorted(
            ((names.get(j, str(j)), v) for j, v in result.severity.items()),
            key=lambda item: item[1],
        ),
    )
