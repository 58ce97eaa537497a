"""Configuring a judging: stages with their rules and rubric, the prize ladder, and which
entries each stage judges. A new stage has no rubric and the contest no ladder until the
organiser fills them in (the demo brings its own, in `judging.demo`).

Every function serves the province's judging by default; `round_id` (or a stage's own
round_id) scopes it to a unit round's judging instead (issue 14)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contest.models import Contest, ContestPhase, Entry, EntryState, Round
from contest.platform.errors import InvalidInput
from contest.platform.text import nfc
from contest.services import forwarding
from judging.errors import JudgingClosed, StageNotReady
from judging.models import Criterion, PrizeLevel, Stage, StageResult, UnitJudging, in_judging
from judging.states import StageState

# A stage's rules besides its rubric: what `configure_stage` takes, the setup page edits and
# a contest file holds.
STAGE_SETTINGS = (
    "name",
    "judges_per_entry",
    "agree_gap",
    "head_gap",
    "three_mean_gap",
    "advance_top_n",
    "advance_min_score",
)


def stages(session: Session, contest: Contest, round_id: int | None = None) -> list[Stage]:
    """The stages of the province's judging, or of one unit round's when `round_id` is given."""
    return list(
        session.scalars(
            select(Stage)
            .where(Stage.contest_id == contest.id, in_judging(Stage.round_id, round_id))
            .order_by(Stage.position)
        )
    )


def current_stage(session: Session, contest: Contest, round_id: int | None = None) -> Stage | None:
    """The open stage, else the first one not yet opened, else the last."""
    all_stages = stages(session, contest, round_id)
    for wanted in (StageState.OPEN, StageState.DRAFT):
        for stage in all_stages:
            if stage.state == wanted:
                return stage
    return all_stages[-1] if all_stages else None


def final_stage(session: Session, contest: Contest, round_id: int | None = None) -> Stage | None:
    all_stages = stages(session, contest, round_id)
    return all_stages[-1] if all_stages else None


def _criteria(rubric: Sequence[tuple[str, float, float]]) -> list[Criterion]:
    return [
        Criterion(position=index, name=nfc(name.strip()), max_points=points, step=step)
        for index, (name, points, step) in enumerate(rubric, start=1)
    ]


def create_stage(
    session: Session,
    contest: Contest,
    *,
    name: str,
    judges_per_entry: int = 2,
    rubric: Sequence[tuple[str, float, float]] = (),
    seed: int | None = None,
    advance_top_n: int | None = None,
    advance_min_score: float | None = None,
    round_: Round | None = None,
) -> Stage:
    """A stage, numbered in the order stages are created within its judging (the province's,
    or `round_`'s). Its rubric (name, max points, step) may be left empty here: opening the
    stage refuses until it is filled in."""
    round_id = round_.id if round_ is not None else None
    stage = Stage(
        contest=contest,
        round_id=round_id,
        position=len(stages(session, contest, round_id)) + 1,
        name=nfc(name.strip()),
        judges_per_entry=judges_per_entry,
        seed=seed if seed is not None else secrets.randbelow(1_000_000),
        advance_top_n=advance_top_n,
        advance_min_score=advance_min_score,
    )
    stage.criteria.extend(_criteria(rubric))
    session.add(stage)
    session.flush()
    return stage


def configure_stage(
    session: Session,
    stage: Stage,
    *,
    name: str,
    judges_per_entry: int,
    agree_gap: float,
    head_gap: float,
    three_mean_gap: float,
    advance_top_n: int | None,
    advance_min_score: float | None,
    rubric: Sequence[tuple[str, float, float]],
) -> Stage:
    """Change a stage before it opens: its rules and its rubric (name, max points, step)."""
    if stage.state != StageState.DRAFT:
        raise JudgingClosed(_l("Vòng chấm đã mở: không thể đổi thang điểm và quy tắc."))
    if not 0 <= agree_gap <= head_gap or three_mean_gap < 0:
        raise InvalidInput(_l("Các mức chênh lệch phải tăng dần: lấy trung bình ≤ trưởng ban."))
    if not rubric:
        raise InvalidInput(_l("Thang điểm cần ít nhất một tiêu chí."))
    if any(points <= 0 or step <= 0 for _name, points, step in rubric):
        raise InvalidInput(_l("Điểm tối đa và bước chấm phải lớn hơn 0."))
    stage.name, stage.judges_per_entry = nfc(name.strip()), judges_per_entry
    stage.agree_gap, stage.head_gap, stage.three_mean_gap = agree_gap, head_gap, three_mean_gap
    stage.advance_top_n, stage.advance_min_score = advance_top_n, advance_min_score
    stage.criteria.clear()
    session.flush()  # the old criteria go before the new ones take their positions
    stage.criteria.extend(_criteria(rubric))
    session.flush()
    return stage


def save_stage(
    session: Session,
    contest: Contest,
    stage: Stage | None,
    round_: Round | None = None,
    **settings,
) -> Stage:
    """The setup page's one operation: configure `stage`, or a new stage of the province's
    judging (or of `round_`'s) if it is None."""
    if stage is None:
        stage = create_stage(session, contest, name=settings["name"], round_=round_)
    return configure_stage(session, stage, **settings)


def prize_levels(
    session: Session, contest: Contest, round_id: int | None = None
) -> list[PrizeLevel]:
    return list(
        session.scalars(
            select(PrizeLevel)
            .where(PrizeLevel.contest_id == contest.id, in_judging(PrizeLevel.round_id, round_id))
            .order_by(PrizeLevel.position)
        )
    )


def unit_judging(session: Session, round_id: int) -> UnitJudging | None:
    """The unit round's own judging, or None while the round is tick-and-forward."""
    return session.scalar(select(UnitJudging).where(UnitJudging.round_id == round_id))


def unit_judging_on(session: Session, round_: Round) -> UnitJudging:
    """The round's own judging, still before its results: else a message saying why not."""
    judging = unit_judging(session, round_.id)
    if judging is None:
        raise StageNotReady(_l("Đơn vị chưa bật chấm thi riêng."))
    if judging.is_finalised:
        raise JudgingClosed(_l("Đơn vị đã công bố kết quả chấm."))
    return judging


def check_round_may_judge(round_: Round) -> None:
    """A unit round judges while it is open and before the province opens judging: what it
    sends up afterwards would never be judged."""
    if round_.is_province:
        raise InvalidInput(_l("Vòng cấp tỉnh chấm bằng hội đồng của tỉnh."))
    if round_.closed_at is not None:
        raise JudgingClosed(_l("Vòng này đã gửi kết quả lên cấp trên."))
    if round_.contest.phase != ContestPhase.SUBMISSION:
        raise JudgingClosed(_l("Cấp tỉnh đã mở chấm: đơn vị không chấm thêm được nữa."))


def is_finalised(session: Session, contest: Contest, round_id: int | None = None) -> bool:
    """Whether this judging has published its results: the contest's, or the unit's."""
    if round_id is None:
        return contest.is_finalised
    judging = unit_judging(session, round_id)
    return judging is not None and judging.is_finalised


def set_prize_ladder(
    session: Session,
    contest: Contest,
    ladder: Sequence[tuple],
    round_id: int | None = None,
) -> list[PrizeLevel]:
    """Replace the ladder (before finalisation): name, how many, minimum score, and what each
    winner receives in đồng (left off: nothing)."""
    if is_finalised(session, contest, round_id):
        raise JudgingClosed(_l("Kết quả đã công bố, không thể đổi cơ cấu giải."))
    if any(rung[1] < 0 or (len(rung) > 3 and rung[3] < 0) for rung in ladder):
        raise InvalidInput(_l("Số lượng giải và tiền thưởng không được âm."))
    for level in prize_levels(session, contest, round_id):
        session.delete(level)
    session.flush()
    levels = [
        PrizeLevel(
            contest_id=contest.id,
            round_id=round_id,
            position=i,
            name=nfc(name),
            quota=quota,
            min_score=min_score,
            amount=amount[0] if amount else 0,
        )
        for i, (name, quota, min_score, *amount) in enumerate(ladder, start=1)
    ]
    session.add_all(levels)
    session.flush()
    return levels


def _at_province(session: Session, contest: Contest):
    province_round = contest.province_round(session)
    return (Entry.round_id == province_round.id, Entry.state == EntryState.FORWARDED)


def province_entries(session: Session, contest: Contest) -> list[Entry]:
    """Entries that reached the provincial round and are still in the running."""
    return list(
        session.scalars(select(Entry).where(*_at_province(session, contest)).order_by(Entry.id))
    )


def count_stage_entries(session: Session, stage: Stage) -> int:
    """How many entries the stage judges (one count query for the province's first stage)."""
    if stage.position == 1 and stage.round_id is None:
        query = select(func.count(Entry.id)).where(*_at_province(session, stage.contest))
        return session.scalar(query)
    return len(stage_entries(session, stage))


def stage_entries(session: Session, stage: Stage) -> list[Entry]:
    """Stage 1 judges every entry at the province (a unit's: every entry waiting for its
    round's decision); later stages those advanced to them."""
    if stage.position == 1 and stage.round_id is not None:
        return forwarding.pending_entries(session, stage.round)
    if stage.position == 1:
        return province_entries(session, stage.contest)
    previous = session.scalar(
        select(Stage).where(
            Stage.contest_id == stage.contest_id,
            in_judging(Stage.round_id, stage.round_id),
            Stage.position == stage.position - 1,
        )
    )
    return list(
        session.scalars(
            select(Entry)
            .join(StageResult, StageResult.entry_id == Entry.id)
            .where(StageResult.stage_id == previous.id, StageResult.is_advanced.is_(True))
            .order_by(Entry.id)
        )
    )
