"""Who judges what: opening a stage (its checks, the assignment by the solver), a judge more
for one entry, and releasing the assignments to the judges."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contest.models import Contest, ContestPhase, Entry, User
from contest.platform.audit import record_event
from contest.platform.states import advance
from contest.platform.storage import FileStore
from contest.services import forwarding
from judging.audit import JudgingAction
from judging.errors import (
    AssignmentImpossible,
    ConflictOfInterest,
    JudgingClosed,
    LeaksUnresolved,
    StageNotReady,
)
from judging.models import Assignment, Conflict, PanelMember, Stage, StageResult
from judging.rules import solver
from judging.services import blinding, notices, reminders
from judging.services.stages import check_round_may_judge, stage_entries, unit_judging_on
from judging.states import AssignmentState, StageState


def unit_conflicts(
    entries: list[Entry], members: list[PanelMember], home_unit_id: int | None = None
) -> set[tuple[int, int]]:
    """A judge never scores an entry whose author belongs to the judge's unit or below it.

    A judge attached to the judging's own unit (the province; for a unit round's judging,
    that unit) is not in conflict with every author: that is whose jury they are."""
    pairs = set()
    for member in members:
        unit = member.judge.unit
        if unit is None or unit.is_province or unit.id == home_unit_id:
            continue
        for entry in entries:
            if entry.author_unit.is_within(unit):
                pairs.add((entry.id, member.judge_id))
    return pairs


def blocked_pairs(
    session: Session, stage: Stage, entries: list[Entry], members: list[PanelMember]
) -> set[tuple[int, int]]:
    """(entry, judge) pairs never to join in this stage: unit conflicts and declared ones."""
    declared = session.execute(
        select(Conflict.entry_id, Conflict.judge_id).where(
            Conflict.entry_id.in_([e.id for e in entries])
        )
    ).all()
    home = stage.round.unit_id if stage.round is not None else None
    return unit_conflicts(entries, members, home) | {(e, j) for e, j in declared}


def _infeasible(error: solver.Infeasible) -> AssignmentImpossible:
    """The solver's reason in the interface's language."""
    p = error.params
    messages = {
        "panel_too_small": _l(
            "Cần %(k)s giám khảo cho mỗi bài nhưng hội đồng chỉ có %(judges)s người.", **p
        ),
        "over_capacity": _l(
            "Không đủ sức chấm: cần %(need)s lượt chấm (%(k)s giám khảo mỗi bài), "
            "nhưng tổng mức tối đa của các giám khảo chỉ là %(high)s.",
            **p,
        ),
        "under_minimum": _l(
            "Không đủ bài: chỉ có %(need)s lượt chấm (%(k)s giám khảo mỗi bài), "
            "ít hơn tổng mức tối thiểu của các giám khảo là %(low)s.",
            **p,
        ),
        "entry_conflicts": _l(
            "Một bài chỉ có %(eligible)s giám khảo không vướng xung đột, cần %(k)s.", **p
        ),
    }
    return AssignmentImpossible(
        messages.get(
            error.reason,
            _l(
                "Không tìm được cách phân công thỏa mãn mọi ràng buộc (xung đột và mức chấm "
                "của từng giám khảo). Hãy tăng mức tối đa hoặc bổ sung giám khảo."
            ),
        )
    )


def assign_stage(session: Session, stage: Stage, actor: User | None) -> int:
    """Give every entry of the stage its k judges (keeping existing ones). Returns how many
    new assignments were made."""
    entries = stage_entries(session, stage)
    members = stage.active_members
    if not entries:
        raise StageNotReady(_l("Chưa có bài nào ở vòng chấm này."))
    existing: dict[int, set[int]] = defaultdict(set)
    blocked = blocked_pairs(session, stage, entries, members)
    for entry_id, judge_id, is_active in session.execute(
        select(Assignment.entry_id, Assignment.judge_id, Assignment.is_active).where(
            Assignment.stage_id == stage.id
        )
    ):
        if is_active:
            existing[entry_id].add(judge_id)
        else:
            blocked.add((entry_id, judge_id))
    on_panel = {m.judge_id for m in members}
    try:
        result = solver.assign(
            [e.id for e in entries],
            [solver.JudgeSlot(m.judge_id, m.min_load, m.max_load) for m in members],
            stage.judges_per_entry,
            blocked,
            {e: js & on_panel for e, js in existing.items()},
            seed=stage.seed,
        )
    except solver.Infeasible as error:
        raise _infeasible(error) from error
    per_judge: Counter[int] = Counter()
    for entry_id, judge_ids in result.items():
        for judge_id in judge_ids:
            session.add(Assignment(stage_id=stage.id, entry_id=entry_id, judge_id=judge_id))
            per_judge[judge_id] += 1
    session.flush()
    made = per_judge.total()
    record_event(session, actor, stage, JudgingAction.ASSIGNED, count=made)
    notices.judges_assigned(session, stage, per_judge)
    return made


def active_loads(session: Session, stage: Stage) -> dict[int, int]:
    """How many active assignments each judge holds in the stage, counted by the database."""
    rows = session.execute(
        select(Assignment.judge_id, func.count(Assignment.id))
        .where(Assignment.stage_id == stage.id, Assignment.is_active)
        .group_by(Assignment.judge_id)
    ).all()
    return defaultdict(int, {judge: count for judge, count in rows})


def add_one_judge(session: Session, stage: Stage, entry: Entry, *, is_third: bool) -> Assignment:
    """One more judge for an entry (a third marking, or a replacement): eligible, not yet on
    it, the least loaded within their maximum; over the maximum only if nobody else can."""
    on_entry = set(
        session.scalars(
            select(Assignment.judge_id).where(
                Assignment.stage_id == stage.id, Assignment.entry_id == entry.id
            )
        )
    )
    members = stage.active_members
    blocked = blocked_pairs(session, stage, [entry], members)
    load = active_loads(session, stage)
    candidates = [
        m for m in members if m.judge_id not in on_entry and (entry.id, m.judge_id) not in blocked
    ]
    if not candidates:
        raise ConflictOfInterest(
            _l("Không còn giám khảo nào đủ điều kiện (không vướng xung đột) để chấm thêm bài này.")
        )
    within = [m for m in candidates if load[m.judge_id] < m.max_load] or candidates
    rng = random.Random(f"{stage.seed}-{entry.id}-{len(on_entry)}")
    chosen = min(within, key=lambda m: (load[m.judge_id], rng.random()))
    new = Assignment(
        stage_id=stage.id, entry_id=entry.id, judge_id=chosen.judge_id, is_third=is_third
    )
    session.add(new)
    session.flush()
    notices.judges_assigned(session, stage, Counter({chosen.judge_id: 1}))
    return new


def move_away(session: Session, held: Assignment, state: AssignmentState) -> Assignment:
    """The judge gives the entry up (recused or withdrawn); another judge takes it."""
    advance(held, state)
    session.flush()
    return add_one_judge(session, held.stage, held.entry, is_third=held.is_third)


def release_assignments(session: Session, stage: Stage, actor: User | None, now: datetime) -> None:
    """Judges see their queue from now on; they are reminded before their deadline."""
    if stage.state != StageState.OPEN:
        raise JudgingClosed(_l("Vòng chấm chưa mở."))
    stage.released_at = now
    record_event(session, actor, stage, JudgingAction.RELEASED)
    reminders.book(session, stage, now)
    session.flush()


def check_no_entry_left_behind(session: Session, contest: Contest) -> None:
    """Judging opens only when every unit round holding submitted entries has decided: an entry
    sent up after the opening would sit at the province unjudged."""
    holding = forwarding.rounds_still_holding_entries(session, contest)
    if holding:
        raise StageNotReady(
            _l(
                "Chưa mở chấm được: %(count)s vòng thi đơn vị chưa gửi kết quả lên mà còn giữ "
                "bài đã nộp (%(rounds)s). Các bài này sẽ không bao giờ được chấm nếu mở chấm "
                "bây giờ. Hãy để đơn vị (hoặc cấp tỉnh thay đơn vị) chọn và gửi kết quả các "
                "vòng này trước.",
                count=len(holding),
                rounds="; ".join(f"{round_.unit.name}: {n} bài" for round_, n in holding),
            )
        )


def open_stage(
    session: Session,
    files: FileStore,
    stage: Stage,
    actor: User | None,
    prepared: Mapping[int, blinding.PreparedCopy] | None = None,
) -> int:
    """Check the leak flags are settled, the rubric and the panel ready; then assign.
    Judges' copies still missing come from `prepared` (`blinding.prepare_outside`) where they
    can. Returns how many assignments were made."""
    contest, round_ = stage.contest, stage.round
    if stage.state != StageState.DRAFT:
        raise JudgingClosed(_l("Vòng chấm này đã mở hoặc đã kết thúc."))
    if round_ is not None:  # a unit judges while its judging is on and its round may judge
        unit_judging_on(session, round_)
        check_round_may_judge(round_)
    if stage.position == 1:
        if round_ is None:
            check_no_entry_left_behind(session, contest)
        blinding.prepare_blind_copies(session, files, contest, actor, round_, prepared)
        unresolved = blinding.open_flags(session, contest, stage.round_id)
        if unresolved:
            raise LeaksUnresolved(
                _l(
                    "Còn %(flags)s cảnh báo lộ danh tính chưa xử lý (ở %(entries)s bài). "
                    "Hãy che hoặc giữ nguyên có lý do trước khi mở chấm.",
                    flags=len(unresolved),
                    entries=len({f.entry_id for f in unresolved}),
                )
            )
    if not stage.criteria:
        raise StageNotReady(
            _l("Vòng chấm chưa có thang điểm: hãy nhập các tiêu chí trước khi mở chấm.")
        )
    if len(stage.active_members) < stage.judges_per_entry:
        raise StageNotReady(
            _l(
                "Hội đồng cần ít nhất %(k)s giám khảo cho vòng này.",
                k=stage.judges_per_entry,
            )
        )
    made = assign_stage(session, stage, actor)
    advance(stage, StageState.OPEN)
    if round_ is None and contest.phase != ContestPhase.JUDGING:
        advance(contest, ContestPhase.JUDGING, "phase")
    for entry in stage_entries(session, stage):
        session.add(StageResult(stage_id=stage.id, entry_id=entry.id))
    record_event(
        session, actor, stage, JudgingAction.STAGE_OPENED, change=(StageState.DRAFT, stage.state)
    )
    session.flush()
    return made
