"""Scoring: a judge's queue, saving and submitting marks, the discrepancy rule applied once
every judge of an entry has submitted (bringing a third judge when the gap is too wide), the
head judge's decision, a judge stepping back, an organiser reopening a score."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contest.models import Entry, User
from contest.platform.audit import record_event
from contest.platform.errors import InvalidInput
from contest.platform.states import advance
from contest.platform.text import fold, nfc
from judging.audit import JudgingAction
from judging.errors import ConflictOfInterest, JudgingClosed, ScoreInvalid
from judging.models import (
    Assignment,
    BlindCopy,
    Criterion,
    CriterionScore,
    Score,
    Stage,
    StageResult,
)
from judging.rules import aggregation
from judging.services import notices
from judging.services.assigning import add_one_judge, move_away
from judging.services.blinding import code_of_entry
from judging.services.panel import declare_conflict
from judging.states import AssignmentState, ResultState, StageState
from judging.wording import rule_json


def judge_assignments(session: Session, stage: Stage, judge: User) -> list[Assignment]:
    """A judge's queue: their active assignments, once released."""
    if stage.released_at is None:
        return []
    return list(
        session.scalars(
            select(Assignment)
            .where(
                Assignment.stage_id == stage.id,
                Assignment.judge_id == judge.id,
                Assignment.is_active,
            )
            .options(selectinload(Assignment.score))
            .order_by(Assignment.id)
        )
    )


def _search_words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(nfc(text)))


def search_queue(
    queue: Sequence[Assignment], codes: Mapping[int, BlindCopy], query: str
) -> list[Assignment]:
    """The assignments whose blind code or title has a word beginning with each typed word,
    accents and case aside ("bai viet 2" finds "Bài viết 2", "3dsb" finds SL19-3DSB, and "1"
    does not find every SL19 code). Only what the judge sees is searched."""
    wanted = _search_words(query)

    def found(assign_: Assignment) -> bool:
        copy = codes[assign_.entry_id]
        words = _search_words(f"{copy.code} {copy.title}")
        return all(any(word.startswith(w) for word in words) for w in wanted)

    return [a for a in queue if found(a)]


def next_to_score(
    session: Session, stage: Stage, judge: User, current: Assignment
) -> Assignment | None:
    """The judge's next entry still to submit after `current` in their queue (then from the
    start), or None when every other one is submitted."""
    queue = judge_assignments(session, stage, judge)
    position = next((i for i, a in enumerate(queue) if a.id == current.id), -1)
    later = queue[position + 1 :] + queue[: max(position, 0)]
    return next((a for a in later if not a.is_submitted), None)


def judge_assignment(
    session: Session, stage: Stage, entry_id: int, judge: User
) -> Assignment | None:
    """The judge's own active assignment for this entry, if released; else None."""
    if stage.released_at is None:
        return None
    return session.scalar(
        select(Assignment).where(
            Assignment.stage_id == stage.id,
            Assignment.entry_id == entry_id,
            Assignment.judge_id == judge.id,
            Assignment.is_active,
        )
    )


def entry_assignments(session: Session, stage: Stage, entry_id: int) -> list[Assignment]:
    """Every active judge of an entry with their scores (for the head judge's page)."""
    return list(
        session.scalars(
            select(Assignment)
            .where(
                Assignment.stage_id == stage.id,
                Assignment.entry_id == entry_id,
                Assignment.is_active,
            )
            .options(selectinload(Assignment.score))
            .order_by(Assignment.id)
        )
    )


def entry_marks(session: Session, stage: Stage, entry_id: int) -> list[Assignment]:
    """Every judge who held the entry in the stage, withdrawn and recused too, with their
    score: who marked what, for the organiser who reopens one."""
    return list(
        session.scalars(
            select(Assignment)
            .where(Assignment.stage_id == stage.id, Assignment.entry_id == entry_id)
            .options(selectinload(Assignment.score), selectinload(Assignment.judge))
            .order_by(Assignment.id)
        )
    )


def result_of(session: Session, stage: Stage, entry_id: int) -> StageResult | None:
    return session.scalar(
        select(StageResult).where(
            StageResult.stage_id == stage.id, StageResult.entry_id == entry_id
        )
    )


