"""Where entries stand in a stage: their judges' totals, official and calibrated scores, the
tie-break keys; closing a stage and marking who goes on to the next."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contest.models import Entry, User
from contest.platform.audit import record_event
from contest.platform.states import advance
from judging.audit import JudgingAction
from judging.errors import JudgingClosed
from judging.models import (
    Assignment,
    BlindCopy,
    Criterion,
    Score,
    Stage,
    StageResult,
    in_judging,
)
from judging.rules import aggregation
from judging.states import UNRESOLVED_RESULT_STATES, ResultState, StageState


@dataclass
class EntryResult:
    entry: Entry
    code: str
    result: StageResult
    totals: list[float]
    calibrated: float | None
    tiebreak: tuple[float, ...]

    @property
    def ranked(self) -> aggregation.Ranked:
        return aggregation.Ranked(self.entry.id, self.result.official_score, self.tiebreak)


def tiebreak_criteria(stage: Stage) -> list[Criterion]:
    """The criteria in the order the rules break equal scores: heaviest maximum first."""
    return sorted(stage.criteria, key=lambda c: (-c.weight * c.max_points, c.position))


def stage_results(session: Session, stage: Stage) -> list[EntryResult]:
    """Every entry of the stage with its judges' totals, official and calibrated scores."""
    results = {
        r.entry_id: r
        for r in session.scalars(
            select(StageResult)
            .where(StageResult.stage_id == stage.id)
            .options(selectinload(StageResult.entry))
        )
    }
    codes = dict(
        session.execute(
            select(BlindCopy.entry_id, BlindCopy.code).where(
                BlindCopy.contest_id == stage.contest_id,
                in_judging(BlindCopy.round_id, stage.round_id),
            )
        ).all()
    )
    submitted = [
        (a.entry_id, a.judge_id, a.score)
        for a in session.scalars(
            select(Assignment)
            .where(Assignment.stage_id == stage.id, Assignment.is_active)
            .options(selectinload(Assignment.score).selectinload(Score.marks))
        )
        if a.is_submitted
    ]
    calibrated = aggregation.calibrate([(e, j, s.total) for e, j, s in submitted])
    criteria = tiebreak_criteria(stage)
    per_entry: dict[int, list[Score]] = defaultdict(list)
    per_entry_cal: dict[int, list[float]] = defaultdict(list)
    for e, j, s in submitted:
        per_entry[e].append(s)
        per_entry_cal[e].append(calibrated[(e, j)])
    out = []
    for entry_id, result in results.items():
        scores = per_entry.get(entry_id, [])
        tiebreak = tuple(
            sum(m.points for s in scores for m in s.marks if m.criterion_id == c.id)
            / max(len(scores), 1)
            for c in criteria
        )
        cal = per_entry_cal.get(entry_id)
        out.append(
            EntryResult(
                result.entry,
                codes.get(entry_id, ""),
                result,
                [s.total for s in scores],
                round(sum(cal) / len(cal), 2) if cal else None,
                tiebreak,
            )
        )
    out.sort(key=lambda r: (-(r.result.official_score or -1), r.code))
    return out


def unresolved(results: list[EntryResult]) -> list[EntryResult]:
    """Entries still without an official score."""
    return [r for r in results if r.result.state in UNRESOLVED_RESULT_STATES]


def discrepancies(stage: Stage, results: list[EntryResult]) -> list[EntryResult]:
    """Entries where the judges disagreed: sent to the head judge or a third judge."""
    wide = (ResultState.NEEDS_HEAD, ResultState.NEEDS_THIRD, ResultState.DECIDED)
    return [r for r in results if r.result.state in wide or len(r.totals) > stage.judges_per_entry]


def waiting_for_head(session: Session, stage: Stage, judge: User) -> list[EntryResult]:
    """What the stage's head judge still has to decide (nothing for anybody else)."""
    if stage.head_judge_id != judge.id:
        return []
    return [r for r in stage_results(session, stage) if r.result.state == ResultState.NEEDS_HEAD]


def close_stage(
    session: Session,
    stage: Stage,
    actor: User | None,
    results: list[EntryResult] | None = None,
) -> list[int]:
    """Close a stage once every entry has an official score; mark who advances. `results`
    may be passed when the caller has them already. Returns the entries that advance."""
    if stage.state != StageState.OPEN:
        raise JudgingClosed(_l("Vòng chấm chưa mở."))
    results = results if results is not None else stage_results(session, stage)
    waiting = unresolved(results)
    if waiting:
        raise JudgingClosed(_l("Còn %(n)s bài chưa có điểm chính thức.", n=len(waiting)))
    advanced: list[int] = []
    if stage.advance_top_n is not None or stage.advance_min_score is not None:
        advanced = aggregation.advance(
            [r.ranked for r in results], stage.advance_top_n, stage.advance_min_score
        )
        for r in results:
            r.result.is_advanced = r.entry.id in advanced
    before = advance(stage, StageState.CLOSED)
    record_event(
        session,
        actor,
        stage,
        JudgingAction.STAGE_CLOSED,
        change=(before, stage.state),
        advanced=len(advanced),
    )
    session.flush()
    return advanced
