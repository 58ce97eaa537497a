"""A unit round's own judging (issue 14): switched on for the round, its jury of accounts the
unit's organiser creates, finalisation that reveals the unit's key to it, and forwarding by
results. Stages, rubric, panel, blind codes, scoring and prizes are the province's engine
called with the round (`round_=` / `round_id=` in the other service modules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contest.lifecycles import PENDING_ENTRY_STATES, Role
from contest.models import Entry, Round, Unit, User
from contest.platform.audit import record_event
from contest.platform.errors import DomainError, InvalidInput
from contest.platform.i18n import format_date
from contest.platform.states import advance
from contest.platform.text import nfc
from contest.services import accounts, forwarding
from judging.audit import JudgingAction
from judging.errors import JudgingClosed
from judging.models import (
    Award,
    BlindCopy,
    LeakFlag,
    PrizeLevel,
    Stage,
    UnitJudging,
    UnitJuror,
)
from judging.services import blinding, reports, stages
from judging.services.lifecycle import award_prizes
from judging.services.stages import (
    check_round_may_judge,
    is_finalised,
    unit_judging,
    unit_judging_on,
)
from judging.states import StageState, UnitJudgingState


def switch_on(session: Session, round_: Round, actor: User | None) -> UnitJudging:
    """The round holds its own judging from now on (doing it twice changes nothing)."""
    check_round_may_judge(round_)
    judging = unit_judging(session, round_.id)
    if judging is not None:
        return judging
    judging = UnitJudging(round=round_, opened_by_id=actor.id if actor else None)
    session.add(judging)
    session.flush()
    record_event(
        session, actor, judging, JudgingAction.UNIT_JUDGING_ON, contest_id=round_.contest_id
    )
    return judging


def judging_refused(round_: Round) -> str | None:
    """Why the round may not switch its own judging on, nor open, close or finalise it, now
    (it forwarded, the province opened judging …), in words; None while it may: the unit's
    page offers only what this allows."""
    try:
        check_round_may_judge(round_)
    except DomainError as error:
        return str(error)
    return None


def switch_off(session: Session, round_: Round, actor: User | None) -> None:
    """Back to tick-and-forward while nothing of the unit's judging has opened: its draft
    stages, ladder, blind copies and leak flags go; the jury's accounts stay (switching on
    again finds them)."""
    judging = unit_judging_on(session, round_)
    held = stages.stages(session, round_.contest, round_.id)
    if any(stage.state != StageState.DRAFT for stage in held):
        raise JudgingClosed(_l("Đơn vị đã mở chấm: không tắt chấm thi riêng được nữa."))
    for stage in held:
        for member in stage.members:
            session.delete(member)
        session.delete(stage)
    for model in (PrizeLevel, LeakFlag, BlindCopy):
        for row in session.scalars(select(model).where(model.round_id == round_.id)):
            session.delete(row)
    session.delete(judging)
    record_event(
        session, actor, round_, JudgingAction.UNIT_JUDGING_OFF, contest_id=round_.contest_id
    )
    session.flush()


def add_juror(
    session: Session,
    round_: Round,
    actor: User,
    *,
    full_name: str,
    email: str | None,
    phone: str | None,
    password: str | None,
    is_head: bool = False,
    unit: Unit | None = None,
) -> User:
    """The unit's organiser creates a judge (or head judge) account for the unit's jury.
    It belongs to the unit, or to a unit below it where the judge works: then the unit
    tree's conflict rule keeps them off that sub-unit's entries."""
    judging = unit_judging_on(session, round_)
    unit = unit if unit is not None else round_.unit
    if not unit.is_within(round_.unit):
        raise InvalidInput(
            _l("Giám khảo của đơn vị phải thuộc đơn vị này hoặc một đơn vị trực thuộc.")
        )
    judge = accounts.create_staff_account(
        session,
        actor,
        full_name=full_name,
        email=email,
        phone=phone,
        role=Role.HEAD_JUDGE if is_head else Role.JUDGE,
        unit=unit,
        password=password,
    )
    session.add(UnitJuror(round_id=round_.id, judge_id=judge.id, created_by_id=actor.id))
    session.flush()
    record_event(
        session,
        actor,
        judging,
        JudgingAction.UNIT_JUROR_ADDED,
        contest_id=round_.contest_id,
        judge=judge.full_name,
    )
    return judge


def finalise_unit(session: Session, round_: Round, actor: User | None, now: datetime) -> int:
    """Lock the unit's scores and prizes; from now on its organiser may open its key.
    Returns how many prizes were given."""
    judging = unit_judging_on(session, round_)
    check_round_may_judge(round_)
    _awards, prizes = award_prizes(session, round_.contest, actor, round_.id)
    before = advance(judging, UnitJudgingState.FINALISED)
    judging.finalised_at = now
    record_event(
        session,
        actor,
        judging,
        JudgingAction.UNIT_FINALISED,
        change=(before, judging.state),
        contest_id=round_.contest_id,
        prizes=prizes,
    )
    session.flush()
    return prizes


def unit_key(session: Session, round_: Round, actor: User) -> list[BlindCopy]:
    """The unit's code → entry key (ghép phách), once the unit has finalised; each opening
    is recorded."""
    judging = unit_judging(session, round_.id)
    if judging is None or not judging.is_finalised:
        raise JudgingClosed(
            _l("Bảng mã phách của đơn vị chỉ được mở sau khi đơn vị công bố kết quả.")
        )
    record_event(session, actor, judging, JudgingAction.KEY_VIEWED, contest_id=round_.contest_id)
    session.flush()
    return blinding.blind_copies(session, round_.contest, round_.id)


def awards(session: Session, round_: Round) -> list[Award]:
    """The unit's ranking and prizes, best first."""
    return list(
        session.scalars(
            select(Award)
            .where(Award.round_id == round_.id)
            .options(selectinload(Award.prize_level), selectinload(Award.entry))
            .order_by(Award.rank, Award.entry_id)
        )
    )


