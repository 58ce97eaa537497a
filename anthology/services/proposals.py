"""Commendation proposals (plan section V.4): the board marks outstanding exemplar profiles
that reached the province as proposed for the chairman's certificate of merit (Bằng khen),
each with a short justification, and prints the list for the People's Committee."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from anthology.audit import AnthologyAction
from anthology.models import CommendationProposal
from contest.lifecycles import ProfileState
from contest.models import Contest, ExemplarProfile, User
from contest.platform.audit import record_event
from contest.platform.errors import IllegalTransition, InvalidInput
from contest.platform.text import nfc, vietnamese_key, without_control_characters

JUSTIFICATION_MAX = 1000


def candidates(session: Session, contest: Contest) -> list[ExemplarProfile]:
    """Profiles that reached the province (nominated there or sent up to it), by category
    then name: the ones the board may propose."""
    province = contest.province_round(session)
    found = session.scalars(
        select(ExemplarProfile).where(
            ExemplarProfile.contest_id == contest.id,
            ExemplarProfile.round_id == province.id,
            ExemplarProfile.state != ProfileState.DRAFT,
        )
    )
    return sorted(
        found, key=lambda p: (contest.category_position(p.category), vietnamese_key(p.name))
    )


def standing(session: Session, contest: Contest) -> list[CommendationProposal]:
    """Proposals not withdrawn, in the order of the candidates."""
    found = session.scalars(
        select(CommendationProposal)
        .where(
            CommendationProposal.contest_id == contest.id,
            CommendationProposal.withdrawn_at.is_(None),
        )
        .options(selectinload(CommendationProposal.profile))
    )
    return sorted(
        found,
        key=lambda p: (
            contest.category_position(p.profile.category),
            vietnamese_key(p.profile.name),
        ),
    )


def propose(
    session: Session, profile: ExemplarProfile, actor: User | None, justification: str
) -> CommendationProposal:
    """Propose one profile; refused when it did not reach the province, is proposed already
    (a second click), or comes without a reason."""
    justification = nfc(without_control_characters(justification or "")).strip()
    contest = profile.contest
    if profile not in candidates(session, contest):
        raise IllegalTransition(_l("Chỉ đề nghị được hồ sơ đã về tỉnh."))
    if not justification or len(justification) > JUSTIFICATION_MAX:
        raise InvalidInput(
            _l("Hãy ghi thành tích tóm tắt (tối đa %(n)d ký tự).", n=JUSTIFICATION_MAX)
        )
    if any(p.profile_id == profile.id for p in standing(session, contest)):
        raise IllegalTransition(_l("Hồ sơ này đã được đề nghị."))
    proposal = CommendationProposal(
        contest_id=contest.id,
        profile_id=profile.id,
        justification=justification,
        proposed_by_id=actor.id if actor else None,
    )
    session.add(proposal)
    session.flush()
    record_event(session, actor, proposal, AnthologyAction.PROPOSED, contest_id=contest.id)
    return proposal


def withdraw(
    session: Session, proposal: CommendationProposal, actor: User | None, now: datetime
) -> None:
    if proposal.withdrawn_at is not None:
        raise IllegalTransition(_l("Đề nghị này đã được rút."))
    proposal.withdrawn_at = now
    record_event(
        session, actor, proposal, AnthologyAction.PROPOSAL_WITHDRAWN, contest_id=proposal.contest_id
    )
    session.flush()