def mark_problems(
    criteria: Sequence[Criterion], marks: Mapping[int, float], *, submit: bool
) -> dict[int, LazyString]:
    """Every faulty mark at once, by criterion id in the rubric's order: outside 0 … maximum,
    off the criterion's step, or (to submit) not given. Reads the rubric, touches nothing."""
    problems: dict[int, LazyString] = {}
    for criterion in criteria:
        value = marks.get(criterion.id)
        if value is None:
            if submit:
                problems[criterion.id] = _l("Chưa cho điểm tiêu chí «%(c)s».", c=criterion.name)
        elif not 0 <= value <= criterion.max_points:
            problems[criterion.id] = _l(
                "Điểm «%(c)s» phải từ 0 đến %(max)s.",
                c=criterion.name,
                max=f"{criterion.max_points:g}",
            )
        elif not aggregation.on_step(value, criterion.step):
            problems[criterion.id] = _l(
                "Điểm «%(c)s» phải chia hết cho bước %(step)s.",
                c=criterion.name,
                step=f"{criterion.step:g}",
            )
    return problems


def save_score(
    session: Session,
    assign_: Assignment,
    marks: dict[int, float],
    comment: str,
    *,
    submit: bool,
    now: datetime,
) -> Score:
    """Save a draft or submit; a submitted score is locked. Checks range and step."""
    stage = assign_.stage
    if stage.state != StageState.OPEN or not assign_.is_active:
        raise JudgingClosed(
            _l("Không thể chấm: vòng chấm đã đóng hoặc bài không còn giao cho bạn.")
        )
    if assign_.is_submitted:
        raise JudgingClosed(_l("Điểm đã nộp và đã khóa."))
    problems = mark_problems(stage.criteria, marks, submit=submit)
    if problems:
        raise ScoreInvalid("\n".join(str(message) for message in problems.values()))
    score = assign_.score
    if score is None:
        score = Score(assignment=assign_)
        session.add(score)
    by_criterion = {m.criterion_id: m for m in score.marks}
    for criterion in stage.criteria:
        value = marks.get(criterion.id)
        if value is None:
            continue
        if criterion.id in by_criterion:
            by_criterion[criterion.id].points = value
        else:
            score.marks.append(CriterionScore(criterion=criterion, points=value))
    session.flush()  # new marks get their criterion_id
    given = {m.criterion_id: m.points for m in score.marks}
    score.total = aggregation.judge_total(
        [given.get(c.id, 0.0) for c in stage.criteria], [c.weight for c in stage.criteria]
    )
    score.comment = nfc(comment.strip())
    score.updated_at = now
    if submit:
        score.submitted_at = now
        session.flush()
        evaluate_entry(session, stage, assign_.entry)
    session.flush()
    return score


def submitted_score(session: Session, stage: Stage, judge_id: int, entry_id: int) -> Score:
    """The judge's submitted score on the entry in this stage, the one an organiser reopens."""
    score = session.scalar(
        select(Score)
        .join(Assignment)
        .where(
            Assignment.stage_id == stage.id,
            Assignment.judge_id == judge_id,
            Assignment.entry_id == entry_id,
            Score.submitted_at.is_not(None),
        )
    )
    if score is None:
        raise InvalidInput(_l("Giám khảo này chưa nộp điểm bài này trong vòng chấm."))
    return score


def reopen_score(session: Session, score: Score, actor: User, reason: str, now: datetime) -> None:
    """An organiser unlocks a submitted score, with a reason on record."""
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput(_l("Cần ghi rõ lý do mở lại điểm."))
    held = score.assignment
    if held.stage.state != StageState.OPEN:
        raise JudgingClosed(_l("Vòng chấm đã đóng."))
    score.submitted_at, score.updated_at = None, now
    result = _result(session, held.stage, held.entry)
    if result.state != ResultState.DECIDED:
        advance(result, ResultState.PENDING)
        result.official_score, result.rule = None, ""
    code = code_of_entry(session, held.entry_id, held.stage.round_id)
    record_event(
        session,
        actor,
        held.entry,
        JudgingAction.SCORE_REOPENED,
        code=code,
        judge=held.judge.full_name,
        reason=reason,
    )
    notices.score_reopened(session, held.stage, held.judge, code, reason)
    session.flush()