def winners(session: Session, round_: Round) -> list[Award]:
    """The unit's prize winners by prize, then rank, once it finalised (else none: before
    that the ranking is still blind)."""
    if not is_finalised(session, round_.contest, round_.id):
        return []
    return sorted((a for a in awards(session, round_) if a.prize_level), key=reports.prize_order)


@dataclass
class ForwardProposal:
    """What forwarding by results proposes: the best entries within the quota left, and the
    entries tied at the cut competing for the seats that remain (the organiser decides)."""

    ranked: list[Award]
    proposed: list[int]
    tied: list[int]
    seats: int


def arrived_after_opening(session: Session, round_: Round) -> int:
    """Entries waiting in the round that its opened judging never saw (submitted, or sent up
    from a unit below, after it opened): nothing drops them — the forward page lists them as
    not judged, to send up with a recorded reason — but the organiser is told early."""
    opened = stages.stages(session, round_.contest, round_.id)
    if not opened or opened[0].state == StageState.DRAFT:
        return 0
    copied = select(BlindCopy.entry_id).where(BlindCopy.round_id == round_.id)
    return forwarding.pending_count(session, round_, Entry.id.not_in(copied))


def forward_proposal(session: Session, round_: Round) -> ForwardProposal:
    """Top entries still waiting in the round, by the unit's final ranking, within the quota."""
    left = max(round_.quota - forwarding.forwarded_count(session, round_), 0)
    ranked = [
        a
        for a in awards(session, round_)
        if a.entry.round_id == round_.id and a.entry.state in PENDING_ENTRY_STATES
    ]
    if len(ranked) <= left:
        return ForwardProposal(ranked, [a.entry_id for a in ranked], [], 0)
    if left == 0 or ranked[left - 1].rank != ranked[left].rank:
        return ForwardProposal(ranked, [a.entry_id for a in ranked[:left]], [], 0)
    cut_rank = ranked[left].rank
    above = [a.entry_id for a in ranked if a.rank < cut_rank]
    at_cut = [a.entry_id for a in ranked if a.rank == cut_rank]
    return ForwardProposal(ranked, above, at_cut, left - len(above))


