"""The panel of a stage: judges with their load bounds, the head judge, declared conflicts,
and a judge leaving the panel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contest.lifecycles import Role
from contest.models import Entry, User
from contest.platform.audit import record_event
from contest.platform.errors import InvalidInput
from contest.platform.text import nfc, vietnamese_key
from judging.audit import JudgingAction
from judging.models import Assignment, Conflict, PanelMember, Stage, UnitJuror
from judging.services import assigning, blinding
from judging.states import AssignmentState

JUDGE_ROLES = (Role.JUDGE, Role.HEAD_JUDGE)


def judge_accounts(session: Session, round_id: int | None = None) -> list[User]:
    """The judge and head judge accounts a panel may take, with their units: for the
    province every judge outside the unit juries; for a unit round its own jury only."""
    query = select(User).where(User.role.in_(JUDGE_ROLES)).options(selectinload(User.unit))
    jurors = select(UnitJuror.judge_id)
    if round_id is None:
        query = query.where(User.id.not_in(jurors))
    else:
        query = query.where(User.id.in_(jurors.where(UnitJuror.round_id == round_id)))
    return sorted(session.scalars(query), key=lambda u: vietnamese_key(u.full_name))


def juror_round_id(session: Session, judge: User) -> int | None:
    """The unit round whose jury this account belongs to; None for a province judge."""
    return session.scalar(select(UnitJuror.round_id).where(UnitJuror.judge_id == judge.id))


def _check_scope(session: Session, stage: Stage, judge: User) -> None:
    """A unit juror sits on their own round's panels only; the province's panel and other
    units' take none of them (a unit jury's judges have seen that unit's scores)."""
    if juror_round_id(session, judge) != stage.round_id:
        raise InvalidInput(
            _l("Giám khảo này thuộc hội đồng chấm của đơn vị khác: không đưa vào vòng này được.")
        )


def members(session: Session, stage: Stage) -> list[PanelMember]:
    """The panel with each judge and unit loaded in bulk (the panel page lists them all)."""
    return list(
        session.scalars(
            select(PanelMember)
            .where(PanelMember.stage_id == stage.id)
            .options(selectinload(PanelMember.judge).selectinload(User.unit))
            .order_by(PanelMember.id)
        )
    )


def add_judge(
    session: Session, stage: Stage, judge: User | None, min_load: int = 0, max_load: int = 50
) -> PanelMember:
    """Put a judge on the stage's panel with load bounds (again, if they had withdrawn)."""
    if judge is None or not judge.is_judge:
        raise InvalidInput(_l("Chỉ tài khoản giám khảo mới được đưa vào hội đồng chấm."))
    if not judge.is_active_account:
        raise InvalidInput(_l("Tài khoản %(name)s đang bị khóa.", name=judge.full_name))
    _check_scope(session, stage, judge)
    if not 0 <= min_load <= max_load:
        raise InvalidInput(_l("Mức chấm tối thiểu phải từ 0 đến mức tối đa."))
    member = _member(session, stage, judge)
    if member is None:
        member = PanelMember(stage=stage, judge=judge)
        session.add(member)
    member.min_load, member.max_load, member.is_withdrawn = min_load, max_load, False
    session.flush()
    return member


def set_head_judge(session: Session, stage: Stage, judge: User | None) -> None:
    if judge is None or judge.role != Role.HEAD_JUDGE:
        raise InvalidInput(_l("Trưởng ban giám khảo phải là tài khoản trưởng ban."))
    if not judge.is_active_account:
        raise InvalidInput(_l("Tài khoản %(name)s đang bị khóa.", name=judge.full_name))
    _check_scope(session, stage, judge)
    stage.head_judge = judge
    session.flush()


def declare_conflict(
    session: Session, judge: User | None, entry: Entry, reason: str, actor: User | None
) -> Conflict:
    """This judge never scores this entry (declared by an organiser, or by the judge)."""
    if judge is None or not judge.is_judge:
        raise InvalidInput(_l("Chỉ tài khoản giám khảo mới được đưa vào hội đồng chấm."))
    conflict = session.scalar(
        select(Conflict).where(Conflict.judge_id == judge.id, Conflict.entry_id == entry.id)
    )
    if conflict is None:
        conflict = Conflict(judge_id=judge.id, entry_id=entry.id, reason=nfc(reason.strip()))
        session.add(conflict)
        session.flush()
        # The code the judge knows the entry by: their own judging's (unit or province).
        code = blinding.code_of_entry(session, entry.id, juror_round_id(session, judge))
        record_event(
            session,
            actor,
            entry,
            JudgingAction.CONFLICT_DECLARED,
            detail=conflict.reason,
            code=code or "",
            judge=judge.full_name,
        )
    return conflict


def _member(session: Session, stage: Stage, judge: User) -> PanelMember | None:
    return session.scalar(
        select(PanelMember).where(
            PanelMember.stage_id == stage.id, PanelMember.judge_id == judge.id
        )
    )


def withdraw_judge(session: Session, stage: Stage, judge: User | None, actor: User | None) -> int:
    """A judge leaves the panel: unscored entries go to others, submitted scores are kept.
    Returns how many entries were given to another judge."""
    member = _member(session, stage, judge) if judge is not None else None
    if member is None:
        raise InvalidInput(_l("Giám khảo không thuộc hội đồng vòng này."))
    member.is_withdrawn = True
    moved = 0
    for held in session.scalars(
        select(Assignment)
        .where(Assignment.stage_id == stage.id, Assignment.judge_id == judge.id)
        .where(Assignment.is_active)
        .options(selectinload(Assignment.score), selectinload(Assignment.entry))
        .order_by(Assignment.id)
    ).all():
        if held.is_submitted:
            continue
        assigning.move_away(session, held, AssignmentState.WITHDRAWN)
        moved += 1
    record_event(
        session, actor, stage, JudgingAction.JUDGE_WITHDRAWN, judge=judge.full_name, moved=moved
    )
    session.flush()
    return moved