def _result(session: Session, stage: Stage, entry: Entry) -> StageResult:
    result = result_of(session, stage, entry.id)
    if result is None:
        result = StageResult(stage_id=stage.id, entry_id=entry.id, state=ResultState.PENDING)
        session.add(result)
    return result


def evaluate_entry(session: Session, stage: Stage, entry: Entry) -> StageResult:
    """When every active judge of the entry has submitted, apply the discrepancy rule; a gap
    too wide brings a third judge automatically."""
    active = entry_assignments(session, stage, entry.id)
    result = _result(session, stage, entry)
    if result.state == ResultState.DECIDED:
        return result
    if len(active) < 2 or not all(a.is_submitted for a in active):
        advance(result, ResultState.PENDING)
        return result
    rule = aggregation.DiscrepancyRule(stage.agree_gap, stage.head_gap, stage.three_mean_gap)
    decision = aggregation.decide([a.score.total for a in active][:3], rule)
    advance(result, ResultState(decision.state))
    result.rule = rule_json(decision.rule, decision.params)
    result.official_score = decision.score
    if result.state == ResultState.NEEDS_THIRD:
        third = add_one_judge(session, stage, entry, is_third=True)
        record_event(
            session,
            None,
            entry,
            JudgingAction.THIRD_JUDGE,
            code=code_of_entry(session, entry.id, stage.round_id),
            gap=f"{decision.params['gap']:g}",
            judge=third.judge.full_name,
        )
    session.flush()
    return result


def head_decide(
    session: Session, result: StageResult, actor: User, score: float, reason: str
) -> None:
    """The head judge confirms or sets the score of an entry sent to them, with a reason."""
    stage = result.stage
    if result.state != ResultState.NEEDS_HEAD:
        raise InvalidInput(_l("Bài này không chờ trưởng ban quyết định."))
    if stage.head_judge_id != actor.id:
        raise ConflictOfInterest(_l("Chỉ trưởng ban giám khảo của vòng này được quyết định."))
    if not 0 <= score <= stage.max_total:
        raise ScoreInvalid(_l("Điểm phải từ 0 đến %(max)s.", max=f"{stage.max_total:g}"))
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput(_l("Cần ghi rõ lý do quyết định."))
    before = advance(result, ResultState.DECIDED)
    result.official_score, result.head_reason = round(score, 2), reason
    record_event(
        session,
        actor,
        result.entry,
        JudgingAction.HEAD_DECIDED,
        change=(before, result.state),
        code=code_of_entry(session, result.entry_id, stage.round_id),
        score=f"{score:g}",
        reason=reason,
    )
    session.flush()


def recuse(session: Session, assign_: Assignment, reason: str) -> Assignment:
    """A judge steps back from an entry; the entry gets another judge."""
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput(_l("Cần ghi rõ lý do xin không chấm bài này."))
    if assign_.is_submitted:
        raise JudgingClosed(_l("Đã nộp điểm bài này, không thể xin rút."))
    assign_.recuse_reason = reason
    declare_conflict(session, assign_.judge, assign_.entry, reason, assign_.judge)
    return move_away(session, assign_, AssignmentState.RECUSED)


def declare_stage_conflict(
    session: Session, stage: Stage, judge: User | None, entry: Entry, reason: str, actor: User
) -> None:
    """An organiser records a conflict: beyond never assigning the pair again, the judge's
    unscored copy of the entry in this stage goes to another judge now (a submitted score
    stays, as when a judge withdraws; the organiser may reopen it)."""
    declare_conflict(session, judge, entry, reason, actor)
    if stage.state != StageState.OPEN:
        return
    held = session.scalar(
        select(Assignment).where(
            Assignment.stage_id == stage.id,
            Assignment.judge_id == judge.id,
            Assignment.entry_id == entry.id,
            Assignment.is_active,
        )
    )
    if held is not None and not held.is_submitted:
        held.recuse_reason = nfc(reason.strip())
        move_away(session, held, AssignmentState.RECUSED)