def forward_by_results(
    session: Session,
    round_: Round,
    actor: User | None,
    now: datetime,
    entry_ids: list[int] | None,
    reason: str = "",
) -> forwarding.ForwardResult:
    """Send the chosen entries up after the unit finalised (`entry_ids` None: the proposal,
    which a tie at the quota's cut leaves to the organiser). Choosing anything but the
    proposal (a seat at a tied cut, an entry passed over) needs a recorded reason. The
    profiles ticked on the round page go up with them."""
    judging = unit_judging(session, round_.id)
    if judging is None:
        raise JudgingClosed(
            _l("%(unit)s chưa bật chấm thi riêng: không gửi theo kết quả chấm được.",
               unit=round_.unit.name)
        )  # fmt: skip
    if not judging.is_finalised:
        raise JudgingClosed(_l("Đơn vị chưa công bố kết quả chấm: chưa gửi theo kết quả được."))
    proposal = forward_proposal(session, round_)
    if entry_ids is None:
        if proposal.tied:
            raise InvalidInput(
                _l(
                    "Có bài đồng hạng ở ranh giới chỉ tiêu (%(ids)s) cho %(n)d chỗ còn lại: "
                    "người tổ chức chọn bài và ghi rõ lý do.",
                    ids=", ".join(map(str, proposal.tied)),
                    n=proposal.seats,
                )
            )
        entry_ids = proposal.proposed
    reason = nfc(reason.strip())
    if set(entry_ids) != set(proposal.proposed) and not reason:
        raise InvalidInput(
            _l("Danh sách gửi lên khác với đề xuất theo kết quả chấm: cần ghi rõ lý do.")
        )
    result = forwarding.forward_round(
        session, round_, actor, now, entry_ids=entry_ids, by_results=True
    )
    record_event(
        session,
        actor,
        judging,
        JudgingAction.FORWARDED_BY_RESULTS,
        contest_id=round_.contest_id,
        entries=len(result.forwarded),
        reason=reason or "—",
    )
    session.flush()
    return result


def unit_results_of(session: Session, entry_ids: list[int]) -> dict[int, list[Award]]:
    """For the province's organisers: each entry's results in the unit rounds that judged it,
    nearest round first. Never shown to judges: their copy carries no unit score."""
    found: dict[int, list[Award]] = {}
    for award in session.scalars(
        select(Award)
        .where(Award.entry_id.in_(entry_ids), Award.round_id.is_not(None))
        .options(selectinload(Award.prize_level), selectinload(Award.round))
        .order_by(Award.id.desc())
    ):
        found.setdefault(award.entry_id, []).append(award)
    return found


def rounds_closed_to_entries(session: Session, contest_id: int) -> dict[int, str]:
    """Unit rounds of a contest whose own judging has begun (its first stage opened: the
    blind copies are made) or published its results, with what their entrants are told: an
    essay sent in now would never be judged there (the core asks, `signals.intake`)."""
    found: dict[int, str] = {}
    held = session.scalars(
        select(UnitJudging)
        .join(Round, Round.id == UnitJudging.round_id)
        .where(Round.contest_id == contest_id)
        .options(selectinload(UnitJudging.round).selectinload(Round.unit))
    ).all()
    if not held:
        return found
    opened = set(
        session.scalars(
            select(Stage.round_id).where(
                Stage.round_id.in_([j.round_id for j in held]), Stage.state != StageState.DRAFT
            )
        )
    )
    for judging in held:
        unit = judging.round.unit.name
        if judging.is_finalised:
            found[judging.round_id] = str(
                _l(
                    "%(unit)s đã chấm xong vòng đơn vị và công bố kết quả ngày %(day)s nên "
                    "không nhận thêm bài: bài nộp lúc này sẽ không được chấm.",
                    unit=unit,
                    day=format_date(judging.finalised_at),
                )
            )
        elif judging.round_id in opened:
            found[judging.round_id] = str(
                _l(
                    "%(unit)s đã bắt đầu chấm vòng đơn vị nên không nhận thêm bài: bài nộp lúc "
                    "này sẽ không được chấm.",
                    unit=unit,
                )
            )
    return found
