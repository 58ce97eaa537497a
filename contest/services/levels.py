"""Which kinds of unit take part in a contest, with their quotas and deadlines.

Services take the session and plain values, may flush, never commit."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contest.audit import ContestAction
from contest.errors import ContestProblems
from contest.lifecycles import ContestPhase
from contest.models import Contest, User
from contest.platform.audit import record_event
from contest.platform.errors import IllegalTransition, InvalidInput
from contest.quotas import ContestLevel
from contest.services import contest_file, deadlines
from contest.services.forwarding import forwarded_count
from contest.services.setup import check_quotas, rounds_for_tree


def set_level(
    session: Session,
    contest: Contest,
    actor: User | None,
    *,
    kind: str,
    quota_min: int,
    quota_max: int,
    profile_quota: int,
    forward_by: datetime | None,
    now: datetime,
) -> ContestLevel:
    """A kind of unit takes part, or changes its quotas or deadline: its units get rounds, the
    open ones take the new maximum (never below what they sent), a published contest books
    the new deadline. The contest's rules are checked again; any problem refuses the change."""
    if contest.phase not in (ContestPhase.DRAFT, ContestPhase.SUBMISSION):
        raise IllegalTransition(_l("Cấp tỉnh đã mở chấm: không đổi chỉ tiêu và hạn được nữa."))
    check_quotas(quota_min, quota_max)
    check_quotas(profile_quota, 0)
    if quota_min > quota_max:
        raise InvalidInput(_l("Số bài gửi lên ít nhất không được lớn hơn số nhiều nhất."))
    published = contest.phase == ContestPhase.SUBMISSION
    if published and forward_by is not None and forward_by < now:
        raise InvalidInput(_l("Hạn gửi lên đã qua: hãy chọn một ngày sắp tới."))
    level = contest.level_for(kind)
    if level is None:
        level = ContestLevel(unit_kind=kind)
        contest.levels.append(level)
    moved = level.forward_by != forward_by
    level.quota_min, level.quota_max = quota_min, quota_max
    level.profile_quota, level.forward_by = profile_quota, forward_by
    session.flush()
    found = contest_file.rule_problems(session, contest)
    if found:
        raise ContestProblems(found)
    rounds_for_tree(session, contest)
    for round_ in contest.rounds:
        if round_.unit.kind == kind and round_.closed_at is None and not round_.is_province:
            sent = forwarded_count(session, round_)
            round_.quota = max(quota_max, sent)
            round_.profile_quota = max(
                profile_quota, forwarded_count(session, round_, profiles=True)
            )
    if published and forward_by is not None and moved:
        deadlines.book(session, contest, forward_by)
    record_event(session, actor, contest, ContestAction.LEVELS_CHANGED, kind=kind)
    session.flush()
    return level


def remove_level(session: Session, contest: Contest, actor: User | None, kind: str) -> None:
    """A kind of unit no longer takes part in a draft: its rounds go, and the rounds below
    them send to the nearest round above. Only a draft: once published, the units of that
    kind may hold entries, and their entrants were told where to send."""
    if not contest.is_draft:
        raise IllegalTransition(_l("Cuộc thi đã công bố: không bỏ một cấp tham gia được nữa."))
    level = contest.level_for(kind)
    if level is None:
        raise InvalidInput(_l("Cấp này không tham gia cuộc thi."))
    going = [r for r in contest.rounds if r.unit.kind == kind and not r.is_province]
    try:
        with session.begin_nested():
            for round_ in contest.rounds:
                if round_ in going:
                    continue
                while round_.parent in going:
                    round_.parent = round_.parent.parent
            session.flush()
            for round_ in going:
                session.delete(round_)
            contest.levels.remove(level)
            session.flush()
    except IntegrityError as error:
        # Only the judging of a unit's own round (its jury, its stages) points at a draft's
        # round: those are taken down first, where they were set.
        raise InvalidInput(
            _l("Một đơn vị của cấp này đã có ban giám khảo hoặc cách chấm riêng: hãy gỡ trước.")
        ) from error
    session.expire(contest, ["rounds"])
    record_event(session, actor, contest, ContestAction.LEVELS_CHANGED, kind=kind, removed=True)
    session.flush()
